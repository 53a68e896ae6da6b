#!/usr/bin/python3
"""Checks arrays written by cubed-cpp with zarr-python (and some with GDAL).

usage: zarr_python_check.py FOLDER [MANIFEST]

MANIFEST (default FOLDER/manifest.json) has the format zarr_python_write.py
writes: {"arrays": [ENTRY, ...]}; paths in it are relative to FOLDER (or
absolute). Each ENTRY gives the array's path, the raw file of its expected
values (C order, little-endian) and the metadata it must have:

  path, expected, dtype, zarr_dtype, shape, chunks, order, compressor,
  fill_value (as .zarray JSON), and optionally dimension_separator,
  attributes, nchunks_initialized (chunk files that must be stored) and
  gdal (true: also read the array with GDAL's Zarr driver).

Values are compared exactly (NaN equals NaN). Where a chunk is not stored
and fill_value is null, the array is read into zeros, what cubed-cpp reads.
Prints one line per mismatch and exits 1 if there is any, else prints a
summary and exits 0.
"""
import json
import math
import os
import sys

import numpy as np
import numcodecs
import zarr

problems = []


def problem(name, text):
    problems.append("%s: %s" % (name, text))
    print("MISMATCH %s: %s" % (name, text), flush=True)


def decode_fill(value):
    """A .zarray fill_value to a Python value (None for null)."""
    def f(v):
        if isinstance(v, str):
            return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[v]
        return v
    if isinstance(value, list):
        return complex(f(value[0]), f(value[1]))
    return f(value)


def same_scalar(a, b):
    if a is None or b is None:
        return a is None and b is None
    a = complex(a)
    b = complex(b)
    def eq(x, y):
        return (math.isnan(x) and math.isnan(y)) or (x == y and math.copysign(1, x) == math.copysign(1, y))
    return eq(a.real, b.real) and eq(a.imag, b.imag)


def normalized_codec(config):
    if config is None:
        return None
    return numcodecs.get_codec(dict(config)).get_config()


def mismatches(actual, expected):
    """Indices where two arrays differ (NaN equals NaN; floats bit-exact otherwise)."""
    if actual.dtype.kind == "c":
        re = mismatches(actual.real.copy(), expected.real.copy())
        im = mismatches(actual.imag.copy(), expected.imag.copy())
        return np.unique(np.concatenate([re, im]))
    flat_a = actual.reshape(-1)
    flat_e = expected.reshape(-1)
    if actual.dtype.kind == "f":
        native = actual.dtype.newbyteorder("=")
        bits = "u%d" % actual.dtype.itemsize
        same = (flat_a.astype(native).view(bits) == flat_e.astype(native).view(bits))
        same |= np.isnan(flat_a) & np.isnan(flat_e)
    else:
        same = flat_a == flat_e
    return np.nonzero(~same)[0]


def report_values(name, actual, expected, what):
    bad = mismatches(actual, expected)
    if len(bad):
        i = int(bad[0])
        idx = np.unravel_index(i, expected.shape) if expected.ndim else ()
        problem(name, "%s: %d of %d values differ; first at %s: got %r, expected %r" %
                (what, len(bad), expected.size, tuple(int(x) for x in idx), actual.reshape(-1)[i],
                 expected.reshape(-1)[i]))


def chunk_keys(shape, chunks, sep):
    grid = [math.ceil(s / c) for s, c in zip(shape, chunks)]
    if not grid:
        return ["0"]
    return [sep.join(str(i) for i in idx) for idx in np.ndindex(*grid)]


def read_logical(z):
    if z.fill_value is None:
        out = np.zeros(z.shape, dtype=z.dtype)
        z.get_basic_selection(Ellipsis, out=out)
        return out
    return z[...]


# What GDAL 3.6's Zarr driver cannot represent: complex fill values (it
# rejects zarr-python's [re, im] form with "Invalid fill_value"), codecs it
# lacks (bz2), 64-bit integer fill values that a double does not hold exactly
# (GDAL 3.6 goes through a double nodata value), and arrays with a
# zero-length axis.
GDAL_CODECS = {"blosc", "zlib", "gzip", "lzma", "zstd", "lz4"}


def gdal_skip_reason(e, fill, expected):
    if isinstance(fill, complex):
        return "complex fill_value"
    if isinstance(fill, int) and not isinstance(fill, bool) and int(float(fill)) != fill:
        return "64-bit integer fill_value %d" % fill
    if e["compressor"] is not None and e["compressor"]["id"] not in GDAL_CODECS:
        return "compressor %s" % e["compressor"]["id"]
    if expected.size == 0:
        return "zero-size array"
    return None


def check_gdal(name, folder, expected, fill):
    try:
        from osgeo import gdal
    except ImportError as e:
        problem(name, "GDAL: cannot import osgeo.gdal: %s" % e)
        return False
    gdal.UseExceptions()
    try:
        ds = gdal.OpenEx('ZARR:"%s"' % folder, gdal.OF_MULTIDIM_RASTER)
        root = ds.GetRootGroup()
        names = root.GetMDArrayNames()
        if len(names) != 1:
            problem(name, "GDAL: expected one array in %s, found %s" % (folder, names))
            return False
        arr = root.OpenMDArray(names[0])
        dims = [d.GetSize() for d in arr.GetDimensions()]
        if tuple(dims) != expected.shape:
            problem(name, "GDAL: shape %s, expected %s" % (tuple(dims), expected.shape))
            return False
        got = arr.ReadAsArray()
    except Exception as e:  # GDAL raises RuntimeError
        problem(name, "GDAL cannot read the array: %s" % e)
        return False
    got = np.asarray(got).reshape(expected.shape)
    # GDAL 3.6 widens some types (int8 -> Int16, bool -> Byte); compare values.
    if got.dtype != expected.dtype:
        if not np.can_cast(expected.dtype, got.dtype, casting="safe") and expected.dtype != bool:
            problem(name, "GDAL: read as %s, which cannot hold %s" % (got.dtype, expected.dtype))
            return False
        got = got.astype(expected.dtype)
    report_values(name, got, expected, "GDAL values")
    if fill is not None and not isinstance(fill, bool):
        nodata = arr.GetNoDataValueAsDouble()
        if nodata is None or not same_scalar(nodata, fill):
            problem(name, "GDAL: nodata value %r, expected the fill value %r" % (nodata, fill))
    return True


def check_entry(base, e):
    name = e.get("name", e["path"])
    folder = os.path.join(base, e["path"])
    try:
        z = zarr.open(folder, mode="r")
    except Exception as ex:
        problem(name, "zarr-python cannot open %s: %s: %s" % (folder, type(ex).__name__, ex))
        return False
    if not isinstance(z, zarr.Array):
        problem(name, "zarr-python opened a %s, not an array" % type(z).__name__)
        return False
    with open(os.path.join(folder, ".zarray")) as f:
        raw = json.load(f)

    zarr_dtype = np.dtype(e["zarr_dtype"])
    if z.dtype != zarr_dtype or z.dtype.str != zarr_dtype.str:
        problem(name, "dtype %s, expected %s" % (z.dtype.str, e["zarr_dtype"]))
    if list(z.shape) != list(e["shape"]):
        problem(name, "shape %s, expected %s" % (list(z.shape), e["shape"]))
    if list(z.chunks) != list(e["chunks"]):
        problem(name, "chunks %s, expected %s" % (list(z.chunks), e["chunks"]))
    if z.order != e["order"]:
        problem(name, "order %s, expected %s" % (z.order, e["order"]))
    sep = raw.get("dimension_separator") or "."
    if "dimension_separator" in e and sep != e["dimension_separator"]:
        problem(name, "dimension_separator %r, expected %r" % (sep, e["dimension_separator"]))
    if raw.get("filters") not in (None, []):
        problem(name, "filters %r, expected null" % raw.get("filters"))
    if raw.get("zarr_format") != 2:
        problem(name, "zarr_format %r, expected 2" % raw.get("zarr_format"))
    actual_codec = z.compressor.get_config() if z.compressor is not None else None
    try:
        expected_codec = normalized_codec(e["compressor"])
    except Exception as ex:
        problem(name, "numcodecs rejects the expected compressor %r: %s" % (e["compressor"], ex))
        expected_codec = e["compressor"]
    if actual_codec != expected_codec:
        problem(name, "compressor %r, expected %r" % (actual_codec, expected_codec))
    fill = decode_fill(e["fill_value"])
    actual_fill = None if z.fill_value is None else np.asarray(z.fill_value).item()
    if not same_scalar(actual_fill, fill):
        problem(name, "fill_value %r, expected %r" % (actual_fill, fill))
    if fill is not None and np.asarray(z.fill_value).dtype.kind != z.dtype.kind:
        problem(name, "fill_value %r is not of the array's kind %s" % (z.fill_value, z.dtype))
    if "attributes" in e and dict(z.attrs) != e["attributes"]:
        problem(name, "attributes %r, expected %r" % (dict(z.attrs), e["attributes"]))
    if "max_nchunks_initialized" in e:
        stored = sum(1 for k in chunk_keys(z.shape, z.chunks, sep) if os.path.isfile(os.path.join(folder, k)))
        if stored > e["max_nchunks_initialized"]:
            problem(name, "%d chunks stored, expected at most %d" % (stored, e["max_nchunks_initialized"]))
    if "nchunks_initialized" in e:
        stored = sum(1 for k in chunk_keys(z.shape, z.chunks, sep) if os.path.isfile(os.path.join(folder, k)))
        if stored != e["nchunks_initialized"]:
            problem(name, "%d chunks stored, expected %d" % (stored, e["nchunks_initialized"]))
        # zarr-python 2.13 counts exactly only for flat keys and ndim >= 1.
        if sep == "." and z.ndim > 0 and z.nchunks_initialized != e["nchunks_initialized"]:
            problem(name, "zarr-python nchunks_initialized %d, expected %d" %
                    (z.nchunks_initialized, e["nchunks_initialized"]))

    with open(os.path.join(base, e["expected"]), "rb") as f:
        data = f.read()
    le = zarr_dtype.newbyteorder("<") if zarr_dtype.itemsize > 1 else zarr_dtype
    if len(data) != le.itemsize * int(np.prod(e["shape"], dtype=np.int64)):
        problem(name, "expected file has %d bytes, not %d" % (len(data), le.itemsize * int(np.prod(e["shape"]))))
        return False
    expected = np.frombuffer(data, dtype=le).reshape(e["shape"])
    try:
        actual = read_logical(z)
    except Exception as ex:
        problem(name, "zarr-python cannot read the values: %s: %s" % (type(ex).__name__, ex))
        return False
    report_values(name, actual.astype(le), expected, "values")
    # Chunk by chunk too, through another code path (orthogonal selection).
    if z.ndim >= 1 and z.size > 0 and z.fill_value is not None:
        sel = tuple(np.arange(s)[::-1] for s in z.shape)
        report_values(name, z.get_orthogonal_selection(sel).astype(le), expected[np.ix_(*sel)],
                      "values (reversed selection)")
    if e.get("gdal"):
        reason = gdal_skip_reason(e, fill, expected)
        if reason:
            print("GDAL skipped for %s: %s" % (name, reason))
            return False
        return check_gdal(name, folder, expected, fill)
    return False


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write("usage: zarr_python_check.py FOLDER [MANIFEST]\n")
        return 2
    base = argv[1]
    manifest = argv[2] if len(argv) == 3 else os.path.join(base, "manifest.json")
    with open(manifest) as f:
        entries = json.load(f)["arrays"]
    gdal_checked = 0
    for e in entries:
        try:
            gdal_checked += 1 if check_entry(base, e) else 0
        except Exception as ex:  # a crash in one entry must not hide the others
            problem(e.get("name", e.get("path")), "check failed: %s: %s" % (type(ex).__name__, ex))
    if problems:
        print("%d mismatches in %d arrays" % (len(problems), len(entries)))
        return 1
    print("OK: %d arrays match (zarr-python %s), %d also read with GDAL" %
          (len(entries), zarr.__version__, gdal_checked))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
