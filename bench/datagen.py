"""Generates the benchmark inputs as Zarr v2 arrays with Debian's zarr-python.

Each array folder carries a `.bench.json` describing how it was made; an array
whose description matches is reused, any other is regenerated. Values follow
closed forms (pattern) or a seeded generator (random) so results can be checked.
"""
import json
import os
import shutil

import numcodecs
import numpy as np
import zarr

LZ4 = {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}


def compressor(name):
    if name == "none":
        return None
    if name == "blosc-lz4":
        return numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE)
    raise ValueError(f"unknown compressor {name!r}")


def pattern(start, stop, dtype):
    """The closed form of 'pattern' arrays at flat indices [start, stop): a hash
    of i to 20 bits, scaled by 2**-10, exact in float32 and float64 (and after
    + 1); it compresses about as poorly as measured data does."""
    i = np.arange(start, stop, dtype=np.int64)
    return (((i * 2654435761) % (1 << 20)) * 2.0 ** -10).astype(dtype)


def _random_block(seed, shape, dtype):
    return np.random.default_rng(seed).random(shape).astype(dtype)


def ensure(root, name, shape, chunks, dtype, comp, fill):
    """Returns the path of array `name` under root, generating it if needed.
    fill is 'pattern' or 'random' (seeded per leading-axis chunk)."""
    path = os.path.join(root, name)
    desc = {"shape": list(shape), "chunks": list(chunks), "dtype": np.dtype(dtype).str,
            "compressor": comp, "fill": fill, "version": 2}
    marker = os.path.join(path, ".bench.json")
    if os.path.exists(marker):
        with open(marker) as f:
            if json.load(f) == desc:
                return path
    shutil.rmtree(path, ignore_errors=True)
    print(f"  generating {name} {tuple(shape)} {np.dtype(dtype).name} chunks {tuple(chunks)} {comp}",
          flush=True)
    z = zarr.open(zarr.DirectoryStore(path), mode="w", shape=shape, chunks=chunks,
                  dtype=dtype, compressor=compressor(comp))
    inner = int(np.prod(shape[1:], dtype=np.int64))
    step = chunks[0]
    for i, t0 in enumerate(range(0, shape[0], step)):  # one slab of chunks at a time
        t1 = min(shape[0], t0 + step)
        bshape = (t1 - t0,) + tuple(shape[1:])
        if fill == "pattern":
            block = pattern(t0 * inner, t1 * inner, dtype).reshape(bshape)
        else:
            block = _random_block(1000 + i, bshape, dtype)
        z[t0:t1] = block
    with open(marker, "w") as f:
        json.dump(desc, f)
    return path


def cached_expected(array_path, name, compute):
    """An expected result stored inside the input array's folder (computed once
    with numpy), so that regenerating the input discards it."""
    path = os.path.join(array_path, "bench-" + name + ".npy")
    if os.path.exists(path):
        return np.load(path)
    value = compute()
    np.save(path, value)
    return value
