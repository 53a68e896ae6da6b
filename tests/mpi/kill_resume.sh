#!/bin/sh
# A job whose worker rank is SIGKILLed inside a task fails (MPI ends the
# whole job); the same job rerun with resume completes, skipping the tasks
# written before. Usage: kill_resume.sh MPIRUN... PROGRAM (in a temporary folder)
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if "$@" kill "$dir" >"$dir/first.log" 2>&1; then
  echo "the first run should have failed"; cat "$dir/first.log"; exit 1
fi
test -f "$dir/killed" || { echo "no rank was killed"; cat "$dir/first.log"; exit 1; }
echo "first run failed as expected (rank $(cat "$dir/killed") killed)"
"$@" kill "$dir" resume || exit 1
