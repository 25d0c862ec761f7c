#!/usr/bin/env python3
"""table.py RESULTS_TSV: the markdown table of one corpus size from run.sh's `engine<TAB>key<TAB>value`
lines; a missing value prints as `-`, a `note` key prints below the table."""
import sys

COLUMNS = [("index_s", "index wall s"), ("mbps", "MB/s"), ("rss_mb", "peak RSS MB"),
           ("ratio", "index size ÷ text"), ("noop_s", "re-index no-change s"),
           ("change_s", "1% changed s"), ("delete_s", "1% deleted s"), ("p50", "search p50 ms"),
           ("p95", "p95 ms"), ("phrase", "phrase median ms"), ("load", "load 1m at index")]
ORDER = ["newsdex", "tantivy-cli", "sqlite-fts5", "xapian", "lucene", "ripgrep"]

values, notes, engines = {}, [], []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        engine, key, value = line.rstrip("\n").split("\t", 2)
        if key == "note":
            notes.append(value)
            continue
        if engine not in engines:
            engines.append(engine)
        values[engine, key] = value
engines.sort(key=lambda e: ORDER.index(e) if e in ORDER else len(ORDER))
print("| engine | " + " | ".join(title for _, title in COLUMNS) + " |")
print("|---" * (len(COLUMNS) + 1) + "|")
for engine in engines:
    print(f"| {engine} | " + " | ".join(values.get((engine, key), "-") for key, _ in COLUMNS) + " |")
if notes:
    print()
    for note in notes:
        print(f"- {note}")
