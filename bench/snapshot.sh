#!/bin/bash
# bench/snapshot.sh NEWSDEX_BIN SHARED_DIR OUT_DIR [INDEX_DIR]: what a user sees, recorded so that
# a change that must not move results can be checked byte for byte (bench/compare.py BEFORE AFTER).
#
# OUT_DIR gets:
#  - passages.jsonl, articles.jsonl: for each query of the bench's 220-query mix
#    (bench/queries.py over Reuters-21578), a `# qid<TAB>query<TAB>exit status` line and then
#    `newsdex search --json --limit 30` (passages; then with --articles);
#  - eval.jsonl: `newsdex eval --json` on each shared collection (`COLLECTIONS`, default the
#    seven under SHARED_DIR/corpora/collections), one `name<TAB>json` line each, and
#    eval-NAME.trec, the TREC run behind it (every query's 1000 best articles, with scores);
#  - queries.tsv: the mix itself.
# INDEX_DIR (default $BENCH_WORK/snapshot/reuters.idx) is built from Reuters-21578 when it does
# not exist and reused as it is when it does: compare two builds on the same index (a rebuild
# spreads passages over segments differently, which moves scores in the last bits).
# eval keeps its own index of each collection (rebuilt when the binary's format changes).
set -eu
export LC_ALL=C
[ $# -ge 3 ] || { echo "usage: bench/snapshot.sh NEWSDEX_BIN SHARED_DIR OUT_DIR [INDEX_DIR]" >&2; exit 2; }
BIN=$(realpath "$1")
SHARED=$(cd "$2" && pwd)
OUT=$(mkdir -p "$3" && cd "$3" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${BENCH_WORK:-/tmp/newsdex-bench}/snapshot
INDEX=${4:-$WORK/reuters.idx}
COLLECTIONS=${COLLECTIONS:-time cran med cacm cf scifact nfcorpus}
mkdir -p "$OUT" "$WORK"
# Paths in the output are shown relative to the current folder when the corpus is below it:
# run from / so that they are always absolute.
cd /

if [ ! -d "$INDEX" ]; then
  echo "snapshot.sh: building $INDEX from Reuters-21578" >&2
  "$BIN" index "$SHARED/corpora/news/reuters21578/corpus" --index "$INDEX" 2> /dev/null || [ $? -eq 1 ]
fi
python3 "$HERE/queries.py" "$SHARED/corpora/news/reuters21578/corpus" \
  "$SHARED/bench/queries/news.tsv" "$WORK/mix" 2> /dev/null
cp "$WORK/mix/newsdex.tsv" "$OUT/queries.tsv"

for mode in passages articles; do
  flag=; [ $mode = articles ] && flag=--articles
  : > "$OUT/$mode.jsonl"
  while IFS=$'\t' read -r qid query; do
    status=0
    result=$("$BIN" search --index "$INDEX" --json --limit 30 $flag -- "$query" 2> /dev/null) || status=$?
    printf '# %s\t%s\t%s\n' "$qid" "$query" "$status" >> "$OUT/$mode.jsonl"
    [ -z "$result" ] || printf '%s\n' "$result" >> "$OUT/$mode.jsonl"
  done < "$OUT/queries.tsv"
done

: > "$OUT/eval.jsonl"
for name in $COLLECTIONS; do
  json=$("$BIN" eval "$SHARED/corpora/collections/$name" --json --run "$OUT/eval-$name.trec" 2> /dev/null)
  printf '%s\t%s\n' "$name" "$json" >> "$OUT/eval.jsonl"
done
echo "snapshot.sh: $(grep -c '^# ' "$OUT/passages.jsonl") queries, $(wc -l < "$OUT/eval.jsonl") collections in $OUT" >&2
