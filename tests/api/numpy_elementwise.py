#!/usr/bin/python3
"""Reference results of cubed-cpp's elementwise functions, computed with numpy.

usage: numpy_elementwise.py MANIFEST

Each line of MANIFEST is one case:

    FUNCTION OUT INPUT...

FUNCTION is an Array API name (sin, atan2, clip, where, ...). Each INPUT is
DTYPE:SHAPE:PATH, the raw little-endian C-order elements of an array (SHAPE
is comma-separated, empty for 0-d), or `none` (an absent bound of clip).
The result is written raw to OUT, and one line "OUT DTYPE SHAPE" is printed
per case. Exit status 1 with a message on any error.

The functions are numpy's, with cubed-cpp's documented rules where numpy
1.24 differs from the Array API standard (2024.12) or where cubed-cpp
chooses differently:

- integer inputs of floating-point functions are converted to float64
  first (numpy picks float16/float32 for 8- and 16-bit integers);
- ceil, floor, trunc of integers return the input (numpy gives float64);
- reciprocal is 1 / x as the standard says (numpy's complex reciprocal
  gives NaN + NaN j for 0, where 1 / 0j is inf + NaN j; its integer
  reciprocal truncates). For complex zeros and infinities the standard
  leaves division implementation-defined; numpy's division is not C99's
  (Annex G), which cubed-cpp follows, so the tests compare those apart;
- sign of a complex number is x / |x| (numpy 1.24 uses the sign of the
  real part), 0 for 0, NaN + NaN j when a part is NaN, the unit along the
  axis of a single infinite part, NaN + NaN j for two;
- log1p and expm1 of complex numbers: numpy 1.24 computes log1p as
  log(|1 + z|) + i arg(1 + z), which loses all digits for small |z|, and
  expm1 as expm1(a) cos b - 2 sin^2(b/2) + i e^a sin b, which gives NaN for
  e^a * 0 on overflow. Here both are evaluated in extended precision
  (numpy's longdouble): log1p as log(1 + z) except near 0, where
  log|1 + z| = log1p(a (2 + a) + b^2) / 2; expm1 from the formula above
  except where a is not finite or huge, as exp(z) - 1, whose special cases
  are the standard's. 1 is added to (subtracted from) the real part only,
  keeping the sign of a zero imaginary part.
"""
import sys

import numpy as np

ALIASES = {
    "acos": np.arccos, "acosh": np.arccosh, "asin": np.arcsin, "asinh": np.arcsinh,
    "atan": np.arctan, "atanh": np.arctanh, "atan2": np.arctan2,
}
FLOAT_FUNCTIONS = {
    "acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "exp", "expm1", "log",
    "log1p", "log2", "log10", "reciprocal", "sin", "sinh", "sqrt", "tan", "tanh",
    "atan2", "copysign", "hypot", "logaddexp", "nextafter",
}
INTEGER_IDENTITY = {"ceil", "floor", "trunc"}


def read_input(spec):
    if spec == "none":
        return None
    dtype, shape, path = spec.split(":", 2)
    shape = tuple(int(s) for s in shape.split(",")) if shape else ()
    data = np.fromfile(path, dtype=np.dtype(dtype).newbyteorder("<"))
    return data.astype(np.dtype(dtype)).reshape(shape)


def complex_sign(z):
    a, b = z.real, z.imag
    magnitude = np.abs(z)
    out = np.empty_like(z)
    out.real, out.imag = a / magnitude, b / magnitude  # not z / magnitude: that loses the sign of -0
    out[(a == 0) & (b == 0)] = 0
    inf_a, inf_b = np.isinf(a), np.isinf(b)
    only_a, only_b = inf_a & ~inf_b, inf_b & ~inf_a
    out.real[only_a], out.imag[only_a] = np.sign(a[only_a]), 0
    out.real[only_b], out.imag[only_b] = 0, np.sign(b[only_b])
    out[(inf_a & inf_b) | np.isnan(a) | np.isnan(b)] = complex(np.nan, np.nan)
    return out


def complex_log1p(z):
    w = z.astype(np.clongdouble)
    a, b = w.real, w.imag
    # log(1 + z), with 1 added to the real part only (1 + w would turn -0j into +0j).
    shifted = w.copy()
    shifted.real += 1
    out = np.log(shifted)
    # Near 0: log|1 + z| = log1p(a (2 + a) + b^2) / 2, without 1 + z's rounding.
    small = (np.abs(a) < 0.5) & (np.abs(b) < 0.5)
    out.real[small] = np.log1p(a[small] * (2 + a[small]) + b[small] * b[small]) / 2
    return out.astype(z.dtype)


def complex_expm1(z):
    w = z.astype(np.clongdouble)
    a, b = w.real, w.imag
    out = np.empty_like(w)
    half = np.sin(b / 2)
    out.real = np.expm1(a) * np.cos(b) - 2 * half * half
    out.imag = np.where(b == 0, b, np.exp(a) * np.sin(b))
    # exp(z) - 1 where a is not finite or e^a overflows even a long double.
    special = ~np.isfinite(a) | (np.abs(a) > 11000)
    e = np.exp(w[special])
    out.real[special], out.imag[special] = e.real - 1, e.imag
    return out.astype(z.dtype)


def compute(name, args):
    x = args[0]
    if name in FLOAT_FUNCTIONS:
        args = [a.astype(np.float64) if a is not None and a.dtype.kind in "iu" else a for a in args]
        x = args[0]
    if name in INTEGER_IDENTITY and x.dtype.kind in "iu":
        return x.copy()
    if name == "reciprocal":
        return np.divide(x.dtype.type(1), x)
    if name == "sign" and x.dtype.kind == "c":
        return complex_sign(x)
    if name == "log1p" and x.dtype.kind == "c":
        return complex_log1p(x)
    if name == "expm1" and x.dtype.kind == "c":
        return complex_expm1(x)
    if name == "clip":
        if args[1] is None and args[2] is None:
            return x.copy()  # numpy 1.24 refuses clip without bounds
        return np.clip(x, args[1], args[2])
    if name == "where":
        return np.where(*args)
    fn = ALIASES.get(name) or getattr(np, name)
    return fn(*args)


def main(argv):
    if len(argv) != 1:
        print(__doc__)
        return 2
    np.seterr(all="ignore")
    with open(argv[0]) as manifest:
        for line in manifest:
            parts = line.split()
            if not parts:
                continue
            name, out, inputs = parts[0], parts[1], parts[2:]
            result = np.asarray(compute(name, [read_input(spec) for spec in inputs]))
            result.astype(result.dtype.newbyteorder("<")).tofile(out)
            print(out, result.dtype.name, ",".join(str(n) for n in result.shape))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
