#!/usr/bin/env python3
"""dates_window.py NEWSDEX_BIN SHARED_DIR [WORK_DIR]: checks --since/--until on Reuters-21578
with the dates its articles really carry.

Copies the corpus to WORK_DIR/corpus (default /tmp/newsdex-dates), each file's modification
time set to its transmission time in metadata.jsonl (`26-FEB-1987 15:01:01.79`, taken as
UTC), and indexes it: each article is then dated by its dateline (`SALVADOR, Feb 26`, the
year from the file's time) or, without one, by its file's time. For each window it then
compares `search --since A --until B` with the unfiltered search cut to the window by the
dates newsdex reports: the filtered run must return only articles of the window, and all of
them. It also reports how often the date newsdex gives an article agrees with its
metadata's day.
"""
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone

WINDOWS = [("1987-02-26", "1987-03-04"), ("1987-03-16", "1987-03-16"), ("1987-04-01", "1987-04-30"),
           ("1987-06-01", "1987-12-31")]
QUERIES = ["oil", "trade deficit", "said", "\"interest rates\"", "wheat OR corn"]


def search(binary, index, query, extra):
    argv = [binary, "search", "--index", index, "--json", "--articles", "--all", "--limit", "100000"]
    out = subprocess.run(argv + extra + ["--", query], capture_output=True, text=True)
    if out.returncode > 1:
        sys.exit(f"search failed: {out.stderr}")
    return [json.loads(line) for line in out.stdout.splitlines()]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, shared = sys.argv[1], sys.argv[2]
    work = sys.argv[3] if len(sys.argv) > 3 else "/tmp/newsdex-dates"
    source = os.path.join(shared, "corpora", "news", "reuters21578")
    corpus, index = os.path.join(work, "corpus"), os.path.join(work, "idx")
    metadata = {}
    with open(os.path.join(source, "metadata.jsonl"), encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            # The day is what counts; a few times are garbled (`31-MAR-1987 605:12:19`).
            day = datetime.strptime(record["date"].split()[0], "%d-%b-%Y")
            metadata[record["id"]] = day.replace(hour=12, tzinfo=timezone.utc)
    if not os.path.isdir(index):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(os.path.join(source, "corpus"), corpus)
        for name in os.listdir(corpus):
            when = metadata[name[:-4]].timestamp()
            os.utime(os.path.join(corpus, name), (when, when))
        subprocess.run([binary, "index", corpus, "--index", index], check=True, capture_output=True)
    agree = total = 0
    for hit in search(binary, index, "said OR the OR reuter", []):
        total += 1
        agree += hit["date"] == metadata[os.path.basename(hit["path"])[:-4]].strftime("%Y-%m-%d")
    print(f"dates agreeing with the metadata's day: {agree} of {total} articles ({100 * agree / total:.1f}%)")
    failures = 0
    for since, until in WINDOWS:
        for query in QUERIES:
            everything = search(binary, index, query, [])
            expected = {h["path"] for h in everything if since <= h["date"] <= until}
            got = search(binary, index, query, ["--since", since, "--until", until])
            paths = {h["path"] for h in got}
            outside = [h for h in got if not since <= h["date"] <= until]
            ok = paths == expected and not outside
            failures += not ok
            print(f"{since}..{until} {query!r}: {len(got)} returned, {len(expected)} expected, "
                  f"{len(outside)} outside, {len(expected - paths)} missing: {'ok' if ok else 'WRONG'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
