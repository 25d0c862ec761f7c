#!/usr/bin/env python3
"""tantivy_input.py BENCH_LIB CORPUS INDEX_DIR NDJSON: what `tantivy index` needs, untimed.

Writes INDEX_DIR/meta.json with the schema of the shared tantivy peer (id stored; title and body
TEXT with positions, en_stem) and, unless NDJSON exists already, the corpus as JSON lines read the
peer's way (BENCH_LIB/common.py). run.sh then times `tantivy index -i INDEX_DIR < NDJSON` alone."""
import json
import os
import sys

lib, corpus, index, ndjson = sys.argv[1:5]
sys.path.insert(0, lib)
from common import articles  # noqa: E402

text = {"indexing": {"record": "position", "fieldnorms": True, "tokenizer": "en_stem"},
        "stored": False, "fast": False}
schema = [{"name": "id", "type": "text", "options": {"indexing": None, "stored": True, "fast": False}},
          {"name": "title", "type": "text", "options": text},
          {"name": "body", "type": "text", "options": text}]
meta = {"index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384},
        "segments": [], "schema": schema, "opstamp": 0}
os.makedirs(index, exist_ok=True)
with open(os.path.join(index, "meta.json"), "w") as f:
    json.dump(meta, f)
if not os.path.exists(ndjson):
    with open(ndjson + ".partial", "w", encoding="utf-8") as f:
        for docid, title, body in articles(corpus):
            f.write(json.dumps({"id": docid, "title": title, "body": body}) + "\n")
    os.replace(ndjson + ".partial", ndjson)
