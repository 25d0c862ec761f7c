#!/usr/bin/env python3
"""loo.py [options] NAME=COLLECTION_DIR ...: chooses newsdex's ranking constants by
leave-one-collection-out, and prints the tables that say how well they generalise.

Peers: for each collection NAME, the runs of ../shared/bench/relevance.sh in
$BENCH_WORK/relevance/NAME/*.trec (every peer but the project and the -nostem variants) are
scored with ../shared/bench/eval.py; the best peer per metric is the bar.

Search: constants are tuned by coordinate ascent (ROUNDS passes over PARAMS, each constant
set to the candidate value that scores best with the others held), scoring a setting by the
mean over collections of its nDCG@10 and MAP ratios to the best peer, minus the mean
shortfall below 1 (a loss counts twice). It runs once on every collection (the all-in
setting, which becomes the default) and once per collection with that collection held out:
the held-out collection's figure at its fold's setting is its leave-one-out figure.
Every `newsdex eval` is cached in --cache (keyed by setting and collection), for one build:
a cache written by another binary (its SHA-256) is set aside, since its figures are that
build's.

Prints, in markdown: the all-in setting; per collection the all-in and leave-one-out
nDCG@10 / MAP against the best peer; the fold settings; and the ablation of each rerank
signal (--without) at the all-in setting.

Options: --bin NEWSDEX (default target/release/newsdex), --shared DIR (default ../shared),
--cache FILE (default $BENCH_WORK/loo-cache.json), --rounds N (default 2), --jobs N
(default 2), --start NAME=VALUE,... (the setting ascent starts from; default the build's),
--params NAME,... (tune only these constants; a cheaper fold), --all-in NAME=VALUE,... (the
all-in setting, already chosen by an earlier run: it is reported, not searched again).
"""
import argparse
import concurrent.futures
import glob
import hashlib
import json
import os
import subprocess
import sys

PARAMS = [
    ("article_weight", [0, 0.5, 1, 1.5, 2, 3]),
    ("article_k1", [0.9, 1.2, 1.6, 2.0]),
    ("article_b", [0.3, 0.5, 0.75, 0.9]),
    ("other_passages", [0, 0.05, 0.1, 0.2]),
    ("title_weight", [2, 3, 5, 8]),
    ("k1", [0.9, 1.2, 1.5]),
    ("b", [0.5, 0.75, 0.9]),
    ("proximity", [0, 0.15, 0.3, 0.45, 0.6]),
    ("exact_title", [0, 0.15, 0.3, 0.45, 0.6, 0.9]),
    ("feedback_original", [0.4, 0.5, 0.6, 0.7, 0.8, 1.0]),
    ("feedback_terms", [10, 20, 30]),
    ("feedback_docs", [5, 10, 20]),
]
SIGNALS = ["bm25f", "proximity", "exact-title", "feedback", "article"]
METRICS = ["ndcg_at_10", "map"]


def key_of(setting):
    return ",".join(f"{k}={v}" for k, v in sorted(setting.items()))


class Evaluator:
    def __init__(self, args, collections):
        self.bin, self.collections, self.jobs = args.bin, collections, args.jobs
        self.cache_path = args.cache
        with open(self.bin, "rb") as f:
            self.binary = hashlib.sha256(f.read()).hexdigest()
        self.cache = {}
        if os.path.exists(self.cache_path):
            with open(self.cache_path) as f:
                saved = json.load(f)
            if saved.get("binary") == self.binary:
                self.cache = saved["runs"]
            else:
                print(f"loo.py: {self.cache_path} holds another build's runs; starting afresh",
                      file=sys.stderr)

    def run(self, setting, name, without=None):
        key = f"{key_of(setting)}|{name}|{without or ''}"
        if key in self.cache:
            return self.cache[key]
        argv = [self.bin, "eval", self.collections[name], "--json"]
        for k, v in sorted(setting.items()):
            argv += ["--set", f"{k}={v}"]
        if without:
            argv += ["--without", without]
        run = subprocess.run(argv, capture_output=True, text=True)
        if run.returncode != 0:
            # Builds before af7d63c rewrote the marker on every run, and two side by side
            # could race on it: once more, alone.
            run = subprocess.run(argv, capture_output=True, text=True, check=True)
        metrics = json.loads(run.stdout)
        self.cache[key] = [metrics[m] for m in METRICS]
        return self.cache[key]

    def many(self, jobs):
        """Runs (setting, name, without) jobs, two processes at a time; saves the cache."""
        todo = [j for j in jobs if f"{key_of(j[0])}|{j[1]}|{j[2] or ''}" not in self.cache]
        with concurrent.futures.ThreadPoolExecutor(self.jobs) as pool:
            list(pool.map(lambda j: self.run(*j), todo))
        if todo:
            with open(self.cache_path + ".tmp", "w") as f:
                json.dump({"binary": self.binary, "runs": self.cache}, f)
            os.replace(self.cache_path + ".tmp", self.cache_path)
        return [self.run(*j) for j in jobs]


def best_peers(shared, work, names):
    best = {}
    for name in names:
        folder = os.path.join(work, "relevance", name)
        qrels = os.path.join(collections_arg[name], "qrels.txt")
        for run in sorted(glob.glob(os.path.join(folder, "*.trec"))):
            peer = os.path.basename(run)[:-5]
            if peer == "project" or peer.endswith("-nostem"):
                continue
            out = subprocess.run([sys.executable, os.path.join(shared, "bench", "eval.py"), qrels, run],
                                 capture_output=True, text=True, check=True).stdout
            values = {line.split("\t")[0]: float(line.split("\t")[2]) for line in out.splitlines()}
            for metric, measure in (("ndcg_at_10", "ndcg_cut_10"), ("map", "map")):
                if values[measure] > best.get((name, metric), (0, ""))[0]:
                    best[(name, metric)] = (values[measure], peer)
        if (name, "map") not in best:
            sys.exit(f"loo.py: no peer runs in {folder}; run ../shared/bench/relevance.sh first")
    return best


def ratios(values, name, best):
    return [v / best[(name, m)][0] for v, m in zip(values, METRICS)]


def objective(evaluator, setting, names, best):
    cells = []
    for name, values in zip(names, evaluator.many([(setting, n, None) for n in names])):
        cells += ratios(values, name, best)
    mean = sum(cells) / len(cells)
    shortfall = sum(max(0.0, 1 - c) for c in cells) / len(cells)
    return mean - shortfall


def ascend(evaluator, start, names, best, rounds, label, params):
    setting = dict(start)
    score = objective(evaluator, setting, names, best)
    for round_ in range(rounds):
        changed = False
        for param, values in params:
            candidates = [dict(setting, **{param: v}) for v in values]
            # Warm the cache for every candidate at once (both cores busy).
            evaluator.many([(c, n, None) for c in candidates for n in names])
            for candidate in candidates:
                s = objective(evaluator, candidate, names, best)
                if s > score + 1e-9:
                    setting, score, changed = candidate, s, True
        print(f"loo.py: {label}: round {round_ + 1}: {key_of(setting)} -> {score:.4f}", file=sys.stderr)
        if not changed:
            break
    return setting


def parse_setting(text):
    """`name=value,...` as a setting, numbers as the grids write them."""
    pairs = dict(kv.split("=", 1) for kv in text.split(",") if kv)
    return {k: (float(v) if "." in v else int(v)) for k, v in pairs.items()}


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("--bin", default="target/release/newsdex")
    parser.add_argument("--shared", default="../shared")
    work = os.environ.get("BENCH_WORK", os.path.join(os.environ.get("TMPDIR", "/tmp"), "newsdex-bench"))
    parser.add_argument("--cache", default=os.path.join(work, "loo-cache.json"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--start", default="")
    parser.add_argument("--params", default="")
    parser.add_argument("--all-in", default="")
    parser.add_argument("collections", nargs="+")
    args = parser.parse_args()
    global collections_arg
    collections_arg = dict(c.split("=", 1) for c in args.collections)
    names = list(collections_arg)
    best = best_peers(args.shared, work, names)
    evaluator = Evaluator(args, collections_arg)
    # Build (or check) each collection's index once, before any runs side by side: two
    # first runs of one collection at once would both try to build it.
    for name in names:
        subprocess.run([args.bin, "eval", collections_arg[name], "--json"], capture_output=True, check=True)
    start = parse_setting(args.start)
    wanted = [p for p in args.params.split(",") if p]
    unknown = set(wanted) - {name for name, _ in PARAMS}
    if unknown:
        parser.error(f"--params: no constant named {', '.join(sorted(unknown))}")
    params = [(name, values) for name, values in PARAMS if not wanted or name in wanted]

    if args.all_in:
        all_in = parse_setting(args.all_in)
    else:
        all_in = ascend(evaluator, start, names, best, args.rounds, "all-in", params)
    folds = {n: ascend(evaluator, start, [m for m in names if m != n], best, args.rounds, f"without {n}", params)
             for n in names}

    print(f"All-in setting: `{key_of(all_in) or '(the defaults)'}`\n")
    print("| collection | metric | best peer | all-in | ÷ peer | leave-one-out | ÷ peer |")
    print("|---|---|---|---|---|---|---|")
    all_cells, loo_cells = [], []
    for name in names:
        a = evaluator.run(all_in, name)
        l = evaluator.run(folds[name], name)
        for i, metric in enumerate(METRICS):
            value, peer = best[(name, metric)]
            all_cells.append(a[i] / value)
            loo_cells.append(l[i] / value)
            print(f"| {name} | {'nDCG@10' if i == 0 else 'MAP'} | {peer} {value:.4f} | {a[i]:.4f} | "
                  f"{a[i] / value:.3f} | {l[i]:.4f} | {l[i] / value:.3f} |")
    mean = lambda cells: sum(cells) / len(cells)
    print(f"\nMean ratio to the best peer: all-in **{mean(all_cells):.3f}** "
          f"(lowest cell {min(all_cells):.3f}), leave-one-out **{mean(loo_cells):.3f}** "
          f"(lowest cell {min(loo_cells):.3f}).\n")
    print("| held out | setting chosen on the others |")
    print("|---|---|")
    for name in names:
        print(f"| {name} | `{key_of(folds[name]) or '(defaults)'}` |")
    print("\nAblation at the all-in setting: nDCG@10 / MAP with one signal off, change against all on.\n")
    print("| collection | all on | " + " | ".join(f"without {s}" for s in SIGNALS) + " |")
    print("|---|---|" + "---|" * len(SIGNALS))
    for name in names:
        base = evaluator.run(all_in, name)
        row = [f"{base[0]:.4f} / {base[1]:.4f}"]
        for signal, values in zip(SIGNALS, evaluator.many([(all_in, name, s) for s in SIGNALS])):
            row.append(f"{values[0] - base[0]:+.4f} / {values[1] - base[1]:+.4f}")
        print(f"| {name} | " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
