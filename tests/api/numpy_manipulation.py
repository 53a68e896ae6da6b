"""Reference results for the manipulation and indexing tests, from numpy.

Usage: /usr/bin/python3 numpy_manipulation.py MANIFEST.json

The manifest is a list of cases:
  {"expr": "np.flip(a, axis=(0, 2))",
   "inputs": [{"path": "in0.raw", "dtype": "float64", "shape": [3, 4, 5]}, ...],
   "out": "out7"}
Inputs are raw C-order native-endian files, bound to the names a, b, c, ...
in order. The expression is evaluated with numpy as np; its result (an
array, or a list/tuple of arrays) is written as raw C-order bytes to
OUT.0, OUT.1, ... and described in OUT.json as
  {"items": [{"dtype": "int32", "shape": [2, 3]}, ...], "list": true|false}
or {"error": "message"} when numpy raised.
"""
import json
import sys

import numpy as np


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    for case in cases:
        env = {"np": np}
        for name, spec in zip("abcdefgh", case["inputs"]):
            data = np.fromfile(spec["path"], dtype=np.dtype(spec["dtype"]))
            env[name] = data.reshape(spec["shape"])
        try:
            result = eval(case["expr"], env)  # test-controlled expressions only
        except Exception as e:  # noqa: BLE001 - reported to the test
            description = {"error": f"{type(e).__name__}: {e}"}
        else:
            is_list = isinstance(result, (list, tuple))
            items = list(result) if is_list else [result]
            description = {"list": is_list, "items": []}
            for i, item in enumerate(items):
                item = np.asarray(item)
                with open(f"{case['out']}.{i}", "wb") as out:
                    out.write(item.tobytes(order="C"))
                description["items"].append({"dtype": str(item.dtype), "shape": list(item.shape)})
        with open(case["out"] + ".json", "w") as f:
            json.dump(description, f)


if __name__ == "__main__":
    main()
