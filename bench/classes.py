#!/usr/bin/env python3
"""classes.py NAME RAW...: p50 and p95 ms per query class (the qid without its number) of
latency.py's raw `qid<TAB>ms` files, one `name: class p50/p95, ...` line per file (p95 by
nearest rank, as latency.py's)."""
import math
import re
import statistics
import sys


def p95(values):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


for name, path in zip(sys.argv[1::2], sys.argv[2::2]):
    by_class = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            qid, ms = line.split("\t")
            by_class.setdefault(re.sub(r"\d+$", "", qid), []).append(float(ms))
    print(f"{name}: " + ", ".join(f"{c} {statistics.median(v):.1f}/{p95(v):.1f}"
                                  for c, v in by_class.items()))
