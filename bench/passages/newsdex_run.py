#!/usr/bin/env python3
"""newsdex_run.py NEWSDEX INDEX QUERIES [DEPTH] > run.trec: a TREC run of passages from any
newsdex binary, as a user gets them: each query as typed to `newsdex search --json` (its
default passage list: two passages an article, a story's copies after its row; DEPTH rows, 10
unless given, so the search draws the articles an interactive search draws), the passage id
`<file name without extension>#<paragraph>`, the lines in the order printed. Used to pool and
score any build, also those that have no `eval --passages` (the one before issue 29)."""
import json
import os
import subprocess
import sys


def main():
    binary, index, queries = sys.argv[1:4]
    depth = sys.argv[4] if len(sys.argv) > 4 else "100"
    with open(queries, encoding="utf-8") as lines:
        for line in lines:
            qid, _, query = line.rstrip("\n").partition("\t")
            out = subprocess.run([binary, "--color", "never", "search", "--index", index, "--json",
                                  "--limit", depth, "--", query],
                                 capture_output=True, text=True)
            if out.returncode > 1:
                sys.exit(f"newsdex_run.py: {qid}: {out.stderr.strip()}")
            for rank, hit in enumerate(map(json.loads, out.stdout.splitlines()), start=1):
                stem = os.path.splitext(os.path.basename(hit["path"]))[0]
                print(f"{qid} Q0 {stem}#{hit['paragraph']} {rank} {hit['score']:.6f} newsdex")


if __name__ == "__main__":
    main()
