#!/usr/bin/env python3
"""Latency of GET /api/v1/residents?q= against a running server (one client, keep-alive).

usage: search-latency.py PORT TOKEN [REQUESTS]   (TOKEN: `madoguchi staff token --roles clerk --facility … --label bench`)
Prints p50 / p99 per kind of query. Run the server in a release build on a seeded database.
"""
import http.client
import sys
import time
import urllib.parse

QUERIES = {
    "common surname, kana (たかはし)": "たかはし",
    "surname, kanji (高橋 also finds 髙橋)": "高橋",
    "given name, kana (イチロウ)": "イチロウ",
    "full name + birth date": "佐藤 1980-01-02",
    "birth date only (和暦)": "S55.1.2",
}


def main():
    port, token = int(sys.argv[1]), sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    conn = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Authorization": f"Bearer {token}", "X-Madoguchi-Purpose": "certificate"}  # every read is in the access log
    for label, q in QUERIES.items():
        path = "/api/v1/residents?q=" + urllib.parse.quote(q)
        times = []
        for i in range(n + 10):
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            body = conn.getresponse().read()
            if i >= 10:  # warm-up excluded
                times.append(time.perf_counter() - start)
        times.sort()
        p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99) - 1]
        print(f"{label}: p50 {p50 * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms ({len(body)} bytes)")


if __name__ == "__main__":
    main()
