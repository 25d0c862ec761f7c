#!/usr/bin/env python3
"""reuters_topics.py SHARED_DIR OUT_DIR: a test collection from Reuters-21578's editorial topics.

Relevance judgments made by Reuters' editors, not for retrieval: every article labelled with a
topic is relevant (grade 1) to that topic's query, and the query is the topic's code read as
words (`money-fx` -> `money fx`). Topics with fewer than MIN_DOCS labelled articles are left
out. Writes OUT_DIR/{corpus/,queries.tsv,qrels.txt}, the layout `newsdex eval` and
`../shared/bench/relevance.sh` read; the articles are copied (the walk follows no symlinks).
"""
import collections
import json
import os
import shutil
import sys

MIN_DOCS = 20


def labelled_articles(source):
    """Each topic's labelled article ids (a topic a record repeats counts once)."""
    labelled = collections.defaultdict(list)
    with open(os.path.join(source, "metadata.jsonl"), encoding="utf-8") as metadata:
        for line in metadata:
            record = json.loads(line)
            for topic in dict.fromkeys(record["topics"]):
                labelled[topic].append(record["id"])
    return labelled


def write_collection(source, out, queries):
    """OUT/{corpus/,queries.tsv,qrels.txt} from `queries`, (text, relevant ids) pairs numbered
    from 1, and the source's articles."""
    if os.path.exists(out):
        sys.exit(f"{out} exists; remove it first")
    shutil.copytree(os.path.join(source, "corpus"), os.path.join(out, "corpus"))
    with open(os.path.join(out, "queries.tsv"), "w", encoding="utf-8") as queries_file, open(
        os.path.join(out, "qrels.txt"), "w", encoding="utf-8"
    ) as qrels:
        for number, (text, ids) in enumerate(queries, 1):
            queries_file.write(f"{number}\t{text}\n")
            for doc in ids:
                qrels.write(f"{number} 0 {doc} 1\n")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source = os.path.join(sys.argv[1], "corpora", "news", "reuters21578")
    out = sys.argv[2]
    labelled = labelled_articles(source)
    topics = sorted(t for t, ids in labelled.items() if len(ids) >= MIN_DOCS)
    write_collection(source, out, [(t.replace("-", " "), labelled[t]) for t in topics])
    print(f"{len(topics)} topics with >= {MIN_DOCS} articles written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
