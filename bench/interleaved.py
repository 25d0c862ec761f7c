#!/usr/bin/env python3
"""interleaved.py OUT_DIR NAME QUERIES CMD... [:: NAME QUERIES CMD...]...: latency.py for several
engines at once, taking turns query by query (engine A query 1, engine B query 1, A query 2, ...),
so that a shared machine's load drifts alike over all of them. Query files must list the same
queries in the same order. CMD and `{}` as in latency.py. Prints `NAME p50_ms p95_ms failures`
per engine; raw `qid<TAB>ms` lines go to OUT_DIR/NAME.lat."""
import math
import os
import statistics
import subprocess
import sys
import time


def run(cmd, line):
    text = line.rstrip("\n").partition("\t")[2]
    templated = any("{}" in arg for arg in cmd)
    argv = [arg.replace("{}", text) for arg in cmd] if templated else cmd
    start = time.perf_counter()
    p = subprocess.run(argv, input=None if templated else line.encode(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000, p.returncode <= 1


def main():
    out, rest = sys.argv[1], sys.argv[2:]
    jobs = []
    while rest:
        cut = rest.index("::") if "::" in rest else len(rest)
        name, qfile, *cmd = rest[:cut]
        with open(qfile, encoding="utf-8") as f:
            jobs.append((name, [line for line in f if line.strip()], cmd, [], [0]))
        rest = rest[cut + 1:]
    for name, lines, cmd, _, _ in jobs:
        run(cmd, lines[0])  # warm-up
    for i in range(max(len(job[1]) for job in jobs)):
        for name, lines, cmd, times, failures in jobs:
            if i < len(lines):
                ms, ok = run(cmd, lines[i])
                times.append((lines[i].partition("\t")[0], ms))
                failures[0] += not ok
    os.makedirs(out, exist_ok=True)
    for name, _, _, times, failures in jobs:
        with open(os.path.join(out, f"{name}.lat"), "w", encoding="utf-8") as f:
            f.writelines(f"{qid}\t{ms:.2f}\n" for qid, ms in times)
        ms = sorted(ms for _, ms in times)
        print(f"{name} {statistics.median(ms):.1f} {ms[math.ceil(0.95 * len(ms)) - 1]:.1f} {failures[0]}")


if __name__ == "__main__":
    main()
