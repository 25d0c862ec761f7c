#!/bin/bash
# eval_speed.sh SHARED COLLECTION_DIR...: for each collection, the peers' query time from
# SHARED/bench/relevance.sh (all queries, top 1000, one search call) beside `newsdex eval`'s
# (the same queries, top 1000, scores and paths; its index built first and not timed), in one
# run. Prints a markdown table: collection, newsdex eval s, each peer's queries s, the ratio to
# the fastest peer. NEWSDEX (default target/release/newsdex) is the binary.
set -u
[ $# -ge 2 ] || { echo "usage: eval_speed.sh SHARED COLLECTION_DIR..." >&2; exit 2; }
shared=$1; shift
bin=$(realpath "${NEWSDEX:-target/release/newsdex}")
peers="tantivy lucene xapian sqlite-fts5"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
echo "| collection | queries | newsdex eval s | ${peers// / s | } s | ÷ fastest peer |"
echo "|---|---|---|---|---|---|---|---|"
for coll in "$@"; do
  name=$(basename "$coll")
  table=$(PEERS="$peers" PROJECT_BIN="$bin" "$shared/bench/relevance.sh" "$coll")
  "$bin" eval "$coll" --index "$work/$name.idx" > /dev/null 2>&1   # builds the index
  start=$(date +%s.%N)
  "$bin" eval "$coll" --index "$work/$name.idx" > /dev/null 2>&1 || { echo "| $name | newsdex eval failed |"; continue; }
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  row="| $name | $(grep -c . "$coll/queries.tsv") | $secs |"
  fastest=
  for p in $peers; do
    s=$(awk -F'|' -v p=" $p " '$2 == p { gsub(/ /, "", $8); print $8 }' <<< "$table")
    row+=" ${s:--} |"
    [ -n "$s" ] && { [ -z "$fastest" ] || awk -v a="$s" -v b="$fastest" 'BEGIN { exit !(a < b) }'; } && fastest=$s
  done
  echo "$row $(awk -v a="$secs" -v b="$fastest" 'BEGIN { printf "%.2f", a / b }') |"
done
