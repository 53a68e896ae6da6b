"""Checks AWS Signature V4 of recorded HTTP requests, independently of curl.

usage: sigv4_check.py SECRET REQUEST_FILE...
Rebuilds each request's canonical request the way an S3 server does (path
segments and query parameters decoded, then RFC 3986-encoded, parameters
sorted), signs it with SECRET and prints "ok" or "bad FILE" per request.
"""
import hashlib
import hmac
import sys
from urllib.parse import quote, unquote


def canonical(text):
    return quote(unquote(text), safe="-_.~")


def valid(raw, secret):
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    method, target, _ = lines[0].split(" ")
    headers = {}
    for line in lines[1:]:
        name, value = line.split(":", 1)
        headers[name.strip().lower()] = " ".join(value.strip().split())
    algorithm, fields = headers["authorization"].split(" ", 1)
    parts = dict(p.strip().split("=", 1) for p in fields.split(","))
    scope = parts["Credential"].split("/")[1:]
    signed = parts["SignedHeaders"].split(";")
    path, _, query = target.partition("?")
    uri = "/".join(canonical(segment) for segment in path.split("/"))
    params = sorted((canonical(k), canonical(v)) for k, _, v in (p.partition("=") for p in query.split("&") if p))
    request = "\n".join([
        method, uri, "&".join(k + "=" + v for k, v in params),
        "".join(h + ":" + headers[h] + "\n" for h in signed), ";".join(signed),
        headers["x-amz-content-sha256"]])
    to_sign = "\n".join([algorithm, headers["x-amz-date"], "/".join(scope),
                         hashlib.sha256(request.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for item in scope:
        key = hmac.new(key, item.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest() == parts["Signature"]


def main(argv):
    secret = argv[1]
    for name in argv[2:]:
        with open(name, "rb") as f:
            print("ok" if valid(f.read(), secret) else "bad " + name)


if __name__ == "__main__":
    main(sys.argv)
