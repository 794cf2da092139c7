#!/usr/bin/env python3
"""Save-to-served latency of the live preview (`waymark serve`) on a generated site.

For each site size: time a full `waymark build` of the site (the baseline, in the same run),
start the preview, then save one page many times (written to a temporary file and renamed over
the page, as editors do) and measure, from the rename, how long until the server returns the
page with the new text. Two kinds of save: a sentence added to the body, and a change of the
page's title (which shows in its section's list and its backlinks, so more pages change).

    python3 benches/serve_latency.py --pages 1000 10000 [--saves 20] [--bin target/release/waymark]

Sites come from /work/shared/gen_corpus.py (seed 1) and are cached under --cache.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def generate(pages, cache):
    site = os.path.join(cache, f"site{pages}")
    if not os.path.isdir(os.path.join(site, "content")):
        gen = os.environ.get("GEN_CORPUS", "/work/shared/gen_corpus.py")
        subprocess.run([sys.executable, gen, "--pages", str(pages), "--out", site,
                        "--seed", "1", "--format", "waymark", "--site"], check=True,
                       stdout=subprocess.DEVNULL)
    return site


def publishable(binary, root):
    """The generated corpus has planted findings (copied passages whose figures drift) that are
    errors, which would stop both the build and the preview from publishing. Every check keeps
    running at full cost; the checks that report errors on this corpus become warnings."""
    r = subprocess.run([binary, "--root", root, "--quiet", "check", "--format", "json",
                        "--today", "2026-11-28"], capture_output=True, text=True)
    try:
        found = json.loads(r.stdout)["diagnostics"]
    except (ValueError, KeyError):
        sys.exit(f"check failed:\n{r.stderr[-2000:]}")
    erring = sorted({d["check"] for d in found if d["severity"] == "error"})
    if erring:
        with open(os.path.join(root, "site.yaml"), "a") as f:
            f.write("\nchecks:\n" + "".join(f"  {c}: warning\n" for c in erring))
    return erring


def full_build(binary, root, out):
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    r = subprocess.run([binary, "--root", root, "--quiet", "build", "--no-static-search",
                        "--out", out, "--today", "2026-11-28"], capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"full build failed:\n{r.stderr[-2000:]}")
    return elapsed


def pick_page(root):
    """A guidance page in the middle of the site that other pages link to."""
    pages = []
    for d, _, files in os.walk(os.path.join(root, "content")):
        for f in files:
            if f.endswith(".md") and f != "_index.md":
                pages.append(os.path.join(d, f))
    pages.sort()
    return pages[len(pages) // 2]


def url_of(root, path):
    rel = os.path.relpath(path, os.path.join(root, "content"))[:-3]
    return "/" + rel.replace(os.sep, "/") + "/"


class Preview:
    def __init__(self, binary, root):
        self.proc = subprocess.Popen([binary, "--root", root, "serve", "--port", "0",
                                      "--today", "2026-11-28"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.addr = None
        ready = threading.Event()

        def read():
            for line in self.proc.stderr:
                self.lines.append(line.rstrip())
                m = re.search(r"http://([^/]+)/", line)
                if m and not self.addr:
                    self.addr = m.group(1)
                    ready.set()
        threading.Thread(target=read, daemon=True).start()
        started = time.perf_counter()
        if not ready.wait(600):
            self.stop()
            sys.exit("the preview did not start:\n" + "\n".join(self.lines[-20:]))
        self.startup = time.perf_counter() - started
        host, port = self.addr.rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=30)

    def get(self, path):
        self.conn.request("GET", path)
        r = self.conn.getresponse()
        return r.status, r.read()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def save(path, text):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".swp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def measure(preview, path, url, make_text, marker_of, saves):
    original = open(path).read()
    times = []
    for i in range(saves):
        marker = marker_of(i)
        save(path, make_text(original, i))
        t0 = time.perf_counter()
        deadline = t0 + 60
        while True:
            status, body = preview.get(url)
            if status == 200 and marker.encode() in body:
                break
            if time.perf_counter() > deadline:
                sys.exit(f"save {i} never showed up; server said:\n" + "\n".join(preview.lines[-20:]))
            time.sleep(0.001)
        times.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.3)
    save(path, original)
    time.sleep(1)
    return times


def summary(ms):
    ms = sorted(ms)
    return {"median_ms": round(statistics.median(ms), 1),
            "p90_ms": round(ms[max(0, int(len(ms) * 0.9) - 1)], 1),
            "p95_ms": round(ms[max(0, -(-len(ms) * 95 // 100) - 1)], 1),
            "max_ms": round(ms[-1], 1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--saves", type=int, default=20)
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "waymark"))
    ap.add_argument("--cache", default="/tmp/waymark-bench")
    args = ap.parse_args()
    os.makedirs(args.cache, exist_ok=True)
    results = []
    for n in args.pages:
        source = generate(n, args.cache)
        root = os.path.join(args.cache, f"work{n}")
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(source, root)
        downgraded = publishable(args.bin, root)
        build_s = full_build(args.bin, root, os.path.join(args.cache, f"out{n}"))
        page = pick_page(root)
        url = url_of(root, page)
        preview = Preview(args.bin, root)
        try:
            status, _ = preview.get(url)
            assert status == 200, f"{url}: {status}"
            body = measure(
                preview, page, url,
                lambda t, i: t.rstrip("\n") + f"\n\nBench save number {i} of the body.\n",
                lambda i: f"Bench save number {i} of the body.", args.saves)
            title = measure(
                preview, page, url,
                lambda t, i: re.sub(r'^title: "', f'title: "Bench title {i}: ', t, count=1, flags=re.M),
                lambda i: f"Bench title {i}: ", args.saves)
            internal = [int(m.group(1)) for line in preview.lines
                        for m in [re.match(r"Rebuilt in (\d+) ms[^(]*\(parse", line)] if m]
        finally:
            preview.stop()
        r = {"pages": n, "full_build_s": round(build_s, 2),
             "preview_start_s": round(preview.startup, 2),
             "downgraded_to_warnings": downgraded,
             "body_save": summary(body), "title_save": summary(title),
             "rebuild_ms_median": statistics.median(internal) if internal else None}
        r["body_save"]["vs_full_build"] = round(r["body_save"]["median_ms"] / 1000 / build_s, 4)
        r["title_save"]["vs_full_build"] = round(r["title_save"]["median_ms"] / 1000 / build_s, 4)
        results.append(r)
        print(json.dumps(r), flush=True)
    print()
    print("| pages | full build | save to served, body (p50 / p95 / max) | title (p50 / p95 / max) | p50 ratio to full build, body / title |")
    print("|---|---|---|---|---|")
    for r in results:
        b, t = r["body_save"], r["title_save"]
        print(f"| {r['pages']} | {r['full_build_s']} s | {b['median_ms']} / {b['p95_ms']} / {b['max_ms']} ms "
              f"| {t['median_ms']} / {t['p95_ms']} / {t['max_ms']} ms | {b['vs_full_build']} / {t['vs_full_build']} |")


if __name__ == "__main__":
    main()
