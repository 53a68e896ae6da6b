#!/usr/bin/python3
"""Writes complex_special_cases.txt: the Array API standard's special cases
for complex inputs of the unary elementwise functions, as concrete inputs
and expected results, for elementwise_math_test.cpp.

usage: complex_special_cases.py ELEMENTWISE_FUNCTIONS_PY > complex_special_cases.txt

ELEMENTWISE_FUNCTIONS_PY is src/array_api_stubs/_2024_12/elementwise_functions.py
of github.com/data-apis/array-api (the standard's text). Each bullet
"If ``a`` is A and ``b`` is B, the result is R." of a function's complex
section becomes one line per sample (a, b):

    FUNCTION A B RESULT_REAL RESULT_IMAG FLAGS # the bullet

Phrases such as "a finite number" are sampled with 2.5 and -0.75 ("any
value" also with +-0, +-infinity and NaN); the first bullet that matches an
input wins, as in C99 Annex G. Functions whose text says f(conj(x)) must
equal conj(f(x)) list only Im(x) >= +0; their conjugates are added. asin,
atan, cos, sin and tan are derived from asinh, atanh, cosh, sinh and tanh
(the standard defines their special cases as those of -1j*asinh(x*1j),
..., cosh(x*1j)), with zero signs left unchecked; log2 and log10 from log
(change of base). Results are written
with Python's repr ("inf", "nan", "-0.0", "1.5707963267948966"); FLAGS is
"-" or a comma list of re_sign_any / im_sign_any (the standard leaves that
sign unspecified). Bool results (isnan, isinf, isfinite) are True/False
with RESULT_IMAG "-".
"""
import math
import re
import sys

INF = math.inf
NAN = math.nan
FUNCTIONS = ("acos acosh asinh atanh cosh exp expm1 log log1p sinh sqrt tanh "
             "sign isnan isinf isfinite").split()
NONNEGATIVE = {"finite": [2.5], "nonzero finite": [2.5], "any": [0.0, 2.5, INF, NAN],
               "nonzero": [2.5, INF], "not zero": [2.5, INF]}
SAMPLES = {
    "``+0``": [0.0], "``-0``": [-0.0], "``+infinity``": [INF], "``-infinity``": [-INF], "``NaN``": [NAN],
    "``1``": [1.0], "``-1``": [-1.0],
    "a finite number": [2.5, -0.75], "a nonzero finite number": [2.5, -0.75],
    "a positive (i.e., greater than ``0``) finite number": [2.5], "a positive finite number": [2.5],
    "any value": [0.0, -0.0, 2.5, -0.75, INF, -INF, NAN],
    "any value (including ``NaN``)": [0.0, -0.0, 2.5, -0.75, INF, -INF, NAN],
    "either ``+0`` or ``-0``": [0.0, -0.0], "either ``-0`` or ``+0``": [0.0, -0.0],
    "either ``+infinity`` or ``-infinity``": [INF, -INF],
    "either a finite number or ``NaN``": [2.5, -0.75, NAN],
    "a nonzero number": [2.5, -0.75, INF, -INF], "not equal to ``0``": [2.5, -0.75, INF, -INF],
}
# Generic phrases whose samples for b are cut to b >= +0 when conjugates are added.
GENERIC_B = {"a finite number": "finite", "a nonzero finite number": "nonzero finite", "any value": "any",
             "any value (including ``NaN``)": "any", "a nonzero number": "nonzero", "not equal to ``0``": "not zero"}
CONSTANTS = {"0": 0.0, "+0": 0.0, "1": 1.0, "-1": -1.0, "infinity": INF, "+infinity": INF, "-infinity": -INF,
             "NaN": NAN, "π": math.pi, "π/2": math.pi / 2, "π/4": math.pi / 4, "3π/4": 3 * math.pi / 4}


def part(text, real=False):
    """A component: (value, sign_any). A real part written "0", with no
    sign, leaves the sign of zero open (expm1's "0 + 0j" at a = -0)."""
    text = text.strip()
    if text.startswith("±"):
        return CONSTANTS[text[1:]], True
    return CONSTANTS[text], real and text == "0"


def result_of(text, b):
    """(re, im, re_sign_any, im_sign_any) of a result phrase, or a bool."""
    text = text.strip()
    notes = ""
    m = re.match(r"^(.*?)\s*\((.*)\)$", text)
    if m and "cis" not in m.group(2):
        text, notes = m.group(1), m.group(2)
    text = text.replace("``", "")
    if text in ("True", "False"):
        return text == "True"
    m = re.match(r"^([+-]?\w+) \* cis\(b\)( - 1\.0)?$", text)
    if m:
        scale = CONSTANTS[m.group(1)]
        re_, im_ = scale * math.cos(b), scale * math.sin(b)
        if m.group(2):
            re_ -= 1.0
        return re_, im_, False, False
    m = re.match(r"^(\S+) ([+\-±]) (.+)$", text)
    if not m:
        raise ValueError("cannot read result " + text)
    re_, re_any = part(m.group(1), real=True)
    im_text = m.group(3).replace(" ", "").replace("j", "")
    im_, im_any = part(im_text or "1")
    if m.group(2) == "-":
        im_ = -im_
    im_any = im_any or m.group(2) == "±"
    re_any = re_any or "real" in notes or "signs" in notes
    im_any = im_any or "imag" in notes or "signs" in notes
    return re_, im_, re_any, im_any


def bullets(source, name):
    match = re.search(r"\ndef " + name + r"\(.*?(?=\ndef |\Z)", source, re.S)
    body = match.group(0)
    conj = "conj(x)" in body
    start = body.find("For complex floating-point operands, let")
    if start < 0:
        return [], conj
    lines = [line.strip()[2:] for line in body[start:].split("\n") if line.strip().startswith("- If")]
    return lines, conj


def cases_of(source, name):
    lines, conj = bullets(source, name)
    seen = set()
    out = []

    def key(a, b):
        return (repr(a), repr(b))

    for line in lines:
        text = line.rstrip(".")
        m = re.match(r"^If ``a`` (?:is )?(.*?) and ``b`` is (.*?), the result is (.*)$", text)
        pairs = []
        if m:
            a_phrase, b_phrase, result = m.groups()
            b_samples = SAMPLES[b_phrase]
            if conj and b_phrase in GENERIC_B:
                b_samples = NONNEGATIVE[GENERIC_B[b_phrase]]
            pairs = [(a, b) for a in SAMPLES[a_phrase] for b in b_samples]
        else:
            m = re.match(r"^If ``a`` is (.*?) or ``b`` is (.*?), the result is (.*)$", text) or \
                re.match(r"^If ``a`` or ``b`` is (.*?)(), the result is (.*)$", text)
            if not m:
                raise ValueError(name + ": cannot read " + line)
            a_phrase, b_phrase, result = m.groups()
            b_phrase = b_phrase or a_phrase
            anything = SAMPLES["any value"]
            pairs = [(a, b) for a in SAMPLES[a_phrase] for b in anything] + \
                    [(a, b) for a in anything for b in SAMPLES[b_phrase]]
        for a, b in pairs:
            todo = [(a, b, False)]
            if conj and not math.isnan(b):
                todo.append((a, -b, True))
            for x, y, conjugated in todo:
                if key(x, y) in seen:
                    continue
                seen.add(key(x, y))
                r = result_of(result, abs(y) if not math.isnan(y) else y)
                if not isinstance(r, bool) and conjugated:
                    r = (r[0], -r[1], r[2], r[3])
                out.append((name, x, y, r, line))
    return out


def derived(cases, name, base):
    """asin, atan, cos, sin, tan from asinh, atanh, cosh, sinh, tanh; log2,
    log10 from log."""
    out = []
    for _, a, b, r, line in cases:
        re_, im_, re_any, im_any = r
        if base == "log":
            scale = 1 / math.log(2) if name == "log2" else 1 / math.log(10)
            out.append((name, a, b, (re_ * scale, im_ * scale, re_any, im_any), "from log: " + line))
            continue
        # f(x) = g(x * 1j) (cos) or -1j * g(x * 1j) (sin, tan). The input of g
        # is (A, B) = (-b, a), so x = (B, -A); -1j * (u + vj) = v - uj.
        x_re, x_im = b, -a
        if name == "cos":
            out.append((name, x_re, x_im, (re_, im_, True, True), "from cosh: " + line))
        else:
            out.append((name, x_re, x_im, (im_, -re_, True, True), "from " + base + ": " + line))
    return out


def text(v):
    if isinstance(v, bool):
        return repr(v)
    return "nan" if math.isnan(v) else repr(v)


def main(argv):
    if len(argv) != 1:
        print(__doc__)
        return 2
    source = open(argv[0], encoding="utf-8").read()
    table = {name: cases_of(source, name) for name in FUNCTIONS}
    rows = [row for name in FUNCTIONS for row in table[name]]
    for name, base in (("asin", "asinh"), ("atan", "atanh"), ("cos", "cosh"), ("sin", "sinh"), ("tan", "tanh"),
                       ("log2", "log"), ("log10", "log")):
        rows += derived(table[base], name, base)
    print("# The Array API standard's (2024.12) special cases for complex inputs, one input per line.")
    print("# Generated by complex_special_cases.py (see there) from the standard's text; do not edit.")
    print("# FUNCTION A B RESULT_REAL RESULT_IMAG FLAGS # the bullet")
    for name, a, b, r, line in rows:
        if isinstance(r, bool):
            fields = [text(r), "-", "-"]
        else:
            flags = [f for f, on in (("re_sign_any", r[2]), ("im_sign_any", r[3])) if on]
            fields = [text(r[0]), text(r[1]), ",".join(flags) or "-"]
        print(" ".join([name, text(a), text(b)] + fields), "#", line.replace("``", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
