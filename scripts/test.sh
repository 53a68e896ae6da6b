#!/usr/bin/env bash
# Runs the whole default test suite: the Release build's tests, a user
# project that finds the installed library with find_package, then the
# Address+UndefinedBehavior sanitizer build of the same tests. Slow tests
# (label "slow") run only with CUBED_SLOW_TESTS=1.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
exclude=()
[ "${CUBED_SLOW_TESTS:-0}" = "1" ] || exclude=(-LE slow)
# The object-storage tests run against s3rver (scripts/s3rver.sh); here a
# missing Node.js is a failure, not a skip.
export CUBED_REQUIRE_S3=1

echo "== Release build: tests"
ctest --test-dir build --output-on-failure -j "$jobs" "${exclude[@]}"

echo "== find_package(cubed) from an installed copy"
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install build --prefix "$prefix" > /dev/null
cmake -S tests/package -B "$prefix/consumer-build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$prefix/consumer-build" > /dev/null
"$prefix/consumer-build/consumer"

echo "== Sanitizer build (address, undefined): tests"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCUBED_SANITIZE=ON -DCMAKE_CXX_FLAGS="-O1"
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" "${exclude[@]}"
