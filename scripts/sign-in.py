#!/usr/bin/env python3
"""Signs in to a Virtual School server as a person would (email, password, then a TOTP code
computed from the account's secret) and prints the session cookie as `name=value`, for load
tests and scripted checks against a local server.

    scripts/sign-in.py --base http://127.0.0.1:8080 --email vsh@northshire.example \
        --password '...' --totp-secret JBSW...

Standard library only. Loopback use: it follows no redirects outside --base.
"""
import argparse
import base64
import hashlib
import hmac
import http.cookiejar
import re
import struct
import sys
import time
import urllib.parse
import urllib.request


def totp(secret_b32: str, at: float) -> str:
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    counter = struct.pack(">Q", int(at) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if not m:
        raise SystemExit("sign-in: no CSRF token on the page")
    return m.group(1)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--totp-secret", required=True)
    a = p.parse_args()
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    origin = {"Origin": a.base.rstrip("/")}

    def post(path, fields):
        data = urllib.parse.urlencode(fields).encode()
        req = urllib.request.Request(a.base + path, data=data, headers=origin)
        return opener.open(req, timeout=30).read().decode()

    page = opener.open(a.base + "/sign-in", timeout=30).read().decode()
    page = post("/sign-in", {"csrf_token": csrf_of(page), "email": a.email, "password": a.password})
    # A code is accepted once: wait for a fresh time step if this one may have been used.
    now = time.time()
    if now % 30 > 27:
        time.sleep(30 - now % 30 + 0.5)
    page = post("/sign-in/second-factor", {"csrf_token": csrf_of(page), "code": totp(a.totp_secret, time.time())})
    for c in jar:
        if "session" in c.name:
            print(f"{c.name}={c.value}")
            return 0
    print("sign-in: no session cookie (wrong password or code?)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
