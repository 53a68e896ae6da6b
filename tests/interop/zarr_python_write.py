#!/usr/bin/python3
"""Writes a matrix of Zarr v2 arrays with zarr-python, for cubed-cpp to read.

usage: zarr_python_write.py OUTPUT_DIR

Run with Debian's /usr/bin/python3 (python3-zarr, python3-numpy). Writes
OUTPUT_DIR/arrays/<name> (the arrays), OUTPUT_DIR/expected/<name>.raw (the
expected values) and OUTPUT_DIR/manifest.json:

  {"producer": "zarr-python 2.13.6", "arrays": [ENTRY, ...], "coverage": {...}}

with each ENTRY:

  name, path, expected      array name; array folder and raw file (relative
                            to OUTPUT_DIR)
  dtype                     Array API name ("int16", "complex64", ...)
  zarr_dtype                the .zarray dtype string ("<i2", ">f8", "|b1")
  shape, chunks, order, dimension_separator
  compressor                numcodecs config (get_config()) or null
  fill_value                the .zarray fill_value as zarr-python wrote it
                            ("NaN", null, [re, im], ...)
  attributes                the .zattrs object ({} when none)
  nchunks                   number of chunks of the grid
  nchunks_initialized       chunk files actually stored (counted on disk)
  nbytes                    bytes of the logical array
  nbytes_stored             bytes of every file of the array (recursive)
  zarr_python               what zarr-python itself reports: nchunks,
                            nchunks_initialized, nbytes, nbytes_stored
  zarr_python_counts_exact  true when zarr-python's nchunks_initialized and
                            nbytes_stored are exact: zarr 2.13 lists only the
                            top folder, so it undercounts nested ("/")
                            arrays, and for 0-d arrays its chunk-key pattern
                            is empty and counts .zarray/.zattrs too

The raw file is the full logical array as zarr-python reads it (z[...]) in C
order and little-endian byte order (numpy .tobytes()). Where a chunk is not
stored and fill_value is null, zarr-python 2.13 leaves np.empty() memory; the
array is then read into zeros (get_basic_selection(out=zeros)), which is what
cubed-cpp returns there.
"""
import json
import math
import os
import shutil
import sys

import numpy as np
import numcodecs
import zarr

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float32", "float64", "complex64", "complex128"]
NUMPY_CHAR = {"bool": "b1", "int8": "i1", "int16": "i2", "int32": "i4", "int64": "i8", "uint8": "u1",
              "uint16": "u2", "uint32": "u4", "uint64": "u8", "float32": "f4", "float64": "f8",
              "complex64": "c8", "complex128": "c16"}


def codecs():
    """(label, compressor or None): every numcodecs compressor cubed-cpp knows."""
    out = [("none", None)]
    for cname in ["blosclz", "lz4", "lz4hc", "zlib", "zstd"]:
        for shuffle in [0, 1, 2]:
            clevel = [5, 1, 9][shuffle]
            out.append(("blosc-%s-s%d" % (cname, shuffle),
                        numcodecs.Blosc(cname=cname, clevel=clevel, shuffle=shuffle)))
    out += [
        ("zstd", numcodecs.Zstd(level=3)),
        ("lz4", numcodecs.LZ4(acceleration=1)),
        ("zlib", numcodecs.Zlib(level=6)),
        ("gzip", numcodecs.GZip(level=9)),
        ("bz2", numcodecs.BZ2(level=2)),
        ("lzma", numcodecs.LZMA()),
    ]
    return out


# A few more codec configurations, each written for a handful of dtypes.
EXTRA_CODECS = [
    ("blosc-zstd-autoshuffle", lambda: numcodecs.Blosc(cname="zstd", clevel=3, shuffle=-1)),
    ("blosc-lz4-blocksize", lambda: numcodecs.Blosc(cname="lz4", clevel=5, shuffle=1, blocksize=64)),
    ("zstd-negative", lambda: numcodecs.Zstd(level=-3)),
    ("lz4-accel", lambda: numcodecs.LZ4(acceleration=9)),
    ("lzma-preset1", lambda: numcodecs.LZMA(preset=1)),
    ("zlib-0", lambda: numcodecs.Zlib(level=0)),
]

# (shape, chunks): uneven edge chunks, a 1-d case, a chunk larger than the
# array, a length-1 axis. (0-d arrays are written separately: zarr-python
# stores them uncompressed whatever the codec.)
SHAPES = [
    ((7, 10, 3), (3, 4, 2)),
    ((9, 11), (4, 3)),
    ((13,), (5,)),
    ((5, 6), (8, 8)),
    ((6, 1, 5), (4, 1, 2)),
]

# (order, dimension_separator)
LAYOUTS = [("C", "."), ("F", "."), ("C", "/"), ("F", "/")]

# What is left unwritten.
WRITE_MODES = ["delete", "full", "partial", "delete", "none", "partial"]


def special_floats(dt):
    """Values every float array holds: NaN (incl. payload and sign), inf, -0.0, subnormal, extremes."""
    info = np.finfo(dt)
    vals = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, info.tiny / 4, -info.tiny, info.max, info.min,
                     info.eps, 1.0, -1.0], dtype=dt)
    # NaNs with a payload and a sign bit: bytes must survive unchanged.
    if dt == np.float64:
        bits = np.array([0x7FF8000000000123, 0xFFF8000000000000, 0x7FF0000000000001], dtype=np.uint64)
    else:
        bits = np.array([0x7FC00123, 0xFFC00000, 0x7F800001], dtype=np.uint32)
    return np.concatenate([vals, bits.view(dt)])


def values(name, shape, seed):
    """Deterministic varied values of a dtype (C order)."""
    n = int(np.prod(shape, dtype=np.int64))
    rng = np.random.default_rng(seed)
    dt = np.dtype(NUMPY_CHAR[name])
    if name == "bool":
        flat = rng.integers(0, 2, size=n).astype(bool)
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        flat = rng.integers(info.min, info.max, size=n, dtype=dt, endpoint=True)
        specials = np.array([info.min, info.max, 0, 1, info.max - 1, info.min + 1], dtype=dt)
        if dt.kind == "i":
            specials = np.concatenate([specials, np.array([-1], dtype=dt)])
        k = min(n, len(specials))
        flat[:k] = specials[:k]
        # Small values too (the range is mostly huge numbers).
        flat[k::5] = (np.arange(len(flat[k::5])) % 100).astype(dt)
    elif dt.kind == "f":
        mant = rng.standard_normal(n)
        expo = rng.integers(-8, 9, size=n).astype(np.float64)
        flat = (mant * 10.0 ** expo).astype(dt)
        sp = special_floats(dt)
        # Specials at a stride so that several chunks hold them.
        pos = (np.arange(len(sp)) * 7) % max(n, 1)
        for p, v in zip(pos, sp):
            if n > 0:
                flat[p] = v
    else:
        half = np.dtype("f%d" % (dt.itemsize // 2))
        re = values("float%d" % (half.itemsize * 8), (n,), seed + 1)
        im = values("float%d" % (half.itemsize * 8), (n,), seed + 2)[::-1].copy()
        flat = np.empty(n, dtype=dt)
        flat.real = re
        flat.imag = im
    return flat.reshape(shape)


def fill_choices(name):
    """fill_value candidates of a dtype (numpy or Python values, None = null)."""
    if name == "bool":
        return [False, True, None]
    dt = np.dtype(NUMPY_CHAR[name])
    if dt.kind == "i":
        info = np.iinfo(dt)
        return [0, -7, None, int(info.min), int(info.max)]
    if dt.kind == "u":
        info = np.iinfo(dt)
        return [0, 42, None, int(info.max)]
    if dt.kind == "f":
        return [0.0, np.nan, None, -2.25, -np.inf, np.inf]
    return [0j, complex(1.5, -2.0), None, complex(np.nan, np.nan), complex(np.nan, 1.5), complex(-np.inf, 0.0)]


def fill_json(fill, name):
    """The fill_value as zarr-python writes it in .zarray."""
    if fill is None:
        return None

    def f(v):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return float(v)

    if name == "bool":
        return bool(fill)
    if name.startswith(("int", "uint")):
        return int(fill)
    if name.startswith("float"):
        return f(float(fill))
    return [f(complex(fill).real), f(complex(fill).imag)]


def chunk_keys(shape, chunks, sep):
    grid = [math.ceil(s / c) for s, c in zip(shape, chunks)]
    if not grid:
        return [((), "0")]
    out = []
    for idx in np.ndindex(*grid):
        out.append((idx, sep.join(str(i) for i in idx)))
    return out


def stored_chunk_count(folder, shape, chunks, sep):
    return sum(1 for _, key in chunk_keys(shape, chunks, sep) if os.path.isfile(os.path.join(folder, key)))


def folder_bytes(folder):
    total = 0
    for root, _, files in os.walk(folder):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def chunk_region(idx, shape, chunks):
    return tuple(slice(i * c, min((i + 1) * c, s)) for i, s, c in zip(idx, shape, chunks))


def read_logical(z):
    """z[...], with zeros where chunks are missing and fill_value is null."""
    if z.fill_value is None:
        out = np.zeros(z.shape, dtype=z.dtype)
        z.get_basic_selection(Ellipsis, out=out)
        return out
    return z[...]


def same_values(a, b):
    """Exact comparison; NaN equals NaN (any payload)."""
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "c":
        return same_values(a.real.copy(), b.real.copy()) and same_values(a.imag.copy(), b.imag.copy())
    if a.dtype.kind == "f":
        both_nan = np.isnan(a) & np.isnan(b)
        bits = a.dtype.newbyteorder("=")
        ab = a.astype(bits).view("u%d" % a.dtype.itemsize)
        bb = b.astype(bits).view("u%d" % b.dtype.itemsize)
        return bool(np.all(both_nan | (ab == bb)))
    return bool(np.array_equal(a, b))


class Writer:
    def __init__(self, out):
        self.out = out
        self.entries = []
        os.makedirs(os.path.join(out, "arrays"), exist_ok=True)
        os.makedirs(os.path.join(out, "expected"), exist_ok=True)

    def write(self, name, dtype, big_endian, compressor, shape, chunks, order, sep, fill, mode, attrs, seed):
        char = NUMPY_CHAR[dtype]
        np_dtype = np.dtype(("|" if char in ("b1", "i1", "u1") else (">" if big_endian else "<")) + char)
        path = os.path.join("arrays", name)
        folder = os.path.join(self.out, path)
        z = zarr.open(folder, mode="w", shape=shape, chunks=chunks, dtype=np_dtype, compressor=compressor,
                      fill_value=fill, order=order, dimension_separator=sep)
        if attrs:
            z.attrs.update(attrs)
        data = values(dtype, shape, seed).astype(np_dtype)
        base = np.zeros(shape, dtype=np_dtype)
        if fill is not None:
            base[...] = fill
        expected = base.copy()
        if mode == "full" or (mode in ("delete", "partial") and len(shape) == 0):
            z[...] = data
            expected = data.copy()
        elif mode == "delete":
            z[...] = data
            expected = data.copy()
            keys = chunk_keys(shape, chunks, sep)
            for k, (idx, key) in enumerate(keys):
                if k % 3 == 1 or (len(keys) <= 2 and k == len(keys) - 1):
                    os.remove(os.path.join(folder, key))
                    expected[chunk_region(idx, shape, chunks)] = base[chunk_region(idx, shape, chunks)]
        elif mode == "partial":
            # A region that starts and ends inside chunks: the chunks it
            # touches get the fill value around it, others stay unwritten.
            region = tuple(slice(1 if s > 2 else 0, max(1 if s > 2 else 1, (s * 2) // 3)) for s in shape)
            z[region] = data[region]
            expected[region] = data[region]
        elif mode != "none":
            raise ValueError(mode)

        # Read back with a fresh handle and check against our own expectation.
        z = zarr.open(folder, mode="r")
        logical = read_logical(z)
        if not same_values(logical, expected):
            raise AssertionError("zarr-python reads %s differently from what was written" % name)
        le = np.ascontiguousarray(logical.astype(logical.dtype.newbyteorder("<")))
        expected_path = os.path.join("expected", name + ".raw")
        with open(os.path.join(self.out, expected_path), "wb") as f:
            f.write(le.tobytes(order="C"))

        with open(os.path.join(folder, ".zarray")) as f:
            zarray = json.load(f)
        if zarray["fill_value"] != fill_json(fill, dtype):
            raise AssertionError("%s: zarr-python wrote fill_value %r, expected %r" %
                                 (name, zarray["fill_value"], fill_json(fill, dtype)))
        true_count = stored_chunk_count(folder, shape, chunks, sep)
        exact = sep == "." and len(shape) > 0
        entry = {
            "name": name,
            "path": path,
            "expected": expected_path,
            "dtype": dtype,
            "zarr_dtype": z.dtype.str,
            "shape": list(z.shape),
            "chunks": list(z.chunks),
            "order": z.order,
            "dimension_separator": sep,
            "compressor": z.compressor.get_config() if z.compressor is not None else None,
            "fill_value": zarray["fill_value"],
            "attributes": dict(z.attrs),
            "write_mode": mode,
            "nchunks": int(z.nchunks),
            "nchunks_initialized": true_count,
            "nbytes": int(z.nbytes),
            "nbytes_stored": folder_bytes(folder),
            "zarr_python": {
                "nchunks": int(z.nchunks),
                "nchunks_initialized": int(z.nchunks_initialized),
                "nbytes": int(z.nbytes),
                "nbytes_stored": int(z.nbytes_stored),
            },
            "zarr_python_counts_exact": exact,
        }
        if exact and (entry["zarr_python"]["nchunks_initialized"] != true_count or
                      entry["zarr_python"]["nbytes_stored"] != entry["nbytes_stored"]):
            raise AssertionError("zarr-python counts differ from the files on disk for %s" % name)
        self.entries.append(entry)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: zarr_python_write.py OUTPUT_DIR\n")
        return 2
    out = argv[1]
    if os.path.exists(os.path.join(out, "arrays")):
        shutil.rmtree(os.path.join(out, "arrays"))
    w = Writer(out)
    codec_list = codecs()
    k = 0
    # Every dtype with every codec; layout, byte order, shape, fill value and
    # write mode cycle with different periods so that they combine widely:
    # every codec meets every shape and write mode, and every dtype every
    # layout.
    for i, dtype in enumerate(DTYPES):
        fills = fill_choices(dtype)
        for j, (label, compressor) in enumerate(codec_list):
            order, sep = LAYOUTS[(i + j) % 4]
            shape, chunks = SHAPES[(j + 3 * i) % len(SHAPES)]
            fill = fills[(i + 2 * j) % len(fills)]
            mode = WRITE_MODES[(i + j // 2) % len(WRITE_MODES)]
            # All multi-byte dtypes big-endian with zlib, and a third elsewhere.
            big = label == "zlib" or (i + 2 * j) % 3 == 0
            attrs = {"name": dtype, "codec": label, "index": k, "scale": 0.5, "units": "\u00b5m",
                     "nested": {"list": [1, 2, 3], "none": None}} if k % 4 == 0 else None
            name = "%03d_%s_%s_%s%s" % (k, dtype, label, order, "dot" if sep == "." else "slash")
            w.write(name, dtype, big, compressor, shape, chunks, order, sep, fill, mode, attrs, seed=1000 + k)
            k += 1
    # Extra codec configurations, and every layout with every dtype in 3-d.
    for e, (label, make) in enumerate(EXTRA_CODECS):
        for t in range(3):
            dtype = DTYPES[(e * 5 + t * 4) % len(DTYPES)]
            order, sep = LAYOUTS[(e + t) % 4]
            fill = fill_choices(dtype)[t % 2]
            name = "%03d_%s_%s_%s%s" % (k, dtype, label, order, "dot" if sep == "." else "slash")
            w.write(name, dtype, t == 1, make(), (7, 10, 3), (3, 4, 2), order, sep, fill,
                    ["delete", "partial", "full"][t], None, seed=1000 + k)
            k += 1
    for i, dtype in enumerate(DTYPES):
        for l, (order, sep) in enumerate(LAYOUTS):
            fill = fill_choices(dtype)[(i + l) % len(fill_choices(dtype))]
            name = "%03d_%s_layout_%s%s" % (k, dtype, order, "dot" if sep == "." else "slash")
            w.write(name, dtype, l % 2 == 0, numcodecs.Blosc(cname="lz4", clevel=5, shuffle=1), (5, 4, 6),
                    (2, 3, 4), order, sep, fill, "delete", {"layout": l, "units": "\u00b5m"}, seed=1000 + k)
            k += 1
    # 0-d arrays, written or not, with each fill value kind.
    for i, dtype in enumerate(DTYPES):
        for t, fill in enumerate(fill_choices(dtype)[:3]):
            name = "%03d_%s_0d_%d" % (k, dtype, t)
            w.write(name, dtype, t == 1, None, (), (), "C", ".", fill, "full" if t == 0 else "none",
                    {"zero_d": True} if t == 0 else None, seed=1000 + k)
            k += 1
    # An empty array (a zero-length axis: no chunks at all).
    w.write("%03d_float64_empty" % k, "float64", False, numcodecs.Zstd(level=1), (0, 5), (2, 2), "C", ".",
            1.0, "full", None, seed=1000 + k)

    coverage = {}
    for e in w.entries:
        key = "%s%s" % (e["order"], e["dimension_separator"])
        if len(e["shape"]) >= 2:
            coverage.setdefault("layout " + key, set()).add(e["dtype"])
        coverage.setdefault("codec " + (json.dumps(e["compressor"], sort_keys=True)), set()).add(e["dtype"])
    manifest = {
        "producer": "zarr-python %s, numcodecs %s, numpy %s" % (zarr.__version__, numcodecs.__version__,
                                                                np.__version__),
        "arrays": w.entries,
        "coverage": {k: sorted(v) for k, v in sorted(coverage.items())},
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("wrote %d arrays to %s" % (len(w.entries), out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
