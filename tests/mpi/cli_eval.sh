#!/bin/sh
# `cubed eval --executor mpi` under mpirun prints, once (rank 0), what the
# single-threaded run prints; an error is printed once, with a failing status.
# Usage: cli_eval.sh CUBED MPIRUN...
set -u
cubed=$1
shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
expr="mean(matmul(ones((60,40), chunks=(16,16)) * 1.5, arange(1600, chunks=300).reshape((40,40))), axis=0) + sum(rechunk(arange(1000, chunks=100).reshape((10,100)), (5,20)) ** 2)"
want=$("$cubed" eval "$expr" --print) || exit 1
got=$("$@" "$cubed" eval "$expr" --print --executor mpi --work-dir "$dir/work") || exit 1
[ -n "$want" ] && [ "$want" = "$got" ] || { echo "single-threaded:"; echo "$want"; echo "mpi:"; echo "$got"; exit 1; }
echo "same output: $(echo "$got" | wc -l) lines"
# Without mpirun: one rank (an MPI singleton) runs every task itself.
alone=$("$cubed" eval "$expr" --print --executor mpi --work-dir "$dir/work") || exit 1
[ "$want" = "$alone" ] || { echo "mpi alone:"; echo "$alone"; exit 1; }
# The work dir is shared here: nothing left in it after success.
[ -z "$(ls -A "$dir/work")" ] || { echo "work dir not cleaned"; ls -A "$dir/work"; exit 1; }
# --stats on every rank (workers have a report without measurements).
"$@" "$cubed" eval "$expr" --print --stats --executor mpi --work-dir "$dir/work" >"$dir/stats" || exit 1
grep -q "array(" "$dir/stats" || { echo "no result with --stats"; cat "$dir/stats"; exit 1; }
if "$@" "$cubed" eval "sum(x)" x="$dir/missing.zarr" --print --executor mpi >"$dir/out" 2>"$dir/err"; then
  echo "a missing input should fail"; exit 1
fi
n=$(grep -c "^error:" "$dir/err")
[ "$n" = 1 ] || { echo "the error should be printed once, not $n times"; cat "$dir/err"; exit 1; }
echo "error printed once: $(grep "^error:" "$dir/err")"
