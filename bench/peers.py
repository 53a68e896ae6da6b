"""The engines compared, and the command that runs one case with each."""
import json
import os
import sys

PY = "/usr/bin/python3"  # Debian's numpy, dask, zarr: the only Python used
HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "pyworker.py")

CPP_EXECUTORS = ("single-threaded", "threads:2")


def cubed_cpp_cmd(cli, case, executor, out, work_dir):
    c = case["cpp"]
    cmd = [cli, "eval", c["expr"]] + [f"{k}={v}" for k, v in c.get("inputs", {}).items()]
    cmd += ["-o", out, "--overwrite", "--executor", executor, "--work-dir", c.get("work_dir", work_dir),
            "--allowed-mem", case["allowed_mem"]]
    if executor != "single-threaded":
        # independent operations at once, as the Cubed peer's threaded run does
        cmd.append("--compute-arrays-in-parallel")
    if "reserved_mem" in case:
        cmd += ["--reserved-mem", case["reserved_mem"]]
    if "chunks" in c:
        cmd += ["--chunks", ",".join(map(str, c["chunks"]))]
    cmd += ["--compressor", c.get("compressor", "blosc:lz4:5:1")]
    return cmd


CUBED_EXECUTORS = ("single-threaded", "threads:2")


def python_cmd(peer, case, out, work_dir, executor=None):
    args = dict(case["py"], out=out, work_dir=work_dir, allowed_mem=case["allowed_mem"])
    if "reserved_mem" in case:
        args["reserved_mem"] = case["reserved_mem"]
    if executor:
        args["executor"] = executor
    return [PY, WORKER, peer, case["workload"], json.dumps(args)]


def cubed_env(src):
    """Environment for the Python Cubed found in source tree src (or None)."""
    if not src:
        return None
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    return env


CUBED_PROBE = """
import os, re, cubed, cubed.array_api
v = cubed.__version__
if v == "unknown":  # a source tree, not installed: its pyproject.toml has it
    p = os.path.join(os.path.dirname(os.path.dirname(cubed.__file__)), "pyproject.toml")
    if os.path.exists(p):
        m = re.search(r'^version = "([^"]+)"', open(p).read(), re.M)
        v = m.group(1) if m else v
print(v, os.path.dirname(cubed.__file__))
"""


def cubed_available(src):
    """(True, "Cubed <version> at <dir>") or (False, why not)."""
    import subprocess
    env = cubed_env(src)
    if env is None:
        return False, "no Cubed source tree given (--cubed-src or CUBED_SRC)"
    r = subprocess.run([PY, "-c", CUBED_PROBE], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        return False, f"Cubed at {src} does not import: {r.stderr.strip().splitlines()[-1:]}"
    version, where = r.stdout.split(maxsplit=1)
    return True, f"Cubed {version} at {where.strip()}"


def versions():
    import subprocess
    code = ("import numpy, dask, zarr, numcodecs, matplotlib, sys;"
            "print(sys.version.split()[0], numpy.__version__, dask.__version__,"
            " zarr.__version__, numcodecs.__version__, matplotlib.__version__)")
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True).stdout
    keys = ("python", "numpy", "dask", "zarr", "numcodecs", "matplotlib")
    return dict(zip(keys, out.split()))


if __name__ == "__main__":
    print(versions(), cubed_available(sys.argv[1] if len(sys.argv) > 1 else None))
