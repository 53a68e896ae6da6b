#!/usr/bin/env bash
# The S3-compatible server of the object-storage tests: s3rver from npm,
# installed once into build/s3rver (outside the sources).
#   scripts/s3rver.sh install          install it if missing
#   scripts/s3rver.sh start DATA_DIR   install if missing, start it on
#                                      127.0.0.1 on a free port with bucket
#                                      "cubed-test", print "PID PORT"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${CUBED_S3RVER_DIR:-$root/build/s3rver}"
version=3.7.1
bin="$dir/node_modules/.bin/s3rver"

install() {
  [ -x "$bin" ] && return 0
  command -v npm > /dev/null || { echo "npm is not installed (apt-get install nodejs npm)" >&2; exit 2; }
  mkdir -p "$dir"
  # A lock: test processes running at once install only once.
  exec 9> "$dir/.install.lock"
  flock 9
  [ -x "$bin" ] || npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "s3rver@$version" >&2
}

case "${1:-}" in
  install)
    install
    ;;
  start)
    install
    data="${2:?usage: s3rver.sh start DATA_DIR}"
    mkdir -p "$data"
    log="$data.log"
    # s3rver makes its continuation tokens with DES, which OpenSSL 3 keeps in
    # its legacy provider.
    flags=()
    node --openssl-legacy-provider -e 0 2> /dev/null && flags=(--openssl-legacy-provider)
    node "${flags[@]}" "$bin" -d "$data" -a 127.0.0.1 -p 0 --silent --configure-bucket cubed-test > "$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 200); do
      port=$(sed -n 's/^S3rver listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
      if [ -n "$port" ]; then
        echo "$pid $port"
        exit 0
      fi
      kill -0 "$pid" 2> /dev/null || break
      sleep 0.05
    done
    echo "s3rver did not start:" >&2
    cat "$log" >&2
    kill "$pid" 2> /dev/null || true
    exit 1
    ;;
  *)
    echo "usage: $0 install | start DATA_DIR" >&2
    exit 2
    ;;
esac
