#!/usr/bin/env python3
"""pool.py PARAGRAPHS QUERIES NEEDS OUT RUN.trec...: the judging pool of the passage-judged set.

Takes each run's top 10 passages per query (in rank order, as TREC's `rank` column has them),
pools them (a passage found by several runs once), and writes:
  OUT/pool.tsv          qid<TAB>passage id, every pooled passage, sorted by query and id
  OUT/sheets/QID.txt    what a judge reads: the query, its need, and each pooled passage
                        (its id, its article's title, its text from PARAGRAPHS/<id>.txt),
                        in id order, with no word of which run found it or at what rank.
PARAGRAPHS is the folder `cargo run --example paragraphs` wrote from the same corpus.
A pool made again after more runs keeps every passage pooled before (OUT/pool.tsv is read
first): judged passages stay judged, new ones are added."""
import collections
import os
import sys

DEPTH = 10


def top(run, depth):
    ranked = collections.defaultdict(list)
    with open(run, encoding="utf-8") as lines:
        for line in lines:
            qid, _, passage, rank, *_ = line.split()
            ranked[qid].append((int(rank), passage))
    return {qid: [p for _, p in sorted(items)[:depth]] for qid, items in ranked.items()}


def main():
    paragraphs, queries_file, needs_file, out, *runs = sys.argv[1:]
    queries = dict(line.rstrip("\n").split("\t", 1) for line in open(queries_file, encoding="utf-8"))
    needs = dict(line.rstrip("\n").split("\t", 1) for line in open(needs_file, encoding="utf-8"))
    pool = collections.defaultdict(set)
    pool_file = os.path.join(out, "pool.tsv")
    if os.path.exists(pool_file):
        for line in open(pool_file, encoding="utf-8"):
            qid, passage = line.rstrip("\n").split("\t")
            pool[qid].add(passage)
    for run in runs:
        for qid, passages in top(run, DEPTH).items():
            pool[qid].update(passages)
    os.makedirs(os.path.join(out, "sheets"), exist_ok=True)
    with open(pool_file, "w", encoding="utf-8") as written:
        for qid in sorted(pool):
            for passage in sorted(pool[qid]):
                written.write(f"{qid}\t{passage}\n")
    for qid in sorted(pool):
        with open(os.path.join(out, "sheets", f"{qid}.txt"), "w", encoding="utf-8") as sheet:
            sheet.write(f"QUERY {qid}: {queries[qid]}\nNEED: {needs[qid]}\n\n")
            for passage in sorted(pool[qid]):
                with open(os.path.join(paragraphs, passage + ".txt"), encoding="utf-8") as text:
                    title, _, body = text.read().partition("\n\n")
                sheet.write(f"=== {passage}\nTITLE: {title}\nTEXT: {body.strip()}\n\n")
    total = sum(len(p) for p in pool.values())
    print(f"pool.py: {total} passages pooled over {len(pool)} queries", file=sys.stderr)


if __name__ == "__main__":
    main()
