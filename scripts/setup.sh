#!/usr/bin/env bash
# Installs what cubed-cpp needs on Debian 12 (Debian packages only) and builds
# it in build/ (Release). Safe to run again: apt-get and the build are
# incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  # build
  g++ cmake ninja-build pkg-config
  # libraries
  libblosc-dev libzstd-dev liblz4-dev zlib1g-dev libbz2-dev liblzma-dev nlohmann-json3-dev libfmt-dev libopenblas-dev
  libcurl4-openssl-dev
  # the mpi executor (optional: built when found)
  libopenmpi-dev openmpi-bin
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev time
  # the two-host mpi test (network namespaces; util-linux gives unshare)
  iproute2 util-linux
  # plan drawings (cubed eval --plan x.svg)
  graphviz
  # interoperability peers (tests only; the engine never uses them)
  python3 python3-numpy python3-zarr python3-numcodecs gdal-bin python3-gdal
)

. scripts/apt_install.sh
apt_install "${PACKAGES[@]}"

# The S3-compatible server of the object-storage tests (s3rver, installed
# from npm by scripts/s3rver.sh). Node.js may come from elsewhere than
# Debian (whose npm conflicts with such builds): only install when missing.
command -v npm > /dev/null || apt_install nodejs npm
bash scripts/s3rver.sh install

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)"
