#!/usr/bin/env python3
"""spelling.py NEWSDEX_BIN SHARED_DIR [INDEX_DIR]: how well "did you mean" corrects misspelt news
queries, and how often it bothers correct ones.

Queries: the bench's 50 news queries (SHARED_DIR/bench/queries/news.tsv) and the 55 Reuters
news queries (bench/reuters_news.py), 105 in all, as typed. Each is misspelt once, seeded:
one of its words of five letters or more gets one of five typing errors in turn (a letter
inserted, a letter deleted, two neighbours swapped, a letter doubled, the word split in two).
Every query runs as `newsdex search --index INDEX --limit 1` on Reuters-21578 (INDEX_DIR,
built when missing); the suggestion is read from stderr.

Prints: for the misspelt queries, the share whose suggestion is the original query (case
aside), the share with another suggestion, and with none, by kind of error; for the correct
queries, the share that got a suggestion (which they did not need), with the cases listed.
"""
import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reuters_news import QUERIES as REUTERS_QUERIES  # noqa: E402

KINDS = ["insertion", "deletion", "swap", "doubled", "split"]
SUGGESTION = re.compile(r"did you mean `(.*?)`\?")


def misspell(word, kind, rng):
    at = rng.randrange(1, len(word) - 1)
    if kind == "insertion":
        return word[:at] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[at:]
    if kind == "deletion":
        return word[:at] + word[at + 1:]
    if kind == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2:]
    if kind == "doubled":
        return word[:at] + word[at] + word[at:]
    return word[:at] + " " + word[at:]


def suggestion(binary, index, query):
    out = subprocess.run([binary, "search", "--index", index, "--limit", "1", "--", query],
                         capture_output=True, text=True)
    if out.returncode == 2:
        sys.exit(f"newsdex failed on {query!r}: {out.stderr.strip()}")
    found = SUGGESTION.search(out.stderr)
    return found.group(1) if found else None


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, shared = sys.argv[1], sys.argv[2]
    index = sys.argv[3] if len(sys.argv) > 3 else "/tmp/newsdex-spelling.idx"
    if not os.path.isdir(index):
        corpus = os.path.join(shared, "corpora", "news", "reuters21578", "corpus")
        subprocess.run([binary, "index", corpus, "--index", index], capture_output=True, check=False)
    queries = []
    with open(os.path.join(shared, "bench", "queries", "news.tsv"), encoding="utf-8") as f:
        queries += [line.rstrip("\n").split("\t", 1)[1] for line in f if "\t" in line]
    queries += list(REUTERS_QUERIES.values())
    rng = random.Random(7)
    misspelt, tally = [], {kind: [0, 0, 0] for kind in KINDS}
    for i, query in enumerate(queries):
        words = query.split()
        long_words = [j for j, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if not long_words:
            continue
        j = rng.choice(long_words)
        kind = KINDS[i % len(KINDS)]
        words[j] = misspell(words[j], kind, rng)
        misspelt.append((query, " ".join(words), kind))
    right = other = none = 0
    for original, typed, kind in misspelt:
        got = suggestion(binary, index, typed)
        if got is not None and got.lower() == original.lower():
            right += 1
            tally[kind][0] += 1
        elif got is not None:
            other += 1
            tally[kind][1] += 1
            print(f"  other: {typed!r} -> {got!r} (meant {original!r})")
        else:
            none += 1
            tally[kind][2] += 1
            print(f"  none:  {typed!r} (meant {original!r})")
    n = len(misspelt)
    print(f"misspelt queries: {n}; suggestion = the original: {right} ({100 * right / n:.0f}%), "
          f"another suggestion: {other} ({100 * other / n:.0f}%), none: {none} ({100 * none / n:.0f}%)")
    for kind, (r, o, x) in tally.items():
        print(f"  {kind}: {r} right, {o} other, {x} none")
    needless = []
    for query in queries:
        got = suggestion(binary, index, query)
        if got is not None:
            needless.append((query, got))
    print(f"correct queries: {len(queries)}; given a suggestion they did not need: {len(needless)} "
          f"({100 * len(needless) / len(queries):.1f}%)")
    for query, got in needless:
        print(f"  needless: {query!r} -> {got!r}")


if __name__ == "__main__":
    main()
