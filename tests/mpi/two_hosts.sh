#!/bin/sh
# Two ranks on two "hosts" over TCP: each rank in a network (and hostname)
# namespace of its own, joined by a veth pair, mpirun launching the remote
# daemon through a plm_rsh_agent that enters the other namespace (as ssh
# would reach another machine). Shared memory transport is off (btl
# tcp,self), so every message crosses the veth link. The files are shared,
# as a cluster's shared filesystem is.
# Usage: two_hosts.sh CUBED MPIRUN   (exits 77, skipped, without root or netns)
set -u
cubed=$1
mpirun=$2
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v unshare >/dev/null; then
  echo "skipped: needs root, ip and unshare"; exit 77
fi
dir=$(mktemp -d)
a=cubed-$$-a
b=cubed-$$-b
cleanup() { ip netns del "$a" 2>/dev/null; ip netns del "$b" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
if ! ip netns add "$a" 2>/dev/null || ! ip netns add "$b"; then
  echo "skipped: cannot create network namespaces here"; exit 77
fi
ip link add "cv$$a" type veth peer name "cv$$b" || exit 1
ip link set "cv$$a" netns "$a" && ip link set "cv$$b" netns "$b" || exit 1
ip -n "$a" addr add 10.77.0.1/24 dev "cv$$a" && ip -n "$b" addr add 10.77.0.2/24 dev "cv$$b" || exit 1
for ns in "$a" "$b"; do ip -n "$ns" link set lo up || exit 1; done
ip -n "$a" link set "cv$$a" up && ip -n "$b" link set "cv$$b" up || exit 1

# The "ssh" of this two-host cluster: host 10.77.0.2 is namespace b.
cat >"$dir/agent" <<AGENT
#!/bin/sh
host="\$1"; shift
echo "\$host" >>"$dir/launched"
exec ip netns exec "$b" unshare --uts sh -c "hostname cubed-host-b; \$*"
AGENT
chmod +x "$dir/agent"

expr="sum(sin(random((600, 800), seed=4, chunks=(100, 100))) ** 2) + mean(rechunk(arange(4000, chunks=100).reshape((40, 100)), (40, 10)), axis=0)"
want=$("$cubed" eval "$expr" --print) || exit 1
got=$(ip netns exec "$a" unshare --uts sh -c 'hostname cubed-host-a; exec "$@"' sh \
  "$mpirun" --allow-run-as-root -n 2 --host 10.77.0.1:1,10.77.0.2:1 \
  --mca plm_rsh_agent "$dir/agent" --mca btl tcp,self \
  --mca oob_tcp_if_include 10.77.0.0/24 --mca btl_tcp_if_include 10.77.0.0/24 \
  "$cubed" eval "$expr" --print --executor mpi --work-dir "$dir/work" --history "$dir/history" 2>"$dir/err")
status=$?
[ $status = 0 ] || { echo "mpirun failed ($status)"; cat "$dir/err"; exit 1; }
[ "$(cat "$dir/launched")" = 10.77.0.2 ] || { echo "the second rank was not launched on host b"; exit 1; }
[ -n "$want" ] && [ "$want" = "$got" ] || { echo "single-threaded:"; echo "$want"; echo "two hosts:"; echo "$got"; exit 1; }
# Rank 1, on host b, ran tasks (the history's worker column).
ran_on_b=$(grep -c ',rank 1,' "$dir/history/events.csv")
[ "$ran_on_b" -gt 0 ] || { echo "rank 1 (host b) ran no task"; cat "$dir/history/events.csv"; exit 1; }
echo "rank 1 on host b ran $ran_on_b of $(($(wc -l <"$dir/history/events.csv") - 1)) tasks"
echo "two hosts over TCP print what single-threaded prints ($(echo "$got" | wc -l) lines)"
