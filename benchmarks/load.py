"""The load generator `manage.py bench` starts as a separate process (standard library only).

`--mode trivial`: every request is `GET /api/v1/users/me/` (the cheapest authenticated
endpoint), the server's ceiling. `--mode mixed`: 70% reads across the five callers'
lists and pages, 20% writes by the team auditor (a finding drafted, a draft finding
edited), 10% anonymous requests (401 expected). Prints one JSON object:
requests, rps, p50_ms, p95_ms, errors (any status other than the expected one, or a
failed connection).
"""

import argparse
import http.client
import json
import math
import random
import threading
import time
from urllib.parse import urlsplit

READS = [
    "/api/v1/findings/?page_size=50",
    "/api/v1/recommendations/?page_size=50",
    "/api/v1/responses/?page_size=50",
    "/api/v1/sanctions/?page_size=50",
    "/api/v1/evidence/?page_size=50",
    "/api/v1/engagements/?page_size=50",
    "/api/v1/findings/?page_size=50&status=issued",
    "/api/v1/findings/?page_size=50&page=2",
    "/api/v1/findings/?page_size=50&ordering=-response_due",
]


def requests_for(mode, spec, rng):
    tokens = spec["tokens"]
    if mode == "trivial":
        return "GET", "/api/v1/users/me/", None, tokens["auditor"], 200
    roll = rng.random()
    if roll < 0.10:
        return "GET", rng.choice(READS), None, None, 401
    if roll < 0.30:
        which = rng.random()
        if which < 0.4:
            body = {
                "engagement": spec["engagement"],
                "title": "Ghost deliveries of school chairs",
                "severity": "high",
            }
            return "POST", "/api/v1/findings/", body, tokens["auditor"], 201
        body = {"condition": f"Revised {rng.random()}", "change_reason": "load"}
        url = f"/api/v1/findings/{spec['finding']}/"
        return "PATCH", url, body, tokens["auditor"], 200
    caller = rng.choice(sorted(tokens))
    return "GET", rng.choice(READS), None, tokens[caller], 200


def worker(base, mode, spec, stop_at, seed, out):
    rng = random.Random(seed)
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    timings, errors = [], 0
    while time.monotonic() < stop_at:
        method, path, body, token, expected = requests_for(mode, spec, rng)
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        payload = None
        if body is not None:
            payload = json.dumps(body)
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == expected
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        timings.append((time.perf_counter() - started) * 1000)
        errors += 0 if ok else 1
    out.append((timings, errors))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--mode", choices=["trivial", "mixed"], default="mixed")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--spec", required=True)
    args = parser.parse_args()
    spec = json.loads(args.spec)
    out = []
    started = time.monotonic()
    stop_at = started + args.seconds
    threads = [
        threading.Thread(target=worker, args=(spec["base"], args.mode, spec, stop_at, n, out))
        for n in range(args.concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    timings = sorted(t for chunk, _errors in out for t in chunk)
    count = len(timings)
    print(
        json.dumps(
            {
                "requests": count,
                "rps": round(count / elapsed, 1),
                "p50_ms": round(timings[count // 2], 1) if count else None,
                "p95_ms": round(timings[min(count - 1, math.ceil(0.95 * count) - 1)], 1)
                if count
                else None,
                "errors": sum(errors for _chunk, errors in out),
            }
        )
    )


if __name__ == "__main__":
    main()
