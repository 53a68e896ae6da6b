"""The six workloads of issue 10: their sizes per mode, their data, and how each
result is checked (against numpy or a closed form: a wrong answer fails the run)."""
import os

import numpy as np
import zarr

import datagen

MiB = 1 << 20
ROW = 16384  # elementwise arrays are (rows, 16384) float32: one row is 64 KiB

SIZES = {
    "quick": dict(quad_T=10, ew_bytes=64 * MiB, rechunk=(100, 400, 400), rechunk_to=(100, 40, 40),
                  rechunk_mem="24MB", rechunk_reserved="4MB", matmul=(1024, 256),
                  tasks=10_000, repeats=2),
    "default": dict(quad_T=50, ew_bytes=1024 * MiB, rechunk=(500, 1000, 1000),
                    rechunk_to=(500, 50, 50), rechunk_mem="300MB", rechunk_reserved="50MB",
                    matmul=(8192, 2048), tasks=100_000, repeats=3),
    "full": dict(quad_T=500, ew_bytes=1024 * MiB, rechunk=(1000, 1000, 1000),
                 rechunk_to=(1000, 50, 50), rechunk_mem="500MB", rechunk_reserved="100MB",
                 matmul=(8192, 2048), tasks=100_000, repeats=3),
}


class WrongResult(AssertionError):
    pass


def open_result(path):
    return np.load(path, mmap_mode="r") if path.endswith(".npy") else zarr.open(path, "r")


def _check(cond, msg):
    if not cond:
        raise WrongResult(msg)


def _stored(path):
    return sum(e.stat().st_size for e in os.scandir(path) if e.is_file())


def _rows_in_blocks(n, block):
    for r0 in range(0, n, block):
        yield r0, min(n, r0 + block)


def build(mode, root):
    """Generates (or reuses) the data under root; returns the list of cases."""
    s = SIZES[mode]
    cases = []

    # 1. quadratic means
    T = s["quad_T"]
    shape, chunks = (T, 1, 987, 1920), (10, 1, 987, 1920)
    u = datagen.ensure(root, f"quad_u_T{T}", shape, chunks, "f8", "blosc-lz4", "random")
    v = datagen.ensure(root, f"quad_v_T{T}", shape, chunks, "f8", "blosc-lz4", "random")

    def quad_expected(u=u, v=v):
        def compute():
            zu, zv = zarr.open(u, "r"), zarr.open(v, "r")
            acc = np.zeros((3,) + shape[1:])
            for t0, t1 in _rows_in_blocks(T, 10):
                a, b = zu[t0:t1], zv[t0:t1]
                acc += np.stack([(a * a).sum(0), (b * b).sum(0), (a * b).sum(0)])
            return acc / T
        return datagen.cached_expected(u, "quad", compute)

    def quad_verify(path):
        r = open_result(path)
        if isinstance(r, zarr.hierarchy.Group):  # Cubed stores the three means together
            r = np.stack([r[k][:] for k in ("uu", "vv", "uv")])
        r = r[:]
        _check(r.shape == (3,) + shape[1:], f"quad: shape {r.shape}")
        e = quad_expected()
        _check(np.allclose(r, e, rtol=1e-10, atol=0), f"quad: max error {np.abs(r - e).max()}")

    cases.append(dict(
        id=f"quad T={T}", workload="quad", nbytes=2 * T * 987 * 1920 * 8, allowed_mem="2GB",
        cpp=dict(expr="stack((mean(u*u, axis=0), mean(v*v, axis=0), mean(u*v, axis=0)))",
                 inputs=dict(u=u, v=v)),
        py=dict(u=u, v=v), verify=quad_verify, numpy=True))

    # 2. elementwise a + 1
    rows = s["ew_bytes"] // (ROW * 4)
    for comp in ("none", "blosc-lz4"):
        for label, cbytes in (("16MiB", 16 * MiB), ("1MiB", MiB), ("256KiB", 256 * 1024)):
            crow = cbytes // (ROW * 4)
            a = datagen.ensure(root, f"ew_{comp}_{label}_{rows}", (rows, ROW), (crow, ROW),
                               "f4", comp, "pattern")

            def ew_verify(path, rows=rows):
                r = open_result(path)
                _check(r.shape == (rows, ROW) and r.dtype == np.float32,
                       f"elementwise: {r.shape} {r.dtype}")
                for r0, r1 in _rows_in_blocks(rows, 1024):
                    e = datagen.pattern(r0 * ROW, r1 * ROW, np.float32).reshape(-1, ROW) + 1
                    _check(np.array_equal(r[r0:r1], e), f"elementwise: rows {r0}:{r1} differ")

            cpp_comp = "none" if comp == "none" else "blosc:lz4:5:1"
            cases.append(dict(
                id=f"a+1 {comp} {label}", workload="elementwise", nbytes=rows * ROW * 4,
                allowed_mem="2GB", compressor=comp, chunk_label=label,
                cpp=dict(expr="a + 1", inputs=dict(a=a), compressor=cpp_comp),
                py=dict(a=a, compressor=comp), verify=ew_verify, numpy=True))

    # 3. rechunk time slices -> time series
    rs, to = s["rechunk"], s["rechunk_to"]
    x = datagen.ensure(root, "rechunk_x_{}x{}x{}".format(*rs), rs, (1,) + rs[1:], "f4",
                       "blosc-lz4", "pattern")

    def rechunk_verify(path):
        r = open_result(path)
        _check(r.shape == rs, f"rechunk: shape {r.shape}")
        if hasattr(r, "chunks"):
            _check(tuple(r.chunks) == tuple(to), f"rechunk: chunks {r.chunks}, expected {to}")
        inner = rs[1] * rs[2]
        for t0, t1 in _rows_in_blocks(rs[0], 50):
            e = datagen.pattern(t0 * inner, t1 * inner, np.float32).reshape((t1 - t0,) + rs[1:])
            _check(np.array_equal(r[t0:t1], e), f"rechunk: slices {t0}:{t1} differ")

    cases.append(dict(
        id="rechunk {}x{}x{}".format(*rs), workload="rechunk", nbytes=int(np.prod(rs)) * 4,
        stored_bytes=_stored(x),
        allowed_mem=s["rechunk_mem"], reserved_mem=s["rechunk_reserved"],
        cpp=dict(expr="x", inputs=dict(x=x), chunks=to, explain=True),
        py=dict(x=x, chunks=to), verify=rechunk_verify, numpy=True))

    # 4. matmul
    n, c = s["matmul"]
    ma = datagen.ensure(root, f"matmul_a_{n}_{c}", (n, n), (c, c), "f8", "blosc-lz4", "random")
    mb = datagen.ensure(root, f"matmul_b_{n}_{c}", (n, n), (c, c), "f8", "blosc-lz4", "random")

    def matmul_verify(path):
        # Freivalds: C x == A (B x) for a random x, O(n^2)
        r = open_result(path)
        _check(r.shape == (n, n), f"matmul: shape {r.shape}")
        xv = np.random.default_rng(7).random(n)
        A, B = zarr.open(ma, "r")[:], zarr.open(mb, "r")[:]
        _check(np.allclose(np.asarray(r[:]) @ xv, A @ (B @ xv), rtol=1e-9),
               "matmul: C x != A (B x)")

    cases.append(dict(
        id=f"matmul {n}^2 / {c}^2", workload="matmul", nbytes=3 * n * n * 8, allowed_mem="2GB",
        cpp=dict(expr="a @ b", inputs=dict(a=ma, b=mb)), py=dict(a=ma, b=mb),
        verify=matmul_verify, numpy=True))

    # 5. task overhead: tasks chunks of 4 elements, a + 1
    ntask = s["tasks"]
    # Cubed 0.11 runs about 2 tasks per chunk here at 3-6 ms each (measured in
    # --quick mode): 100,000 chunks would take 10-20 minutes per run.
    cubed_skip = (None if ntask <= 20_000 else
                  f"not run at {ntask} tasks: Cubed 0.11 takes 3-6 ms per task here "
                  "(see --quick, 10,000 tasks), 10-20 minutes per run")

    def overhead_verify(path, n=ntask * 4):
        r = open_result(path)[:]
        _check(np.array_equal(r, np.arange(n) + 1), "overhead: arange(n) + 1 differs")

    cases.append(dict(
        id=f"overhead {ntask} tasks", workload="overhead", nbytes=ntask * 4 * 8,
        allowed_mem="2GB", tasks=ntask,
        cpp=dict(expr=f"arange({ntask * 4}, chunks=4) + 1", compressor="none"),
        py=dict(n=ntask * 4, chunk=4, compressor="none"), verify=overhead_verify, numpy=False,
        cubed_skip=cubed_skip))

    # 5b. task overhead without a file per task: the sum of the same array
    # (intermediates in memory for cubed-cpp), one scalar stored. This is the
    # engine's own cost per task; 5 adds the filesystem's create + rename.
    def overhead_sum_verify(path, n=ntask * 4):
        r = open_result(path)[()]
        _check(int(r) == n * (n + 1) // 2, f"overhead sum: {r} != {n * (n + 1) // 2}")

    cases.append(dict(
        id=f"overhead {ntask} tasks, no files", workload="overhead_sum", nbytes=ntask * 4 * 8,
        allowed_mem="2GB", tasks=ntask,
        cpp=dict(expr=f"sum(arange({ntask * 4}, chunks=4) + 1)", compressor="none",
                 work_dir="memory://bench"),
        py=dict(n=ntask * 4, chunk=4, compressor="none"), verify=overhead_sum_verify, numpy=False,
        cubed_skip=cubed_skip))
    return cases


def ceiling_args(mode, scratch):
    big = 64 * MiB if mode == "quick" else 1024 * MiB
    return dict(copy_bytes=big, codec_bytes=16 * MiB, repeats=3, scratch=scratch)


def cleanup(path):
    import shutil
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.exists(path):
        os.remove(path)
