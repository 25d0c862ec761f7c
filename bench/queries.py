#!/usr/bin/env python3
"""queries.py CORPUS NEWS_TSV OUT_DIR: writes the bench's fixed query mix, deterministically.

Queries are drawn (seeded) from the first SAMPLE article files of CORPUS in path order. The
generated corpora are prefixes of one another, so every corpus size gets the same mix.

OUT_DIR/newsdex.tsv   `qid<TAB>query as typed` (quotes, hyphens, title:/dateline: fields)
OUT_DIR/words.tsv     `qid<TAB>the same query's words` (field names and quotes dropped), for
                      the peers, whose oneshot scripts OR the lowercased words
OUT_DIR/fts5.tsv      `qid<TAB>"w1" OR "w2" ...`, the FTS5 MATCH expression the sqlite peer builds
OUT_DIR/phrases.txt   two-word phrases, one a line, unquoted (ripgrep against newsdex)

The mix (qid prefix: count): n (news.tsv, all 50 as typed), rare (single words in 2-5 sampled
articles), common (single words among the 300 most widespread), multi (2-4 words), phrase
(two adjacent body words, quoted), hyphen (hyphenated words such as cease-fire), title
(title:word), dateline (dateline:place).
"""
import os
import random
import re
import sys

SAMPLE = 3000
SEED = 5
STOP = set("""a about above after again against all am an and any are as at be because been
before being below between both but by can could did do does doing down during each few for
from further had has have having he her here hers him his how i if in into is it its itself
just me more most my no nor not now of off on once only or other our out over own said same she
should so some such than that the their them then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you
your also mr mrs mln dlrs pct cts vs year years new one two three last says say""".split())
WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
PLACE = re.compile(r"^([A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+)?)(?:,| \(| --| -| —)")


def sample_files(corpus):
    files = []
    for root, dirs, names in os.walk(corpus):
        dirs.sort()
        files.extend(os.path.join(root, n) for n in sorted(names) if n.endswith(".txt"))
        if len(files) >= SAMPLE:
            break
    return files[:SAMPLE]


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return paragraphs[0] if paragraphs else "", paragraphs[1:]


def main():
    corpus, news_tsv, out = sys.argv[1:4]
    rng = random.Random(SEED)
    df, hyphen_df, titles, bodies, places = {}, {}, [], [], []
    for path in sample_files(corpus):
        title, paragraphs = read(path)
        titles.append(title)
        bodies.append(paragraphs)
        if paragraphs:
            m = PLACE.match(paragraphs[0])
            if m and len(m.group(1)) > 2:
                places.append(m.group(1).lower())
        seen = set()
        for p in paragraphs:
            seen.update(w.lower() for w in WORD.findall(p))
        for w in seen:
            if "-" in w:
                hyphen_df[w] = hyphen_df.get(w, 0) + 1
            elif len(w) >= 4 and w not in STOP:
                df[w] = df.get(w, 0) + 1

    by_df = sorted(df, key=lambda w: (-df[w], w))
    common = by_df[:300]
    middle = by_df[300:3000]
    rare = sorted(w for w in df if 2 <= df[w] <= 5 and len(w) >= 5)
    queries = []
    with open(news_tsv, encoding="utf-8") as f:
        for line in f:
            qid, _, text = line.rstrip("\n").partition("\t")
            if qid.strip():
                queries.append((qid.strip(), text))
    queries += [(f"rare{i + 1}", w) for i, w in enumerate(rng.sample(rare, 30))]
    queries += [(f"common{i + 1}", w) for i, w in enumerate(rng.sample(common, 30))]
    for i in range(30):
        k = 2 + i % 3
        words = rng.sample(common, 1) + rng.sample(middle, k - 1)
        rng.shuffle(words)
        queries.append((f"multi{i + 1}", " ".join(words)))
    phrases = []
    while len(phrases) < 30:
        paragraphs = bodies[rng.randrange(len(bodies))]
        if not paragraphs:
            continue
        tokens = paragraphs[rng.randrange(len(paragraphs))].split()
        if len(tokens) < 2:
            continue
        at = rng.randrange(len(tokens) - 1)
        a, b = tokens[at], tokens[at + 1]
        if all(w.isalpha() and len(w) >= 3 and w.lower() not in STOP for w in (a, b)):
            phrase = f"{a.lower()} {b.lower()}"
            if phrase not in phrases:
                phrases.append(phrase)
    queries += [(f"phrase{i + 1}", f'"{p}"') for i, p in enumerate(phrases)]
    hyphens = ["cease-fire", "long-term"]
    pool = sorted(w for w in hyphen_df if hyphen_df[w] >= 2 and w not in hyphens)
    hyphens += rng.sample(pool, 8)
    queries += [(f"hyphen{i + 1}", w) for i, w in enumerate(hyphens)]
    title_words = sorted({w.lower() for t in titles for w in WORD.findall(t)
                          if len(w) >= 4 and "-" not in w and w.lower() not in STOP})
    queries += [(f"title{i + 1}", f"title:{w}") for i, w in enumerate(rng.sample(title_words, 20))]
    distinct = sorted(p for p in set(places) if places.count(p) >= 2)  # real datelines recur
    for i, place in enumerate(rng.sample(distinct, min(20, len(distinct)))):
        queries.append((f"dateline{i + 1}", f'dateline:"{place}"' if " " in place else f"dateline:{place}"))

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "newsdex.tsv"), "w", encoding="utf-8") as f:
        f.writelines(f"{qid}\t{text}\n" for qid, text in queries)
    fts5 = []
    with open(os.path.join(out, "words.tsv"), "w", encoding="utf-8") as f:
        for qid, text in queries:
            text = re.sub(r"\b(title|dateline):", "", text)
            words = re.findall(r"[^\W_]+", text.lower())
            f.write(f"{qid}\t{' '.join(words)}\n")
            fts5.append(f"{qid}\t{' OR '.join(chr(34) + w + chr(34) for w in words)}\n")
    with open(os.path.join(out, "fts5.tsv"), "w", encoding="utf-8") as f:
        f.writelines(fts5)
    with open(os.path.join(out, "phrases.txt"), "w", encoding="utf-8") as f:
        f.writelines(p + "\n" for p in phrases[:20])
    print(f"{len(queries)} queries, {len(phrases[:20])} rg phrases", file=sys.stderr)


if __name__ == "__main__":
    main()
