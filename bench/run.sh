#!/bin/bash
# bench/run.sh SHARED_DIR [SIZES...]: newsdex against tantivy-cli, SQLite FTS5, Xapian (quest) and
# Lucene on generated news corpora of SIZES MB (default: 100 300 1000). Prints one markdown table
# per size on stdout (progress on stderr). Run it from anywhere; SHARED_DIR is the shared folder
# (../shared beside the checkout).
#
# Per size:
#  - corpus: `generate.py OUT --articles N`, cached in $BENCH_WORK/corpora/SIZE and reused;
#  - indexing: whole processes under /usr/bin/time -v (wall time, peak RSS), index size ÷ text
#    size, text MB/s, each engine reading its input from the page cache (the corpus is read
#    once, untimed, before newsdex's build). tantivy-cli indexes an NDJSON file (written once, untimed): only
#    `tantivy index` is timed. The other peers run their shared `peers/*/index` script;
#  - re-indexing (newsdex only), on a hard-link copy of the corpus: no change, then 1% of the
#    files changed (a sentence appended, file replaced), then another 1% deleted (bench/mutate.py);
#  - search latency: one new process per query over a fixed mix of 220 queries (bench/queries.py),
#    p50 and p95. `newsdex search` gets each query as typed; sqlite3 and quest get its words,
#    with the argv that the peers' `oneshot` scripts build. The oneshot scripts themselves
#    (bash + tr per query; newsdex behind the equivalent bench/oneshot-newsdex) are timed too
#    and printed as a note, with the wrapper's own cost (floor);
#  - the same searches once more, newsdex, sqlite3, quest and tantivy alone (bench/tantivy-top10
#    on tantivy-cli's index: its top 10 over articles) taking turns query by query
#    (bench/interleaved.py), printed as notes, overall and by query class (p50/p95): one after
#    the other, each engine keeps its own index hot in the CPU caches and meets the machine at
#    its own moment;
#  - served: `newsdex serve` on the same index, one keep-alive client sending the mix's
#    queries for 10 s (bench/serve_load.py), p50 and p99;
#  - phrases: median of `rg -l -i -F "two words" CORPUS` against
#    `newsdex search '"two words"'` over 20 two-word phrases from article bodies.
#
# Env: BENCH_WORK (default /tmp/newsdex-bench: corpora, indexes, logs under run/SIZE/);
# PEER_TIMEOUT (default 3600: seconds a peer may take to index before it is stopped and said
# not to have finished);
# PEERS (default "tantivy sqlite-fts5 xapian lucene"); NEWSDEX_BIN (a newsdex binary to measure
# instead of building this checkout with `cargo build --release`); KEEP_INDEXES=1 (keep the
# peers' indexes in $BENCH_WORK/run/SIZE/, e.g. for bench/interleaved.py; by default they go);
# PEERS_ONLY=1 (keep run/SIZE/ from an earlier run, its newsdex index, copy and results, and
# measure only the peers, then the turns and served runs with that index: a 10 GB newsdex
# build takes a quarter of an hour and need not be repeated to add its peers).
# Disk: the 1 GB corpus takes 1.7 GB, its NDJSON 1 GB, and the indexes about as much as the
# corpus again (Xapian's 4-5x). Numbers from a shared machine move with its load: the last
# column is the 1-minute load when each index run started.
set -u
export LC_ALL=C
usage() { echo "usage: bench/run.sh SHARED_DIR [SIZES...]   (sizes in MB; default 100 300 1000)" >&2; exit 2; }
[ $# -ge 1 ] && [ -f "$1/corpora/generate.py" ] || usage
SHARED_DIR=$(cd "$1" && pwd)
shift
SIZES=${*:-100 300 1000}
for size in $SIZES; do [[ $size =~ ^[0-9]+$ ]] || usage; done
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
export PATH=$HOME/.cargo/bin:$PATH
export BENCH_WORK=${BENCH_WORK:-/tmp/newsdex-bench}
export SHARED_DIR
PEERS=${PEERS:-tantivy sqlite-fts5 xapian lucene}
PEER_TIMEOUT=${PEER_TIMEOUT:-3600}
PEER_DIR=$SHARED_DIR/bench/peers
mkdir -p "$BENCH_WORK/corpora"

say() { echo "run.sh: $*" >&2; }
load() { cut -d' ' -f1 /proc/loadavg; }
rec() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$results"; }
ratio() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { printf f, a / b }'; }

# corpus_dir SIZE: prints the cached corpus of SIZE MB, generating it first when absent. The
# three standard sizes have exact article counts (GENERATE.md); others are estimated.
corpus_dir() {
  local n dir=$BENCH_WORK/corpora/$1
  case $1 in 100) n=31532 ;; 300) n=94714 ;; 1000) n=316157 ;; *) n=$(($1 * 316157 / 1000)) ;; esac
  if [ ! -d "$dir" ]; then
    say "generating $1 MB ($n articles) into $dir"
    rm -rf "$dir.partial"
    python3 "$SHARED_DIR/corpora/generate.py" "$dir.partial" --articles "$n" >&2 &&
      mv "$dir.partial" "$dir" || return 1
  fi
  echo "$dir"
}

# timed NAME CMD...: runs CMD under /usr/bin/time -v (stdin from $STDIN, default /dev/null;
# output to $work/NAME.log); sets WALL (s) and RSS (peak, MB) and returns CMD's exit status.
timed() {
  local name=$1 t0 rc
  shift
  t0=$(date +%s.%N)
  /usr/bin/time -v -o "$work/$name.time" "$@" < "${STDIN:-/dev/null}" > "$work/$name.log" 2>&1
  rc=$?
  WALL=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  RSS=$(awk -F': ' '/Maximum resident/ { printf "%.0f", $2 / 1024 }' "$work/$name.time")
  return $rc
}

# indexed ENGINE INDEX_DIR LOAD: records a finished index run (after timed).
indexed() {
  rec "$1" index_s "$WALL"
  rec "$1" mbps "$(ratio "$text_bytes" "$(awk -v w="$WALL" 'BEGIN { print w * 1e6 }')" %.1f)"
  rec "$1" rss_mb "$RSS"
  rec "$1" ratio "$(ratio "$(du -sb "$2" | cut -f1)" "$text_bytes" %.3f)"
  rec "$1" load "$3"
  say "$1: indexed in $WALL s, peak RSS $RSS MB"
}

# sqlite3's top-10 query, `{}` standing for the query's words.
FTS5_TOP10="SELECT docid, -bm25(docs) FROM docs WHERE docs MATCH '{}' ORDER BY bm25(docs) LIMIT 10"
# quest's options for the same: BM25, top 10, English stemming, words ORed.
QUEST_TOP10=(-m 10 -s english -o or -w bm25)

# latency ENGINE QUERIES CMD...: one process per query; records p50 and p95 (or the failure).
latency() {
  local engine=$1 queries=$2 p50 p95 failed
  shift 2
  # An index just built leaves hundreds of MB to write back; every engine is timed after it is
  # on disk, not while the kernel writes it.
  sync
  read -r p50 p95 failed < <(python3 "$HERE/latency.py" "$queries" "$work/$engine.lat" "$@" 2>> "$work/latency.log")
  rec "$engine" p50 "$p50"
  rec "$engine" p95 "$p95"
  [ "${failed:-0}" = 0 ] || rec "$engine" note "$engine: $failed queries failed (see $work/latency.log)"
  say "$engine: search p50 $p50 ms, p95 $p95 ms"
}

if [ -n "${NEWSDEX_BIN:-}" ]; then
  NEWSDEX_BIN=$(realpath "$NEWSDEX_BIN")
  built="binary $NEWSDEX_BIN"
else
  NEWSDEX_BIN=$ROOT/target/release/newsdex
  say "cargo build --release"
  (cd "$ROOT" && cargo build --release --quiet) || { say "cargo build --release failed"; exit 2; }
  built="$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "in $ROOT") built with $(rustc --version)"
fi
export NEWSDEX_BIN

# tantivy alone, as a search process over tantivy-cli's index (built once, untimed).
TOP10=$HERE/tantivy-top10/target/release/tantivy-top10
(cd "$HERE/tantivy-top10" && cargo build --release --quiet) || say "bench/tantivy-top10 did not build; its turns are left out"

echo "## newsdex bench: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load at start $(cut -d' ' -f1-3 /proc/loadavg)."
echo "newsdex $built;" \
  "peers: $(tantivy --version 2>/dev/null | head -1), SQLite $(sqlite3 --version | cut -d' ' -f1)," \
  "$(quest --version 2>/dev/null | head -1), $(rg --version | head -1)."
echo
echo '```'
free -g
echo '```'
echo

for size in $SIZES; do
  corpus=$(corpus_dir "$size") || { say "cannot generate the $size MB corpus"; continue; }
  work=$BENCH_WORK/run/$size
  results=$work/results.tsv
  if [ -n "${PEERS_ONLY:-}" ]; then
    [ -d "$work/newsdex.idx" ] && [ -d "$work/copy" ] || { say "PEERS_ONLY: no earlier newsdex run in $work"; continue; }
  else
    rm -rf "$work"
    mkdir -p "$work"
    : > "$results"
  fi
  files=$(find "$corpus" -name '*.txt' | wc -l)
  text_bytes=$(find "$corpus" -name '*.txt' -printf '%s\n' | awk '{ s += $1 } END { print s }')
  python3 "$HERE/queries.py" "$corpus" "$SHARED_DIR/bench/queries/news.tsv" "$work/queries" 2> /dev/null
  awk '{ printf "p%d\t%s\n", NR, $0 }' "$work/queries/phrases.txt" > "$work/queries/phrases.tsv"
  say "== $size MB: $files files in $corpus"

  idx=$work/newsdex.idx
  # newsdex: full build, re-index runs, search latency, phrases.
  [ -n "${PEERS_ONLY:-}" ] || {
    cp -al "$corpus" "$work/copy"
  # Every engine indexes a corpus in the page cache: tantivy-cli reads the NDJSON file just
  # written for it, and the other peers index after newsdex has read the corpus. newsdex,
  # first, read it cold (300 MB: 20.9 s cold, 15.9 s warm); now it is read once beforehand.
  find "$work/copy" -name '*.txt' -print0 | xargs -0 cat > /dev/null
  l=$(load)
  if timed newsdex-index "$NEWSDEX_BIN" index "$work/copy" --index "$idx" || [ $? -eq 1 ]; then
    indexed newsdex "$idx" "$l"
    timed newsdex-noop "$NEWSDEX_BIN" index "$work/copy" --index "$idx"
    rec newsdex noop_s "$WALL"
    latency newsdex "$work/queries/newsdex.tsv" "$NEWSDEX_BIN" --color never search --index "$idx" --limit 10 '{}'
    latency newsdex-oneshot "$work/queries/newsdex.tsv" "$HERE/oneshot-newsdex" "$idx"
    latency floor "$work/queries/words.tsv" "$HERE/oneshot-floor"
    latency newsdex-phrase "$work/queries/phrases.tsv" \
      "$NEWSDEX_BIN" --color never search --index "$idx" --limit 10 '"{}"'
    latency ripgrep "$work/queries/phrases.tsv" rg -l -i -F '{}' "$corpus"
    python3 "$HERE/mutate.py" change "$work/copy" 2> /dev/null
    timed newsdex-change "$NEWSDEX_BIN" index "$work/copy" --index "$idx"
    rec newsdex change_s "$WALL"
    python3 "$HERE/mutate.py" delete "$work/copy" 2> /dev/null
    timed newsdex-delete "$NEWSDEX_BIN" index "$work/copy" --index "$idx"
    rec newsdex delete_s "$WALL"
  else
    rec newsdex note "newsdex: index failed: $(tail -n 1 "$work/newsdex-index.log")"
  fi
  }

  # Peers: index, then search latency for those whose own CLI answers top-10 queries.
  for p in $PEERS; do
    engine=$p pidx=$work/$p.idx
    l=$(load)
    case $p in
      tantivy)
        engine=tantivy-cli
        ndjson=$BENCH_WORK/corpora/$size.ndjson
        say "tantivy: preparing $ndjson (untimed)"
        python3 "$HERE/tantivy_input.py" "$SHARED_DIR/bench/lib" "$corpus" "$pidx" "$ndjson"
        l=$(load)
        STDIN=$ndjson timed "$p-index" timeout "$PEER_TIMEOUT" tantivy index -i "$pidx"
        # From 10 GB up the NDJSON copy is as large as the corpus: the disk wants it back.
        [ "$size" -lt 10000 ] || rm -f "$ndjson"
        ;;
      *)
        [ -x "$PEER_DIR/$p/prepare" ] && "$PEER_DIR/$p/prepare" > "$work/$p-prepare.log" 2>&1
        timed "$p-index" timeout "$PEER_TIMEOUT" "$PEER_DIR/$p/index" "$corpus" "$pidx"
        ;;
    esac
    status=$?
    if [ $status -eq 124 ]; then
      rec "$engine" note "$engine: did not finish indexing within $PEER_TIMEOUT s (stopped; its partial index removed)"
      rm -rf "$pidx"
      continue
    elif [ $status -ne 0 ]; then
      rec "$engine" note "$engine: index failed: $(tail -n 1 "$work/$p-index.log")"
      continue
    fi
    indexed "$engine" "$pidx" "$l"
    # The table has the tools' own processes with the argv their oneshot scripts build; the
    # oneshot scripts themselves (stdin, bash, tr) go to a note.
    case $p in
      sqlite-fts5)
        latency "$engine" "$work/queries/fts5.tsv" sqlite3 -readonly "$pidx/fts.db" "$FTS5_TOP10"
        latency "$engine-oneshot" "$work/queries/words.tsv" "$PEER_DIR/$p/oneshot" "$pidx" ;;
      xapian)
        latency "$engine" "$work/queries/words.tsv" quest -d "$pidx" "${QUEST_TOP10[@]}" '{}'
        latency "$engine-oneshot" "$work/queries/words.tsv" "$PEER_DIR/$p/oneshot" "$pidx" ;;
    esac
    # The engines that answer searches keep their index for the turns below.
    case $p in
      sqlite-fts5 | xapian | tantivy) ;;
      *) [ -n "${KEEP_INDEXES:-}" ] || rm -rf "$pidx" ;;
    esac
  done

  # The same queries once more, the engines taking turns query by query. One after the
  # other, each engine keeps its own index hot in the CPU caches and meets the machine at its
  # own moment; taking turns gives them the same conditions. newsdex still has its corpus
  # (the copy, as the re-index runs left it), from which it reads its hits.
  turns=()
  [ -d "$idx" ] && turns+=(newsdex "$work/queries/newsdex.tsv" "$NEWSDEX_BIN" --color never search --index "$idx" --limit 10 '{}' ::)
  [ -d "$work/sqlite-fts5.idx" ] && turns+=(sqlite-fts5 "$work/queries/fts5.tsv" sqlite3 -readonly "$work/sqlite-fts5.idx/fts.db" "$FTS5_TOP10" ::)
  [ -d "$work/xapian.idx" ] && turns+=(xapian "$work/queries/words.tsv" quest -d "$work/xapian.idx" "${QUEST_TOP10[@]}" '{}' ::)
  [ -d "$work/tantivy.idx" ] && [ -x "$TOP10" ] && turns+=(tantivy-alone "$work/queries/words.tsv" "$TOP10" "$work/tantivy.idx" '{}' ::)
  if [ ${#turns[@]} -gt 0 ]; then
    sync
    line=$(python3 "$HERE/interleaved.py" "$work/turns" "${turns[@]:0:${#turns[@]}-1}" 2>> "$work/latency.log" |
      awk '{ printf "%s%s %s/%s", (NR > 1 ? ", " : ""), $1, $2, $3 }')
    rec turns note "taking turns query by query (bench/interleaved.py), p50/p95 ms: $line"
    for raw in "$work"/turns/*.lat; do
      python3 "$HERE/classes.py" "$(basename "$raw" .lat)" "$raw" |
        while read -r line; do rec turns note "p50/p95 ms by query class, taking turns, $line"; done
    done
  fi
  if [ -d "$idx" ]; then
    served=$(python3 "$HERE/serve_load.py" "$idx" "$work/queries/newsdex.tsv" --clients 1 --seconds 10 --rounds 1 --bin "$NEWSDEX_BIN" 2>> "$work/latency.log" |
      awk -F'|' '/served, keep-alive/ { gsub(/ /, "", $6); gsub(/ /, "", $7); print $6 "/" $7 }')
    rec served note "served (newsdex serve, one keep-alive client, the mix's queries for 10 s; bench/serve_load.py), p50/p99 ms: ${served:-failed}"
  fi
  [ -n "${PEERS_ONLY:-}" ] || rm -rf "$work/copy"
  [ -n "${KEEP_INDEXES:-}" ] || rm -rf "$work/sqlite-fts5.idx" "$work/xapian.idx" "$work/tantivy.idx"

  # The phrase columns sit in the newsdex and ripgrep rows; the oneshot runs become a note.
  awk -F'\t' -v OFS='\t' '
    $1 == "newsdex-phrase" && $2 == "p50" { print "newsdex", "phrase", $3 }
    $1 == "ripgrep" && $2 == "p50" { print "ripgrep", "phrase", $3 }
    $1 ~ /-oneshot$|^floor$/ && $2 ~ /^p/ { e = $1; sub(/-oneshot$/, "", e); via[e] = via[e] (via[e] ? "/" : "") $3; next }
    $1 !~ /^newsdex-phrase$|^ripgrep$|-oneshot$|^floor$/
    END {
      line = "through oneshot wrappers (the peers\047 scripts; newsdex behind bench/oneshot-newsdex), p50/p95 ms:"
      n = split("newsdex sqlite-fts5 xapian floor", order, " ")
      for (i = 1; i <= n; i++) if (order[i] in via) line = line " " order[i] " " via[order[i]] ","
      if (length(via)) print "oneshot", "note", substr(line, 1, length(line) - 1) " (floor: the wrapper alone)"
    }' "$results" > "$results.tmp" && mv "$results.tmp" "$results"
  np=$(awk -F'\t' '$1 == "newsdex" && $2 == "phrase" { print $3 }' "$results")
  rp=$(awk -F'\t' '$1 == "ripgrep" && $2 == "phrase" { print $3 }' "$results")
  [ -n "$np" ] && [ -n "$rp" ] && rec ripgrep note "phrases: rg -l -i -F median $rp ms, newsdex '\"...\"' median $np ms: newsdex $(ratio "$rp" "$np" %.0f)x faster (20 two-word phrases)"
  lats=()
  for e in newsdex sqlite-fts5 xapian; do [ -f "$work/$e.lat" ] && lats+=("$e" "$work/$e.lat"); done
  [ ${#lats[@]} -gt 0 ] && python3 "$HERE/classes.py" "${lats[@]}" | while read -r line; do rec classes note "p50/p95 ms by query class, one engine after another, $line"; done

  echo "### $size MB: $files articles, $(ratio "$text_bytes" 1e6 %.1f) MB of text"
  echo
  python3 "$HERE/table.py" "$results"
  echo
done
