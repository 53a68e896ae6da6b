"""Reference results for the reduction tests (tests/api/reduction_test.cpp),
from numpy.

Usage: /usr/bin/python3 numpy_reduce.py CASES.json

CASES.json is a list of cases:
  {"input": "x.zarr", "op": "sum", "axis": null | [0, 2], "keepdims": false,
   "dtype": null | "int32", "correction": 0.0, "include_initial": false,
   "n": 1, "out": "out7"}
The input is a Zarr array (read with zarr-python). `op` is a cubed function
name (argmin/argmax over several axes give the C-order index within them): sum, prod, min, max, mean, var, std, all, any, count_nonzero, their
nan* versions, argmin, argmax, nanargmin, nanargmax, cumulative_sum,
cumulative_prod, nancumsum, nancumprod or diff (axis [a], order n). The
result is written as raw C-order little-endian bytes to OUT.bin and
described in OUT.json as {"dtype": "float64", "shape": [2, 3]}, or
{"error": "ValueError: ..."} when numpy raised.
"""
import json
import sys
import warnings

import numpy as np
import zarr

SIMPLE = {"sum", "prod", "nansum", "nanprod", "mean", "nanmean"}
WITH_DDOF = {"var", "std", "nanvar", "nanstd"}
NO_DTYPE = {"min": np.amin, "max": np.amax, "nanmin": np.nanmin, "nanmax": np.nanmax, "all": np.all, "any": np.any}
ARG = {"argmin", "argmax", "nanargmin", "nanargmax"}
CUMULATIVE = {"cumulative_sum": (np.cumsum, 0), "cumulative_prod": (np.cumprod, 1),
              "nancumsum": (np.nancumsum, 0), "nancumprod": (np.nancumprod, 1)}


def reduce(x, case):
    op = case["op"]
    axis = case.get("axis")
    axes = None if axis is None else tuple(axis)
    keepdims = case.get("keepdims", False)
    kwargs = {}
    if case.get("dtype"):
        kwargs["dtype"] = np.dtype(case["dtype"])
    if op in SIMPLE:
        return getattr(np, op)(x, axis=axes, keepdims=keepdims, **kwargs)
    if op in WITH_DDOF:
        return getattr(np, op)(x, axis=axes, keepdims=keepdims, ddof=case.get("correction", 0), **kwargs)
    if op in NO_DTYPE:
        return NO_DTYPE[op](x, axis=axes, keepdims=keepdims)
    if op == "count_nonzero":
        return np.asarray(np.count_nonzero(x, axis=axes, keepdims=keepdims), dtype=np.int64)
    if op in ARG:
        if axis is not None and len(axis) > 1:
            # Several axes (numpy takes one): the C-order index within them.
            reduced = sorted(a % x.ndim for a in axis)
            kept = x.ndim - len(reduced)
            moved = np.moveaxis(x, reduced, list(range(kept, x.ndim)))
            result = getattr(np, op)(moved.reshape(moved.shape[:kept] + (-1,)), axis=-1)
            return np.expand_dims(result, reduced) if keepdims else result
        return getattr(np, op)(x, axis=None if axis is None else axis[0], keepdims=keepdims)
    if op in CUMULATIVE:
        function, identity = CUMULATIVE[op]
        a = 0 if axis is None else axis[0]
        result = function(x, axis=a, **kwargs)
        if case.get("include_initial"):
            shape = list(result.shape)
            shape[a] = 1
            result = np.concatenate([np.full(shape, identity, dtype=result.dtype), result], axis=a)
        return result
    if op == "diff":
        return np.diff(x, n=case.get("n", 1), axis=axis[0])
    raise ValueError(f"unknown op {op}")


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    warnings.simplefilter("ignore")
    for case in cases:
        x = zarr.open(case["input"], mode="r")[...]
        try:
            with np.errstate(all="ignore"):
                result = np.asarray(reduce(x, case))
        except Exception as e:  # noqa: BLE001 - reported to the test
            description = {"error": f"{type(e).__name__}: {e}"}
        else:
            result = result.astype(result.dtype.newbyteorder("<"), order="C")  # (ascontiguousarray makes 0-d 1-d)
            result.tofile(case["out"] + ".bin")
            description = {"dtype": result.dtype.name, "shape": list(result.shape)}
        with open(case["out"] + ".json", "w") as f:
            json.dump(description, f)


if __name__ == "__main__":
    main()
