#!/usr/bin/env bash
# The main job: a real computation on the local filesystem with the default
# (in-process) executor. Writes into demo-output/ (removed and recreated).
set -euo pipefail
cd "$(dirname "$0")/.."
out=demo-output
rm -rf "$out"
mkdir -p "$out"
cubed=build/tools/cli/cubed

echo "== make a 4000 x 3000 float64 Zarr array (96 MB) with the C++ library"
build/examples/make_demo_array "$out/field.zarr"
echo
echo "== cubed info $out/field.zarr"
"$cubed" info "$out/field.zarr"
echo
echo "== cubed copy to zstd, holding one chunk at a time"
/usr/bin/time -f "peak RSS %M kB, %e s" "$cubed" copy "$out/field.zarr" "$out/field-zstd.zarr" --compressor zstd:3
"$cubed" info "$out/field-zstd.zarr"
