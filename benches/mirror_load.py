#!/usr/bin/env python3
"""Mirror throughput under a bounded loopback load: `waymark serve --mirror` over a generated
site, loaded with `hey` (Debian's package; installed with apt-get when missing) for a fixed
number of requests at a fixed concurrency. Reports requests per second, p50/p99 latency and
errors (non-2xx answers and failed connections) for:

- /healthz (the baseline, measured in the same run: the server's fixed cost per request),
- pages (each request a different page of the site, through the manifest guard),
- a stylesheet,
- /api/search with a handful of queries.

    python3 benches/mirror_load.py --pages 1000 [--requests 2000] [--concurrency 8]
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def ensure_hey():
    if shutil.which("hey"):
        return
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", "hey"], check=True)


def generate(pages, cache):
    site = os.path.join(cache, f"site{pages}")
    if not os.path.isdir(os.path.join(site, "content")):
        gen = os.environ.get("GEN_CORPUS", "/work/shared/gen_corpus.py")
        subprocess.run([sys.executable, gen, "--pages", str(pages), "--out", site,
                        "--seed", "1", "--format", "waymark", "--site"], check=True,
                       stdout=subprocess.DEVNULL)
    return site


def hey(url, requests, concurrency):
    """Runs hey; returns (rps, p50_ms, p99_ms, errors, statuses)."""
    args = ["hey", "-n", str(requests), "-c", str(concurrency)]
    out = subprocess.run(args + [url], capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def pct(p):
        m = re.search(rf"\s{p}%% in ([\d.]+) secs", out)
        return float(m.group(1)) * 1000 if m else None
    statuses = {int(c): int(n) for c, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", out)}
    errors = sum(n for c, n in statuses.items() if c >= 400)
    m = re.search(r"Error distribution:\n((?:\s+\[\d+\].*\n?)+)", out)
    if m:
        errors += sum(int(n) for n in re.findall(r"\[(\d+)\]", m.group(1)))
    return rps, pct(50), pct(99), errors, statuses


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "waymark"))
    ap.add_argument("--cache", default="/tmp/waymark-bench")
    args = ap.parse_args()
    ensure_hey()
    os.makedirs(args.cache, exist_ok=True)
    root = generate(args.pages, args.cache)
    out = os.path.join(args.cache, f"mirror{args.pages}")
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([args.bin, "--root", root, "--quiet", "build", "--out", out,
                    "--today", "2026-11-28"], check=True, stderr=subprocess.DEVNULL)
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    pages = [f["path"] for f in manifest["files"] if f["path"].endswith("/index.html")]
    random.Random(1).shuffle(pages)

    proc = subprocess.Popen([args.bin, "serve", "--mirror", out, "--port", "0", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    addr = None
    for line in proc.stderr:
        m = re.search(r"http://([^/]+)/", line)
        if m:
            addr = m.group(1)
            break
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
    base = f"http://{addr}"
    try:
        rows = []
        def run(name, urls):
            # Spread the requests over the URLs, one hey run per URL.
            per = max(1, args.requests // len(urls))
            total_time, total, errs, p50s, p99s = 0.0, 0, 0, [], []
            for u in urls:
                t = time.perf_counter()
                rps, p50, p99, e, _ = hey(base + u, per, args.concurrency)
                total_time += time.perf_counter() - t
                total += per
                errs += e
                p50s.append(p50)
                p99s.append(p99)
            row = {"what": name, "requests": total, "concurrency": args.concurrency,
                   "rps": round(total / total_time), "p50_ms": round(max(p50s), 2),
                   "p99_ms": round(max(p99s), 2), "errors": errs}
            rows.append(row)
            print(json.dumps(row), flush=True)
        run("healthz (baseline)", ["/healthz"])
        run("pages", ["/" + p[: -len("index.html")] for p in pages[:10]])
        run("stylesheet", ["/static/style.css"])
        run("search", ["/api/search?q=" + q for q in
                       ["stalking", "protection+order", "s4A", "SPO", "body-worn+video",
                        "harasment", "risk+assessment", "domestic+abuse"]])
        base_rps = rows[0]["rps"]
        print()
        print(f"| {args.pages} pages, {args.requests} requests, {args.concurrency} at a time | req/s | vs /healthz | p50 | p99 | errors |")
        print("|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['what']} | {r['rps']} | {r['rps'] / base_rps:.2f} | {r['p50_ms']} ms | {r['p99_ms']} ms | {r['errors']} |")
    finally:
        proc.terminate()
        proc.wait(15)


if __name__ == "__main__":
    main()
