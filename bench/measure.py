"""Runs one child process and measures it: wall time, peak RSS, bytes read and written.

Linux starts a child's ru_maxrss at the RSS of the process that forked it, so
the children are forked by a small server process (`Runner`, this file run with
--serve, stdlib only) rather than by the suite, which holds results in memory.

The child is waited for without being reaped (waitid WNOWAIT) so that its final
/proc/<pid>/io counters can be read, then reaped with wait4 for its rusage.
/proc/<pid>/io is also sampled while it runs, as a fallback.
"""
import json
import os
import subprocess
import sys
import threading
import time

IO_KEYS = ("rchar", "wchar", "read_bytes", "write_bytes")


def _read_io(pid):
    try:
        with open(f"/proc/{pid}/io") as f:
            vals = dict(line.split(": ") for line in f.read().splitlines())
        return {k: int(vals[k]) for k in IO_KEYS}
    except (OSError, KeyError, ValueError):
        return None


def drop_caches():
    """Empties the page cache; returns False when not allowed here."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


class RunFailed(RuntimeError):
    pass


def run(cmd, env=None, cwd=None, timeout=None):
    """Runs cmd; returns a dict: wall_s, rss_mb, io counters, stdout, and the
    last JSON line of stdout (the Python workers report their own figures)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env, cwd=cwd, text=True)
    last = {k: 0 for k in IO_KEYS}
    stop = threading.Event()

    def sample():
        while not stop.wait(0.05):
            io = _read_io(p.pid)
            if io:
                for k in IO_KEYS:
                    last[k] = max(last[k], io[k])

    out_chunks, err_chunks = [], []
    t_out = threading.Thread(target=lambda: out_chunks.append(p.stdout.read()))
    t_err = threading.Thread(target=lambda: err_chunks.append(p.stderr.read()))
    t_smp = threading.Thread(target=sample)
    for t in (t_out, t_err, t_smp):
        t.start()
    deadline = None if timeout is None else t0 + timeout
    while True:  # exited, not reaped: /proc/<pid>/io stays readable
        info = os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT | os.WNOHANG)
        if info is not None:
            break
        if deadline and time.perf_counter() > deadline:
            p.kill()
        time.sleep(0.002)
    wall = time.perf_counter() - t0
    io = _read_io(p.pid)
    stop.set()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    t_smp.join()
    t_out.join()
    t_err.join()
    if io:
        for k in IO_KEYS:
            last[k] = max(last[k], io[k])
    stdout, stderr = "".join(out_chunks), "".join(err_chunks)
    if p.returncode != 0:
        raise RunFailed(f"exit {p.returncode}: {' '.join(cmd)}\n{stderr.strip()[-2000:]}")
    report = {}
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            report = json.loads(line)
            break
    return {"wall_s": wall, "rss_mb": ru.ru_maxrss / 1024.0, **last,
            "stdout": stdout, "stderr": stderr, "report": report}


class Runner:
    """A measuring server in its own small process: run() as above, over a pipe."""

    def __init__(self):
        self.p = subprocess.Popen(["/usr/bin/python3", os.path.abspath(__file__), "--serve"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def run(self, cmd, env=None, timeout=None):
        self.p.stdin.write(json.dumps({"cmd": cmd, "env": env, "timeout": timeout}) + "\n")
        self.p.stdin.flush()
        reply = json.loads(self.p.stdout.readline())
        if "error" in reply:
            raise RunFailed(reply["error"])
        return reply

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def _serve():
    for line in sys.stdin:
        req = json.loads(line)
        try:
            reply = run(req["cmd"], env=req["env"], timeout=req["timeout"])
        except RunFailed as e:
            reply = {"error": str(e)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()
