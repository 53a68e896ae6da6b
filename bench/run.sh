#!/usr/bin/env bash
# The benchmark suite of issue 10: cubed-cpp against Dask, numpy (and the Python
# Cubed with --cubed-src DIR or CUBED_SRC) on the same Zarr data, in one run.
#   bash bench/run.sh [--quick|--full] [--cubed-src DIR] [--repeats N] [--only W,...] [--no-cold]
# Data: bench/data or $CUBED_BENCH_DATA (reused when it matches). Writes
# BENCHMARKS.md and bench/benchmarks.png.
set -euo pipefail
cd "$(dirname "$0")/.."

# Python peers: Debian packages only, used through /usr/bin/python3. The second
# line is what the Python Cubed (0.11.0 source tree, --cubed-src) imports.
PY_PACKAGES=(python3-numpy python3-zarr python3-numcodecs python3-dask python3-matplotlib
             python3-networkx python3-tenacity python3-aiostream python3-fsspec python3-toolz
             python3-mypy-extensions)
. scripts/apt_install.sh
apt_install "${PY_PACKAGES[@]}"

# cubed-cpp, Release.
if [ ! -x build/tools/cli/cubed ]; then
  [ -f build/CMakeCache.txt ] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
if ! grep -q 'CMAKE_BUILD_TYPE:STRING=Release' build/CMakeCache.txt; then
  echo "bench: build/ is not a Release build; the figures would mean nothing" >&2
  exit 1
fi
cmake --build build --target cubed_cli -j "$(nproc)" >/dev/null

exec /usr/bin/python3 bench/suite.py --command "bash bench/run.sh $*" "$@"
