#!/usr/bin/python3
"""Checks a result of `cubed eval` against numpy.

usage: numpy_check.py EXPR OUT [NAME=PATH ...] [--repr FILE]

Reads the input Zarr arrays with zarr-python, evaluates EXPR with numpy (the
Array API names of cubed-cpp mapped to numpy's functions), reads OUT and
compares dtype, shape and values: exactly for bool and integer results,
within 1e-12 relative (NaN equal to NaN, same signs of infinities) for
floating ones. With --repr, FILE holds what `cubed eval --print` printed,
which must be numpy's repr of OUT. Prints OK, or each mismatch and exits 1.
"""
import sys

import numpy as np
import zarr


def without_chunks(fn):
    def call(*args, chunks=None, **kwargs):
        return fn(*args, **kwargs)
    return call


def philox(seed):
    """numpy's Philox stream from counter 0 (it increments before use)."""
    return np.random.Philox(key=seed, counter=2**256 - 1)


def random(shape, seed):
    return np.random.Generator(philox(seed)).random(shape)


def integers(low, high, shape, seed, dtype=None):
    """low + (word * (high - low)) >> 64 per 64-bit word, as cubed-cpp."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    words = philox(seed).random_raw(int(np.prod(shape, dtype=np.int64)))
    values = [low + ((int(w) * (high - low)) >> 64) for w in words]
    return np.array(values, dtype=dtype or np.int64).reshape(shape)


def namespace():
    ns = {name: getattr(np, name) for name in (
        "add", "subtract", "multiply", "divide", "floor_divide", "remainder", "maximum", "minimum",
        "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "bitwise_and",
        "bitwise_or", "bitwise_xor", "logical_and", "logical_or", "logical_xor", "negative",
        "positive", "abs", "logical_not", "square", "inf", "nan", "pi", "e", "newaxis")}
    ns.update({
        "pow": np.power, "bitwise_left_shift": np.left_shift, "bitwise_right_shift": np.right_shift,
        "bitwise_invert": np.invert,
        "astype": lambda x, dtype, copy=True: np.asarray(x).astype(dtype),
        "rechunk": lambda x, chunks: x,
    })
    # Linear algebra and searching (split_every only plans the computation).
    ns.update({
        "matmul": lambda x1, x2, split_every=8: np.matmul(x1, x2),
        "tensordot": lambda x1, x2, axes=2, split_every=8: np.tensordot(x1, x2, axes=axes),
        "vecdot": lambda x1, x2, axis=-1, split_every=8: np.sum(np.conj(x1) * x2, axis=axis),
        "matrix_transpose": lambda x: np.swapaxes(x, -1, -2),
        "outer": np.outer, "searchsorted": np.searchsorted, "isin": np.isin, "diff": np.diff,
    })
    for name in ("full", "zeros", "ones", "empty", "arange", "linspace", "eye", "asarray",
                 "full_like", "zeros_like", "ones_like", "empty_like"):
        ns[name] = without_chunks(getattr(np, name))
    # Math, manipulation, indexing and data type functions by their Array API names.
    for name in ("ceil", "clip", "conj", "copysign", "cos", "cosh", "exp", "expm1", "floor", "hypot",
                 "imag", "isfinite", "isinf", "isnan", "log", "log1p", "log2", "log10", "logaddexp",
                 "nextafter", "real", "reciprocal", "round", "sign", "signbit", "sin", "sinh", "sqrt",
                 "tan", "tanh", "trunc", "where", "tril", "triu", "broadcast_arrays", "broadcast_to",
                 "expand_dims", "flip", "moveaxis", "repeat", "reshape", "roll", "squeeze", "stack",
                 "tile", "take", "take_along_axis", "can_cast", "finfo", "iinfo"):
        ns[name] = getattr(np, name)
    ns.update({
        "acos": np.arccos, "acosh": np.arccosh, "asin": np.arcsin, "asinh": np.arcsinh,
        "atan": np.arctan, "atanh": np.arctanh, "atan2": np.arctan2,
        "concat": np.concatenate, "permute_dims": np.transpose,
        "unstack": lambda x, axis=0: tuple(np.moveaxis(x, axis, 0)),
        "meshgrid": lambda *arrays, indexing="xy": np.meshgrid(*arrays, indexing=indexing),
        "random": without_chunks(random), "integers": without_chunks(integers),
    })
    for name in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                 "float32", "float64", "complex64", "complex128"):
        ns[name] = np.dtype(name)
    ns.update({"int": np.dtype("int64"), "float": np.dtype("float64"), "complex": np.dtype("complex128")})
    return ns


def main(argv):
    repr_file = None
    if "--repr" in argv:
        i = argv.index("--repr")
        repr_file = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    if len(argv) < 2:
        print(__doc__)
        return 2
    expr, out, inputs = argv[0], argv[1], argv[2:]
    ns = namespace()
    for spec in inputs:
        name, path = spec.split("=", 1)
        ns[name] = zarr.open(path, mode="r")[...]
    with np.errstate(all="ignore"):
        expected = np.asarray(eval(expr, {"__builtins__": {}}, ns))
    got = zarr.open(out, mode="r")[...]
    problems = []
    if got.dtype != expected.dtype:
        problems.append("dtype: got %s, numpy gives %s" % (got.dtype, expected.dtype))
    if got.shape != expected.shape:
        problems.append("shape: got %s, numpy gives %s" % (got.shape, expected.shape))
    elif got.dtype.kind in "fc" or expected.dtype.kind in "fc":
        g = got.astype(np.complex128).ravel()
        x = expected.astype(np.complex128).ravel()
        for part in (np.real, np.imag):
            a, b = part(g), part(x)
            same_nan = np.isnan(a) == np.isnan(b)
            close = np.isclose(a, b, rtol=1e-12, atol=0, equal_nan=True)
            inf_ok = np.where(np.isinf(b), a == b, True)
            bad = ~(same_nan & close & inf_ok)
            if bad.any():
                i = int(np.argmax(bad))
                problems.append("%d values differ, first at flat index %d: got %r, numpy gives %r"
                                % (int(bad.sum()), i, a[i], b[i]))
    elif not np.array_equal(got, expected):
        bad = (got != expected).ravel()
        i = int(np.argmax(bad))
        problems.append("%d values differ, first at flat index %d: got %r, numpy gives %r"
                        % (int(bad.sum()), i, got.ravel()[i], expected.ravel()[i]))
    if repr_file is not None:
        with open(repr_file) as f:
            printed = f.read().rstrip("\n")
        if printed != repr(got):
            problems.append("--print gave\n%s\nnumpy's repr is\n%s" % (printed, repr(got)))
    for p in problems:
        print("MISMATCH %s: %s" % (expr, p))
    if problems:
        return 1
    print("OK %s: %s %s" % (expr, got.dtype, got.shape))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
