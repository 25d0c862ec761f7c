#!/usr/bin/env python3
"""page_first.py URL QUERIES [--runs N]: how long the search page takes to put its first
results on screen, in headless Chromium: for each query (`qid<TAB>query` lines), the page is
opened at URL/?q=QUERY and a MutationObserver, installed before the page's own script runs,
notes `performance.now()` (ms since the navigation began) when the first `.hit` row is in the
document. Prints p50, p95 and max over the queries (each opened N times, default 1, after one
warm-up), and the slowest query; then when the page asked for its results and how long the
answer took (the page's own loading against the server's search). Needs `chromium` and the websocket-client package; the server
(`newsdex serve`) must already be running at URL."""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import websocket

OBSERVER = """
window.__firstHit = null;
new MutationObserver((_, observer) => {
  if (document.querySelector('.hit')) {
    window.__firstHit = performance.now();
    const api = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/search'));
    window.__api = api ? [api.startTime, api.responseEnd] : null;
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


class Page:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=30)
        self.next_id = 0

    def call(self, method, params=None):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params or {}}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def first_hit(self, url, timeout=10.0):
        self.call("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.call("Runtime.evaluate", {"expression": "window.__firstHit", "returnByValue": True})
            found = value.get("result", {}).get("value")
            if found is not None:
                api = self.call("Runtime.evaluate", {"expression": "window.__api", "returnByValue": True})
                return found, api.get("result", {}).get("value")
            time.sleep(0.01)
        return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("url")
    parser.add_argument("queries")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    queries = [line.rstrip("\n").split("\t", 1)[1] for line in open(args.queries, encoding="utf-8") if "\t" in line]
    port = free_port()
    profile = tempfile.mkdtemp(prefix="page-first-")
    browser = subprocess.Popen([shutil.which("chromium") or "chromium", "--headless", "--no-sandbox",
                                "--disable-gpu", f"--remote-debugging-port={port}",
                                f"--user-data-dir={profile}", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                ws_url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.1)
        else:
            sys.exit("page_first.py: chromium did not start")
        page = Page(ws_url)
        page.call("Page.enable")
        page.call("Page.addScriptToEvaluateOnNewDocument", {"source": OBSERVER})
        base = args.url.rstrip("/")
        page.first_hit(f"{base}/?q=" + urllib.parse.quote(queries[0]))
        times = []
        # When the page asked for the results (ms after the navigation began), and how long
        # the answer took to arrive: the page's own loading against the server's search.
        asked, answered = [], []
        for query in queries:
            for _ in range(args.runs):
                found = page.first_hit(f"{base}/?q=" + urllib.parse.quote(query))
                if found is not None:
                    ms, api = found
                    times.append((ms, query))
                    if api:
                        asked.append(api[0])
                        answered.append(api[1] - api[0])
        ordered = sorted(t for t, _ in times)
        p95 = ordered[max(0, -(-95 * len(ordered) // 100) - 1)]
        slowest = max(times)
        print(f"first results on screen: {len(times)} of {len(queries) * args.runs} pages, "
              f"p50 {statistics.median(ordered):.0f} ms, p95 {p95:.0f} ms, max {slowest[0]:.0f} ms "
              f"(`{slowest[1]}`)")
        if asked:
            print(f"the page asked for its results at p50 {statistics.median(asked):.0f} ms; "
                  f"the answer took p50 {statistics.median(answered):.0f} ms, "
                  f"max {max(answered):.0f} ms")
    finally:
        browser.terminate()
        browser.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
