#!/usr/bin/env python3
"""reuters_news.py SHARED_DIR OUT_DIR: a news test collection from Reuters-21578, queries in plain words.

Beside reuters_topics.py, with the same judgments: every article labelled with a topic is
relevant (grade 1) to that topic's query. The difference is the query: not the topic's code
(`money-fx` -> `money fx`) but words a searcher would type for that kind of story
(`dollar exchange rate currency markets`), listed in QUERIES below.

How the queries were written (2026-12-02), once, and never changed afterwards:
- one query per topic, for every topic with >= MIN_DOCS (20) labelled articles in
  metadata.jsonl (55 topics; all 55 have a query);
- written from what the topic code means, looking only at the topic list and the counts:
  no article text was read to pick words, and no search engine (newsdex or any other) was run
  before or while writing them;
- 2-6 lower-case plain words, no topic codes as queries, no operators, varied in style
  (noun phrases and a few question-like phrasings a news desk would type).
This is tuning data, not a held-out test: the qrels come from the same editors' labels the
project already looks at, so scores on it do not measure unseen-query performance.

Writes OUT_DIR/{corpus/,queries.tsv,qrels.txt}, the layout `newsdex eval` and
`../shared/bench/relevance.sh` read; the articles are copied (the walk follows no symlinks).
Query ids are numbered over the topics in sorted order, as in reuters_topics.py.
"""
import os
import re
import sys

from reuters_topics import MIN_DOCS, labelled_articles, write_collection


# topic code -> query text (written 2026-12-02, fixed since; see the docstring)
QUERIES = {
    "earn": "quarterly net profit results",
    "acq": "company takeover bid",
    "money-fx": "dollar exchange rate currency markets",
    "grain": "grain harvest and exports",
    "crude": "will opec cut oil output",
    "trade": "trade deficit and tariffs",
    "interest": "central bank cuts interest rates",
    "ship": "shipping and port strikes",
    "wheat": "wheat export sales",
    "corn": "corn crop outlook",
    "oilseed": "oilseed crop estimates",
    "sugar": "world sugar production",
    "dlr": "where is the dollar heading",
    "gnp": "gross national product growth",
    "coffee": "coffee export quotas",
    "veg-oil": "vegetable oil imports",
    "gold": "gold bullion price",
    "money-supply": "money supply figures",
    "nat-gas": "natural gas pipeline",
    "livestock": "cattle and livestock herds",
    "soybean": "soybean planting",
    "cpi": "is consumer price inflation rising",
    "bop": "balance of payments current account",
    "copper": "copper mine production",
    "carcass": "beef and pork meat trade",
    "reserves": "foreign currency reserves",
    "cocoa": "cocoa buffer stock",
    "jobs": "is unemployment rising",
    "rice": "rice exports",
    "iron-steel": "steel mill output",
    "cotton": "cotton crop",
    "alum": "aluminium smelter",
    "yen": "yen against the dollar",
    "ipi": "industrial production index",
    "gas": "gasoline prices",
    "meal-feed": "animal feed meal",
    "rubber": "natural rubber agreement",
    "barley": "barley sales",
    "zinc": "zinc producers price",
    "palm-oil": "malaysian palm oil",
    "pet-chem": "petrochemical plants",
    "silver": "silver price",
    "rapeseed": "rapeseed canola harvest",
    "lead": "lead smelter",
    "sorghum": "sorghum exports",
    "tin": "tin market producers",
    "strategic-metal": "strategic metals cobalt",
    "wpi": "wholesale prices",
    "fuel": "heavy fuel oil",
    "soy-meal": "soybean meal exports",
    "hog": "hog prices",
    "soy-oil": "soybean oil sales",
    "heat": "heating oil supplies",
    "orange": "orange juice imports",
    "retail": "retail sales figures",
}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source = os.path.join(sys.argv[1], "corpora", "news", "reuters21578")
    out = sys.argv[2]
    for topic, text in QUERIES.items():
        if not re.fullmatch(r"[a-z]+( [a-z]+){1,5}", text):
            sys.exit(f"query for {topic} is not 2-6 lower-case plain words: {text!r}")
    labelled = labelled_articles(source)
    few = sorted(t for t in QUERIES if len(labelled[t]) < MIN_DOCS)
    if few:
        sys.exit(f"topics with fewer than {MIN_DOCS} labelled articles: {' '.join(few)}")
    unqueried = sorted(t for t, ids in labelled.items() if len(ids) >= MIN_DOCS and t not in QUERIES)
    if unqueried:
        print(f"topics with >= {MIN_DOCS} articles but no query: {' '.join(unqueried)}", file=sys.stderr)
    topics = sorted(QUERIES)
    write_collection(source, out, [(QUERIES[t], labelled[t]) for t in topics])
    print(f"{len(topics)} queries written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
