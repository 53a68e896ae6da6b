#!/usr/bin/env bash
# The main job: real computations on the local filesystem with the default
# in-process executor, each within a memory budget. Writes into demo-output/
# (removed and recreated).
set -euo pipefail
cd "$(dirname "$0")/.."
out=demo-output
rm -rf "$out"
mkdir -p "$out"
cubed=build/tools/cli/cubed

echo "== a 4000 x 3000 float64 temperature field (96 MB) written with the C++ library"
build/examples/make_demo_array "$out/kelvin.zarr"
"$cubed" info "$out/kelvin.zarr"

echo
echo "== Kelvin to Fahrenheit, elementwise, with 200 MB per task"
/usr/bin/time -f "   (peak RSS %M kB, %e s)" \
  "$cubed" eval "(k - 273.15) * 9 / 5 + 32" k="$out/kelvin.zarr" -o "$out/fahrenheit.zarr" \
  --allowed-mem 200MB --work-dir "$out/work" --stats

echo
echo "== rechunk rows of 500 x 500 chunks into 4000 x 50 columns, with 60 MB per task"
/usr/bin/time -f "   (peak RSS %M kB, %e s)" \
  "$cubed" copy "$out/fahrenheit.zarr" "$out/columns.zarr" --chunks 4000,50 --allowed-mem 60MB \
  --reserved-mem 10MB --work-dir "$out/work"
"$cubed" info "$out/columns.zarr"

echo
echo "== a small result printed like numpy"
"$cubed" eval "eye(4, dtype=int32) * 10 + arange(4, dtype=int32)" --print
