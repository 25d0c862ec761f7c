#!/usr/bin/env python3
"""latency.py QUERIES RAW_OUT CMD [ARG...]: time one new process per query, page cache warm.

QUERIES holds `qid<TAB>text` lines. When an argument of CMD contains `{}`, the query text is put
there (`rg -l -i -F {} DIR`); otherwise the whole line goes to the process's stdin (the peers'
`oneshot` scripts read it so). stdout is discarded. Exit status 0 or 1 (no results) is a success.
One untimed warm-up call first. Prints `p50_ms p95_ms failures` (p95 = nearest rank) and writes
`qid<TAB>ms` lines to RAW_OUT."""
import math
import statistics
import subprocess
import sys
import time


def main():
    qfile, raw_out, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(qfile, encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    templated = any("{}" in arg for arg in cmd)

    def call(line):
        text = line.rstrip("\n").partition("\t")[2]
        argv = [arg.replace("{}", text) for arg in cmd] if templated else cmd
        stdin = None if templated else line.encode()
        start = time.perf_counter()
        p = subprocess.run(argv, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ms = (time.perf_counter() - start) * 1000
        if p.returncode > 1:
            err = p.stderr.decode(errors="replace").strip()[-200:]
            print(f"latency.py: {line.strip()!r}: exit {p.returncode}: {err}", file=sys.stderr)
            return ms, False
        return ms, True

    call(lines[0])
    times, failures = [], 0
    with open(raw_out, "w", encoding="utf-8") as out:
        for line in lines:
            ms, ok = call(line)
            failures += not ok
            times.append(ms)
            out.write(f"{line.partition(chr(9))[0]}\t{ms:.2f}\n")
    times.sort()
    p95 = times[math.ceil(0.95 * len(times)) - 1]
    print(f"{statistics.median(times):.1f} {p95:.1f} {failures}")


if __name__ == "__main__":
    main()
