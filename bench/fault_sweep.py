#!/usr/bin/env python3
"""fault_sweep.py: fail every write, sync and segment read of `newsdex index` runs, one point
at a time, and check after each what a user is promised.

    cargo build --release --example lexicon
    bench/fault_sweep.py [--bin target/release/newsdex] [--corpus DIR] [--articles 200]
                         [--work /tmp/newsdex-faults] [--kinds write,fdatasync,...] [--no-tmpfs]

Two runs are faulted, each from the same starting index every time:
  - first: `newsdex index` of a new index folder (marker, creation, segments, commit, lexicon);
  - update: an index built in seven runs (seven small segments) brought up to a changed
    corpus (articles added, changed, removed), which writes segments and deletes, commits,
    folds the lexicon and, with eight small segments and more, merges them after its commit.
Faults, made by strace (which counts calls per thread: `when=N` is every thread's N-th call):
  - ENOSPC on write from the N-th on (a disk that stays full), for every N a run reaches;
  - EIO on the N-th write (a failing sector), every N;
  - ENOSPC and EIO on the N-th fdatasync and fsync, every N;
  - EIO on the N-th pread64 (the writer's reads of segments: deletes, merges), every N past
    the dynamic loader's;
  - with root, a real full disk: the update run on a tmpfs of every size, 4 KB apart, from the
    starting index's size to what the run needs.
After each faulted run: exit 2 with one `newsdex: ` line that says what failed and what the
index holds (or exit 0, when the fault hit a call whose failure is harmless), the index's hits
those of the last commit (the one the line counts), `newsdex check` sound (or only lacking the
lexicon's staged words); then a run without faults exits 0 with the hits of a fresh build, the
lexicon of an update without faults (its words and counts, as examples/lexicon.rs prints
them: the opstamp it records depends on how tantivy's threads shared the work), no file that
nothing accounts for, and `check` sound.
Prints a table: fault x runs x outcome. Exit status 0 when every run kept its promise.
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys

QUERIES = ["oil", "wheat prices", "bank", '"crude oil"', "title:trade", "dateline:tokyo",
           "said", "dollar OR yen"]

ROOT_FILES = {"newsdex.json", "meta.json", ".managed.json", ".tantivy-meta.lock",
              ".tantivy-writer.lock", "lexicon.fst", "newsdex.seals"}


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)


class Sweep:
    def __init__(self, opts):
        self.bin = os.path.realpath(opts.bin)
        self.lexicon_tool = os.path.join(os.path.dirname(self.bin), "examples", "lexicon")
        if not os.path.exists(self.lexicon_tool):
            sys.exit(f"{self.lexicon_tool} is missing: cargo build --release --example lexicon")
        self.work = opts.work
        self.opts = opts
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        self.results = collections.defaultdict(collections.Counter)
        self.failures = []

    def path(self, *parts):
        return os.path.join(self.work, *parts)

    def newsdex(self, *args, cwd=None):
        return run([self.bin, "--color", "never", *args], cwd=cwd or self.work)

    def index(self, corpus, index):
        out = self.newsdex("index", corpus, "--index", index)
        if out.returncode != 0:
            sys.exit(f"indexing {corpus} into {index} failed: {out.stderr}")

    def snapshot(self, index):
        hits = {}
        for query in QUERIES:
            # Every passage on its own: which copy of a story is the row, and which passages of
            # an article a page shows, depend on the segments' layout, not on what they hold.
            out = self.newsdex("search", "--index", index, "--json", "--limit", "100000",
                               "--all", "--per-article", "0", query)
            if out.returncode not in (0, 1):
                return f"search {query!r} exit {out.returncode}: {out.stderr.strip()}"
            hits[query] = sorted((h["path"], h["paragraph"]) for h in map(json.loads, out.stdout.splitlines()))
        return hits

    def lexicon(self, index):
        return run([self.lexicon_tool, self.path(index)]).stdout

    def articles(self, index):
        out = self.newsdex("check", "--index", index)
        match = re.search(r"([\d,]+) articles in", out.stdout)
        return int(match.group(1).replace(",", "")) if match else None

    def prepare(self):
        source = self.opts.corpus
        names = sorted(os.listdir(source))[: self.opts.articles]
        first, later = names[: len(names) * 3 // 4], names[len(names) * 3 // 4:]
        # Version 1: the first three quarters, indexed in seven runs: each writes two small
        # segments, merged by size level at eight, so the base holds seven and the update's
        # two more make it merge.
        os.makedirs(self.path("c"))
        chunks = [first[i::7] for i in range(7)]
        for chunk in chunks:
            for name in chunk:
                shutil.copy(os.path.join(source, name), self.path("c", name))
            self.index("c", "base")
        self.before = self.snapshot("base")
        self.before_articles = self.articles("base")
        # Version 2: the last quarter added, a tenth changed, a twentieth removed.
        for name in later:
            shutil.copy(os.path.join(source, name), self.path("c", name))
        for name in first[: len(first) // 10]:
            with open(self.path("c", name), "a", encoding="utf-8") as f:
                f.write("\n\nA paragraph added by the fault sweep about crude oil prices.\n")
        for name in first[-len(first) // 20:]:
            os.remove(self.path("c", name))
        self.index("c", "fresh")
        self.after = self.snapshot("fresh")
        self.after_articles = self.articles("fresh")
        shutil.copytree(self.path("base"), self.path("clean"))
        self.index("c", "clean")
        if self.snapshot("clean") != self.after:
            sys.exit("an update without faults differs from a fresh build")
        self.clean_lexicon = self.lexicon("clean")
        self.fresh_lexicon = self.lexicon("fresh")
        segments = lambda index: len(json.load(open(self.path(index, "meta.json")))["segments"])
        merged = segments("clean") < segments("base") + 2
        print(f"corpus: {len(first)} articles, then {self.after_articles} "
              f"({len(later)} added, {len(first) // 10} changed, {len(first) // 20} removed); "
              f"base index {segments('base')} segments, after the update {segments('clean')} "
              f"({'merged' if merged else 'not merged'})", flush=True)

    def counts(self, scenario, syscall):
        """Per thread, the calls of `syscall` an unfaulted run makes: the most of any thread,
        and how many of the main thread's first calls are not the index's (the loader's)."""
        index = self.fresh_start(scenario, "count")
        trace = self.path("trace.txt")
        run(["strace", "-f", "--quiet=all", "-y", "-o", trace, "-e", f"trace={syscall}",
             self.bin, "--color", "never", "index", "c", "--index", index], cwd=self.work)
        per_thread = collections.defaultdict(list)
        main = None
        for line in open(trace, encoding="utf-8", errors="replace"):
            match = re.match(r"(\d+)\s+" + syscall + r"\((\d+)<([^>]*)>", line)
            if not match:
                continue
            pid = int(match.group(1))
            main = pid if main is None else main
            per_thread[pid].append(match.group(3))
        shutil.rmtree(self.path(index), ignore_errors=True)
        if not per_thread:
            return 0, 0, {}
        skip = 0
        for target in per_thread[main]:
            if f"/{index}" in target:
                break
            skip += 1
        # What the N-th call of each thread touches, for the table.
        touched = collections.defaultdict(set)
        for calls in per_thread.values():
            for n, target in enumerate(calls, 1):
                touched[n].add(kind_of_file(target))
        return max(len(c) for c in per_thread.values()), skip, touched

    def fresh_start(self, scenario, name):
        """A folder to run `scenario` in: the starting index of an update, or nothing."""
        index = f"{scenario}-{name}"
        shutil.rmtree(self.path(index), ignore_errors=True)
        if scenario == "update":
            shutil.copytree(self.path("base"), self.path(index))
        return index

    def expect(self, scenario, articles):
        """The hits an index that still holds `articles` must give."""
        if scenario == "update" and articles == self.before_articles:
            return self.before
        if articles == self.after_articles:
            return self.after
        return None

    def judge(self, scenario, index, out, fault):
        """The outcome of one faulted run, checked; a failure is kept with what went wrong."""
        lines = [line for line in out.stderr.splitlines() if line]
        problems = []
        if out.returncode == 0:
            outcome = "completed (fault harmless)"
            if self.snapshot(index) != self.after:
                problems.append("exit 0 but not the corpus's hits")
        elif out.returncode == 2:
            if len(lines) != 1 or not lines[0].startswith("newsdex: "):
                if not lines and re.search(r"write\(2,", fault.get("injected", "")):
                    outcome = "exit 2, message lost (the fault hit stderr's write)"
                else:
                    problems.append(f"not one line: {lines!r}")
                    outcome = "exit 2, bad message"
            else:
                outcome = "exit 2, one line"
            line = lines[0] if lines else ""
            match = re.search(r"the last commit \((no|[\d,]+) articles?\)", line)
            holds = None
            if match:
                holds = 0 if match.group(1) == "no" else int(match.group(1).replace(",", ""))
            elif "holds no commit yet" in line:
                holds = 0
            if lines and holds is None:
                problems.append(f"does not say what the index holds: {line}")
            if lines and not re.search(r"(free space|check the disk|newsdex check)", line):
                problems.append(f"says nothing to do: {line}")
            if holds is not None:
                committed = holds == self.after_articles and holds != self.before_articles
                outcome += ", the run's commit made" if committed else ", the last commit kept"
            if holds is not None and os.path.exists(self.path(index, "meta.json")):
                expected = self.expect(scenario, holds)
                got = self.snapshot(index)
                if holds and expected is None:
                    problems.append(f"holds {holds} articles: neither commit")
                elif holds and got != expected:
                    problems.append("hits are not the last commit's")
                elif not holds and isinstance(got, dict) and any(got.values()):
                    problems.append("says nothing is committed, but search finds hits")
            check = self.newsdex("check", "--index", index)
            if os.path.exists(self.path(index, "newsdex.json")) and check.returncode not in (0, 1):
                problems.append(f"check exit {check.returncode}: {check.stderr.strip()}")
            elif check.returncode == 1 and "lacks the words of the last commit" not in check.stdout:
                problems.append(f"check: {check.stdout.strip()}")
        else:
            outcome = f"exit {out.returncode}"
            problems.append(f"exit {out.returncode}: {out.stderr.strip()[:300]}")
        # The next run, without faults, completes to a fresh build's content.
        again = self.newsdex("index", "c", "--index", index)
        if again.returncode != 0:
            problems.append(f"next run exit {again.returncode}: {again.stderr.strip()[:300]}")
        elif self.snapshot(index) != self.after:
            problems.append("next run: not a fresh build's hits")
        else:
            lexicon = self.clean_lexicon if scenario == "update" else self.fresh_lexicon
            if self.lexicon(index) != lexicon:
                problems.append("next run: the lexicon differs from a run without faults")
            left = leftovers(self.path(index))
            if left:
                problems.append(f"next run: files left {left}")
            if self.newsdex("check", "--index", index).returncode != 0:
                problems.append("next run: check is not sound")
        return outcome, problems

    def strace_point(self, scenario, syscall, error, when, touched):
        index = self.fresh_start(scenario, "fault")
        trace = self.path("fault-trace.txt")
        out = run(["strace", "-f", "--quiet=all", "-o", trace, "-e", f"trace={syscall}",
                   "-e", f"inject={syscall}:error={error}:when={when}",
                   self.bin, "--color", "never", "index", "c", "--index", index], cwd=self.work)
        injected = "".join(line for line in open(trace, errors="replace") if "INJECTED" in line)
        outcome, problems = self.judge(scenario, index, out, {"injected": injected})
        n = int(when.rstrip("+"))
        where = ",".join(sorted(touched.get(n, {"-"})))
        self.record(f"{scenario}: {error} on {syscall} when={'N+' if when.endswith('+') else 'N'}",
                    outcome, problems, f"N={n} ({where})")
        shutil.rmtree(self.path(index), ignore_errors=True)

    def record(self, fault, outcome, problems, point):
        self.results[fault][outcome] += 1
        self.results[fault]["runs"] += 1
        if problems:
            self.results[fault]["PROBLEM"] += 1
            self.failures.append(f"{fault} {point}: {'; '.join(problems)}")
            print(f"  PROBLEM {fault} {point}: {'; '.join(problems)}", flush=True)

    def sweep_strace(self):
        kinds = self.opts.kinds.split(",")
        plans = [("write", "ENOSPC", True), ("write", "EIO", False),
                 ("fdatasync", "ENOSPC", False), ("fdatasync", "EIO", False),
                 ("fsync", "ENOSPC", False), ("fsync", "EIO", False),
                 ("pread64", "EIO", False)]
        for scenario in ("first", "update"):
            for syscall, error, persistent in plans:
                if syscall not in kinds:
                    continue
                most, skip, touched = self.counts(scenario, syscall)
                if syscall != "pread64":
                    skip = 0
                print(f"{scenario}: {error} on {syscall}: points {skip + 1}..{most}", flush=True)
                for n in range(skip + 1, most + 1):
                    self.strace_point(scenario, syscall, error, f"{n}+" if persistent else str(n),
                                      touched)

    def sweep_tmpfs(self):
        if os.geteuid() != 0 or shutil.which("mount") is None:
            print("tmpfs sweep: needs root to mount; left out")
            return
        mount = self.path("small")
        os.makedirs(mount, exist_ok=True)
        start = du(self.path("base"))
        need = du(self.path("clean")) + 200 * 1024
        sizes = list(range(start + 4096, start + need + 4096, 4096))
        print(f"tmpfs: update run on {len(sizes)} sizes, {start // 1024}-{(start + need) // 1024} KB",
              flush=True)
        for size in sizes:
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", mount], check=True)
            try:
                shutil.copytree(self.path("base"), os.path.join(mount, "idx"))
                out = self.newsdex("index", self.path("c"), "--index", os.path.join(mount, "idx"))
                index = os.path.relpath(os.path.join(mount, "idx"), self.work)
                outcome, problems = self.judge_tmpfs(index, out)
                self.record("update: a real full disk (tmpfs)", outcome, problems, f"{size // 1024} KB")
            finally:
                subprocess.run(["umount", mount], check=True)

    def judge_tmpfs(self, index, out):
        # Same checks, but the next run needs room: it gets it by moving the index to the work
        # folder's disk, as a user freeing space would.
        full = self.path(index)
        roomy = self.path("tmpfs-next")
        shutil.rmtree(roomy, ignore_errors=True)
        lines = [line for line in out.stderr.splitlines() if line]
        problems = []
        if out.returncode == 0:
            outcome = "completed (the disk was big enough)"
        elif out.returncode == 2 and len(lines) == 1:
            outcome = "exit 2, one line"
            line = lines[0]
            if not line.startswith("newsdex: no space left on device writing "):
                problems.append(f"not the full-disk line: {line}")
            match = re.search(r"the last commit \(([\d,]+) articles?\)", line)
            if not match:
                problems.append(f"does not say what the index holds: {line}")
            else:
                holds = int(match.group(1).replace(",", ""))
                committed = holds == self.after_articles
                outcome += ", the run's commit made" if committed else ", the last commit kept"
                if self.snapshot(index) != self.expect("update", holds):
                    problems.append("hits are not the last commit's")
        else:
            outcome = f"exit {out.returncode}"
            problems.append(f"exit {out.returncode}: {lines!r}")
        shutil.copytree(full, roomy)
        again = self.newsdex("index", "c", "--index", roomy)
        if again.returncode != 0 or self.snapshot(roomy) != self.after:
            problems.append(f"next run: exit {again.returncode}, hits {'ok' if again.returncode else 'differ'}")
        elif self.lexicon(roomy) != self.clean_lexicon:
            problems.append("next run: the lexicon differs from a run without faults")
        elif leftovers(roomy):
            problems.append(f"next run: files left {leftovers(roomy)}")
        return outcome, problems

    def table(self):
        print()
        print("| fault | runs | outcomes | kept its promise |")
        print("|---|---|---|---|")
        for fault, counts in self.results.items():
            outcomes = ", ".join(f"{n} {o}" for o, n in sorted(counts.items())
                                 if o not in ("runs", "PROBLEM"))
            kept = counts["runs"] - counts["PROBLEM"]
            print(f"| {fault} | {counts['runs']} | {outcomes} | {kept} of {counts['runs']} |")
        print()
        print(f"{sum(c['runs'] for c in self.results.values())} faulted runs, "
              f"{len(self.failures)} broke a promise")


def kind_of_file(target):
    name = os.path.basename(target)
    if re.fullmatch(r"[0-9a-f]{32}\.\d+\.del", name):
        return "del"
    if re.fullmatch(r"[0-9a-f]{32}\.\w+", name):
        return name.split(".")[1]
    if name.startswith(".tmp"):
        return "tantivy-tmp"
    if target.startswith("/dev/") or "pipe:" in target or name in ("stderr", "stdout"):
        return "stderr"
    if name.startswith("lib") or target.startswith("/usr") or target.startswith("/lib"):
        return "loader"
    return name


def leftovers(index):
    meta = json.load(open(os.path.join(index, "meta.json")))
    live = set(ROOT_FILES)
    for segment in meta["segments"]:
        sid = segment["segment_id"].replace("-", "")
        live |= {f"{sid}.{ext}" for ext in ("idx", "pos", "term", "store", "fast", "fieldnorm")}
        if segment.get("deletes"):
            live.add(f"{sid}.{segment['deletes']['opstamp']}.del")
    return sorted(set(os.listdir(index)) - live)


def du(folder):
    """Bytes a folder's files take on a tmpfs: whole pages."""
    sizes = (os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder))
    return sum((size + 4095) // 4096 * 4096 for size in sizes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default="target/release/newsdex")
    parser.add_argument("--corpus", default="/work/shared/corpora/news/reuters21578/corpus")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--work", default="/tmp/newsdex-faults")
    parser.add_argument("--kinds", default="write,fdatasync,fsync,pread64")
    parser.add_argument("--no-tmpfs", action="store_true")
    opts = parser.parse_args()
    if shutil.which("strace") is None:
        sys.exit("fault_sweep.py needs strace")
    sweep = Sweep(opts)
    sweep.prepare()
    sweep.sweep_strace()
    if not opts.no_tmpfs:
        sweep.sweep_tmpfs()
    sweep.table()
    sys.exit(1 if sweep.failures else 0)


if __name__ == "__main__":
    main()
