#!/usr/bin/env python3
"""serve_load.py INDEX QUERIES [--clients 1,4,16] [--seconds 20] [--rounds 5] [--bin PATH]:
`newsdex serve` under load, beside one `newsdex search` process per query.

QUERIES holds `qid<TAB>text` lines (../shared/bench/queries/news.tsv). Prints a markdown table
on stdout, progress on stderr:
- whole process: `newsdex search --index INDEX --limit 10 QUERY`, one new process per query,
  one after the other, ROUNDS times over the queries after one untimed call, the page cache
  warm (the method of bench/latency.py, which the README's search figures use); exit 0 or 1
  is a success. req/s is what one process after another manages.
- served: `newsdex serve --index INDEX --addr 127.0.0.1:0`, then bench/serve-load (built here
  with cargo) at each number of CLIENTS, each a keep-alive connection sending
  `/api/search?q=QUERY&limit=10` for the queries in turn for SECONDS, after one untimed round.
  An error is any answer but 200, or a broken connection.
Both sides ask for the same ten hits with the same ranking; the server's answer is JSON, the
process's is the terminal text (printed to /dev/null). The machine's 1-minute load average at
the start is printed: figures from a shared machine move with it. The server is stopped with
SIGINT at the end and must exit 0.
"""
import argparse
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def nearest_rank(sorted_values, p):
    rank = max(1, min(len(sorted_values), math.ceil(p * len(sorted_values))))
    return sorted_values[rank - 1]


def log(message):
    print(f"serve_load.py: {message}", file=sys.stderr, flush=True)


def whole_process(binary, index, queries, rounds):
    def run(query):
        start = time.perf_counter()
        p = subprocess.run([binary, "search", "--index", index, "--limit", "10", query],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ms = (time.perf_counter() - start) * 1000
        return ms, p.returncode <= 1
    run(queries[0])
    times, failures = [], 0
    for _ in range(rounds):
        for query in queries:
            ms, ok = run(query)
            times.append(ms)
            failures += not ok
    times.sort()
    return {"requests": len(times), "errors": failures, "rps": 1000 / statistics.mean(times),
            "p50_ms": statistics.median(times), "p99_ms": nearest_rank(times, 0.99)}


def start_server(binary, index):
    server = subprocess.Popen([binary, "serve", "--index", index, "--addr", "127.0.0.1:0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in server.stderr:
        if " at http://" in line:
            addr = line.split(" at http://")[1].split("/")[0]
            break
    else:
        raise SystemExit(f"serve_load.py: the server did not start (exit {server.wait()})")
    with urllib.request.urlopen(f"http://{addr}/healthz") as answer:
        assert answer.status == 200
    return server, addr


def rss_mb(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.split()
    return int(fields["VmRSS"][0]) / 1024, int(fields["VmHWM"][0]) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("index")
    parser.add_argument("queries")
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "newsdex"))
    args = parser.parse_args()
    with open(args.queries, encoding="utf-8") as f:
        queries = [line.rstrip("\n").partition("\t")[2] for line in f if line.strip()]
    client_dir = os.path.join(HERE, "serve-load")
    subprocess.run(["cargo", "build", "--quiet", "--release", "--manifest-path",
                    os.path.join(client_dir, "Cargo.toml")], check=True)
    client = os.path.join(client_dir, "target", "release", "serve-load")
    load = os.getloadavg()[0]

    log(f"whole process: {len(queries)} queries x {args.rounds} rounds")
    process = whole_process(args.bin, args.index, queries, args.rounds)

    server, addr = start_server(args.bin, args.index)
    served = []
    try:
        for clients in [int(n) for n in args.clients.split(",")]:
            log(f"served: {clients} clients for {args.seconds:g} s")
            out = subprocess.run([client, addr, args.queries, "--clients", str(clients),
                                  "--seconds", str(args.seconds)],
                                 check=True, capture_output=True, text=True)
            if out.stderr:
                log(out.stderr.strip()[-2000:])
            served.append(json.loads(out.stdout))
        rss, peak = rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        code = server.wait(timeout=30)
    if code != 0:
        raise SystemExit(f"serve_load.py: the server exited {code} on SIGINT")

    print(f"{len(queries)} news queries, {os.path.basename(os.path.abspath(args.index))}; "
          f"1-minute load {load:.2f} at the start; server RSS {rss:.0f} MB (peak {peak:.0f} MB)\n")
    print("| how | clients | requests | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    print(f"| whole process, one a query | 1 | {process['requests']} | {process['rps']:.0f} | "
          f"{process['p50_ms']:.1f} | {process['p99_ms']:.1f} | {process['errors']} |")
    for row in served:
        print(f"| served, keep-alive | {row['clients']} | {row['requests']} | {row['rps']:.0f} | "
              f"{row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} |")
    ratio = served[0]["p50_ms"] / process["p50_ms"]
    print(f"\nserved p50 at 1 client ÷ whole-process p50: {ratio:.2f}")


if __name__ == "__main__":
    main()
