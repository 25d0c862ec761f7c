#!/usr/bin/env python3
"""compare.py BEFORE AFTER: whether two bench/snapshot.sh folders show users the same results.

Searches (passages.jsonl, articles.jsonl) and every eval TREC run (eval-*.trec) must be
byte-identical; eval's metrics (eval.jsonl) must agree to 1e-12, because newsdex before
commit "eval: sum queries in qid order" summed queries in hash order and so moved the last
bits from run to run. Prints one line per file and the first differing line of any that
differ; exit status 0 when all agree, 1 otherwise.
"""
import json
import os
import sys


def first_difference(a, b):
    for number, (x, y) in enumerate(zip(a, b), 1):
        if x != y:
            return number, x, y
    return min(len(a), len(b)) + 1, "(end)" if len(a) < len(b) else "", ""


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    before, after = sys.argv[1:]
    names = sorted(set(os.listdir(before)) | set(os.listdir(after)))
    same = True
    for name in names:
        paths = [os.path.join(folder, name) for folder in (before, after)]
        if not all(os.path.exists(path) for path in paths):
            print(f"{name}: only in {before if os.path.exists(paths[0]) else after}")
            same = False
            continue
        a, b = (open(path, encoding="utf-8").read().splitlines() for path in paths)
        if name == "eval.jsonl":
            ok = len(a) == len(b)
            for x, y in zip(a, b):
                (nx, mx), (ny, my) = (line.split("\t", 1) for line in (x, y))
                mx, my = json.loads(mx), json.loads(my)
                ok &= nx == ny and mx.keys() == my.keys() and all(
                    abs(mx[k] - my[k]) <= 1e-12 for k in mx)
            print(f"{name}: {'same (to 1e-12)' if ok else 'DIFFERENT'}")
        else:
            ok = a == b
            print(f"{name}: {'identical' if ok else 'DIFFERENT'} ({len(a)} lines)")
            if not ok:
                number, x, y = first_difference(a, b)
                print(f"  line {number}:\n  - {x[:300]}\n  + {y[:300]}")
        same &= ok
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
