"""The Python side of a measured run: one workload with one Python peer (dask,
numpy, cubed) or the ceilings, in its own process so that its RSS and I/O are
its own. Prints one JSON line: {"compute_s": ...} plus peer-specific figures.

usage: pyworker.py PEER WORKLOAD JSON_ARGS
"""
import json
import os
import sys
import time

import numpy as np
import zarr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datagen  # noqa: E402


def _out_comp(args):
    return datagen.compressor(args.get("compressor", "blosc-lz4"))


# ---- dask: threaded scheduler, 2 workers, same Zarr in and out ----
def run_dask(workload, a):
    import dask
    import dask.array as da
    dask.config.set(scheduler="threads", num_workers=2)
    t0 = time.perf_counter()
    if workload == "quad":
        u, v = da.from_zarr(a["u"]), da.from_zarr(a["v"])
        r = da.stack([(u * u).mean(axis=0), (v * v).mean(axis=0), (u * v).mean(axis=0)])
    elif workload == "elementwise":
        r = da.from_zarr(a["a"]) + np.float32(1)
    elif workload == "rechunk":
        r = da.from_zarr(a["x"]).rechunk(tuple(a["chunks"]))
    elif workload == "matmul":
        r = da.from_zarr(a["a"]) @ da.from_zarr(a["b"])
    elif workload == "overhead":
        r = da.arange(a["n"], chunks=a["chunk"]) + 1
    elif workload == "overhead_sum":
        total = (da.arange(a["n"], chunks=a["chunk"]) + 1).sum().compute()
        zarr.open(a["out"], "w", shape=(), dtype=np.int64)[()] = total
        return {"compute_s": time.perf_counter() - t0}
    else:
        raise SystemExit(f"unknown workload {workload}")
    da.to_zarr(r, a["out"], overwrite=True, compressor=_out_comp(a))
    return {"compute_s": time.perf_counter() - t0}


# ---- numpy: everything in memory (loading is not timed), result saved as .npy ----
def run_numpy(workload, a):
    if workload == "quad":
        u, v = zarr.open(a["u"], "r")[:], zarr.open(a["v"], "r")[:]
        t0 = time.perf_counter()
        r = np.stack([(u * u).mean(axis=0), (v * v).mean(axis=0), (u * v).mean(axis=0)])
    elif workload == "elementwise":
        x = zarr.open(a["a"], "r")[:]
        t0 = time.perf_counter()
        r = x + np.float32(1)
    elif workload == "rechunk":  # in memory a rechunk is a copy
        x = zarr.open(a["x"], "r")[:]
        t0 = time.perf_counter()
        r = x.copy()
    elif workload == "matmul":
        x, y = zarr.open(a["a"], "r")[:], zarr.open(a["b"], "r")[:]
        t0 = time.perf_counter()
        r = x @ y
    else:
        raise SystemExit(f"numpy has no {workload}")
    dt = time.perf_counter() - t0
    np.save(a["out"], r)
    return {"compute_s": dt}


# ---- the Python Cubed, from the source tree on PYTHONPATH (tested with 0.11.0) ----
CUBED_BATCH = 100


def _cubed_executor(name):
    """None (Cubed's default: PythonDagExecutor, one task at a time in the
    process) or its threaded executor with a pool of 2 workers."""
    if name == "single-threaded":
        return None, {}
    if name == "threads:2":
        from concurrent.futures import ThreadPoolExecutor
        from functools import partial
        from cubed.runtime.executors import python_async
        # Cubed 0.11 sizes this pool itself (ThreadPoolExecutor(): cores + 4
        # threads) and has no option for it (0.16 added max_workers): cap it
        # at 2, as Dask and cubed-cpp threads:2 run.
        python_async.ThreadPoolExecutor = partial(ThreadPoolExecutor, max_workers=2)
        # batch_size bounds the futures in flight: without it the executor waits
        # on all of a stage's futures at each completion, quadratic in the tasks
        # (10,000 tasks: 211 s instead of about 45 s).
        return python_async.AsyncPythonDagExecutor(), {"compute_arrays_in_parallel": True,
                                                        "batch_size": CUBED_BATCH}
    raise SystemExit(f"unknown Cubed executor {name}")


def _zarr_target(path, x, compressor):
    """The Zarr array cubed.store writes x to: x's chunks, the case's compressor."""
    return zarr.open(path, mode="w", shape=x.shape, chunks=x.chunksize, dtype=x.dtype,
                     compressor=compressor)


def _task_counter():
    import cubed

    class TaskCount(cubed.Callback):
        """Counts the tasks Cubed ran (its plan may have more stages than ours)."""
        n = 0

        def on_task_end(self, event):
            self.n += 1
    return TaskCount()


def run_cubed(workload, a):
    import shutil
    import tempfile

    import cubed
    import cubed.array_api as xp
    executor, options = _cubed_executor(a.get("executor", "single-threaded"))
    # a fresh intermediate store per run (Cubed leaves its context directories behind)
    work_dir = tempfile.mkdtemp(prefix="cubed-", dir=a["work_dir"])
    spec = cubed.Spec(work_dir=work_dir, allowed_mem=a["allowed_mem"],
                      reserved_mem=a.get("reserved_mem", 0), executor=executor)
    comp = _out_comp(a)
    t0 = time.perf_counter()
    try:
        if workload == "quad":
            # as Cubed's quadratic-means benchmark: the three means stored together
            u = cubed.from_zarr(a["u"], spec=spec)
            v = cubed.from_zarr(a["v"], spec=spec)
            means = {"uu": xp.mean(u * u, axis=0), "vv": xp.mean(v * v, axis=0),
                     "uv": xp.mean(u * v, axis=0)}
            zarr.open_group(a["out"], mode="w")
            sources = list(means.values())
            targets = [_zarr_target(os.path.join(a["out"], k), m, comp)
                       for k, m in means.items()]
        elif workload == "elementwise":
            sources = [cubed.from_zarr(a["a"], spec=spec) + 1]
        elif workload == "rechunk":
            sources = [cubed.from_zarr(a["x"], spec=spec).rechunk(tuple(a["chunks"]))]
        elif workload == "matmul":
            sources = [xp.matmul(cubed.from_zarr(a["a"], spec=spec),
                                 cubed.from_zarr(a["b"], spec=spec))]
        elif workload == "overhead":
            sources = [xp.arange(a["n"], chunks=a["chunk"], spec=spec) + 1]
        elif workload == "overhead_sum":
            tasks = _task_counter()
            total = xp.sum(xp.arange(a["n"], chunks=a["chunk"], spec=spec) + 1).compute(
                callbacks=[tasks], **options)
            zarr.open(a["out"], "w", shape=(), dtype=np.int64)[()] = total
            return {"compute_s": time.perf_counter() - t0, "tasks": tasks.n}
        else:
            raise SystemExit(f"unknown workload {workload}")
        if workload != "quad":
            targets = [_zarr_target(a["out"], sources[0], comp)]
        tasks = _task_counter()
        cubed.store(sources, targets, callbacks=[tasks], **options)
    except Exception as e:  # Cubed refuses the plan (memory bound) or lacks a feature
        msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
        return {"skipped": f"{type(e).__name__}: {msg}"[:300]}
    finally:
        dt = time.perf_counter() - t0
        shutil.rmtree(work_dir, ignore_errors=True)
    return {"compute_s": dt, "tasks": tasks.n}


# ---- ceilings: memory copy, blosc-lz4 codec speed, file write/read ----
def _best(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run_ceilings(_, a):
    import numcodecs
    import numcodecs.blosc
    nbytes = a["copy_bytes"]
    src = np.ones(nbytes // 8)
    dst = np.zeros_like(src)  # both touched: measures reused pages, as a pool would
    t_copy = _best(lambda: np.copyto(dst, src), a["repeats"])
    numcodecs.blosc.set_nthreads(1)  # per core, as one task encodes one chunk
    chunk = datagen.pattern(0, a["codec_bytes"] // 4, np.float32)
    codec = numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE)
    enc = codec.encode(chunk)
    t_enc = _best(lambda: codec.encode(chunk), a["repeats"])
    out = np.empty_like(chunk)
    t_dec = _best(lambda: codec.decode(enc, out=out), a["repeats"])
    path = os.path.join(a["scratch"], "ceiling.bin")
    buf = src.tobytes()

    def write():
        with open(path + ".tmp", "wb") as f:
            f.write(buf)
        os.replace(path + ".tmp", path)

    def read():
        with open(path, "rb") as f:
            f.readinto(dst)
    t_w = _best(write, a["repeats"])
    t_r = _best(read, a["repeats"])
    os.remove(path)
    # A chunk file as a store writes it: a small file created under a
    # temporary name, then renamed (the floor of a task that writes a chunk).
    small = os.path.join(a["scratch"], "ceiling-files")
    os.makedirs(small, exist_ok=True)
    nfiles = 2000
    t0 = time.perf_counter()
    for i in range(nfiles):
        tmp, final = os.path.join(small, f".{i}.tmp"), os.path.join(small, str(i))
        with open(tmp, "wb") as f:
            f.write(b"x" * 32)
        os.replace(tmp, final)
    t_files = time.perf_counter() - t0
    import shutil
    shutil.rmtree(small)
    gb = 1e9
    return {"compute_s": t_copy,
            "copy_GBps": 2 * nbytes / t_copy / gb,  # STREAM counts read + write
            "lz4_encode_GBps": chunk.nbytes / t_enc / gb,
            "lz4_decode_GBps": chunk.nbytes / t_dec / gb,
            "lz4_ratio": chunk.nbytes / len(enc),
            "file_write_GBps": nbytes / t_w / gb,
            "file_read_GBps": nbytes / t_r / gb,
            "file_create_us": t_files / nfiles * 1e6}


PEERS = {"dask": run_dask, "numpy": run_numpy, "cubed": run_cubed, "ceilings": run_ceilings}

if __name__ == "__main__":
    peer, workload, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    print(json.dumps(PEERS[peer](workload, args)), flush=True)
