#!/usr/bin/env python3
"""watch.py [--bin NEWSDEX] [--files N] [--seed DIR]: how long after a file is written into a
folder that `newsdex index --watch` keeps does `newsdex search` find it.

A temp folder gets a copy of SEED (default: this repository's corpus/), `index --watch` is
started on it, and then N files (default 20), each with a word of its own, are written one at
a time, half a second apart; after each, `search` is run in a loop until it finds that word.
The delay runs from the moment the file is closed to the end of the first search that finds
it, so it includes one search's time (printed as `search`: the figures' resolution). Prints
the median and the largest delay, the watcher's batches and the slowest one's time (its own
figure: a batch walks the whole folder), and checks that Ctrl-C (SIGINT) ends the watcher
with 0."""
import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def default_bin():
    for build in ("release", "debug"):
        path = os.path.join(REPO, "target", build, "newsdex")
        if os.path.exists(path):
            return path
    sys.exit("no target/*/newsdex: cargo build --release first")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=None)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--seed", default=os.path.join(REPO, "corpus"))
    args = parser.parse_args()
    newsdex = args.bin or default_bin()
    root = tempfile.mkdtemp(prefix="newsdex-watch-")
    try:
        run(newsdex, root, args)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run(newsdex, root, args):
    wire, index, log = (os.path.join(root, name) for name in ("wire", "idx", "watch.log"))
    shutil.copytree(args.seed, wire)
    env = {"PATH": os.environ.get("PATH", "")}
    with open(log, "w") as log_file:
        watcher = subprocess.Popen(
            [newsdex, "index", wire, "--index", index, "--watch"],
            stdout=subprocess.DEVNULL, stderr=log_file, env=env)
    try:
        wait_for_log(log, "watching")
        delays, searches = [], []
        for n in range(args.files):
            word = f"zqxwatch{n}marker"
            path = os.path.join(wire, f"watch-{n}.txt")
            with open(path, "w") as f:
                f.write(f"Watch bench story {n}\n\nGENEVA (Reuters) - The {word} arrived.\n")
            written = time.perf_counter()
            while True:
                start = time.perf_counter()
                found = subprocess.run(
                    [newsdex, "search", "--index", index, "--color", "never", word],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env).returncode
                searches.append(time.perf_counter() - start)
                if found == 0:
                    break
                if time.perf_counter() - written > 30:
                    sys.exit(f"{word} not found after 30 s; log:\n" + open(log).read())
            delays.append(time.perf_counter() - written)
            time.sleep(0.5)
    finally:
        watcher.send_signal(signal.SIGINT)
        status = watcher.wait(timeout=60)
    ms = sorted(d * 1000 for d in delays)
    print(f"files {len(ms)}  write->found median {statistics.median(ms):.0f} ms  "
          f"max {ms[-1]:.0f} ms  min {ms[0]:.0f} ms  "
          f"(search {statistics.median(searches) * 1000:.0f} ms median)  "
          f"SIGINT exit {status}  bin {os.path.relpath(newsdex, REPO)}")
    batches = [float(seconds) for seconds in
               re.findall(r"^indexed .* in ([0-9.]+) s", open(log).read(), re.M)][1:]
    if batches:
        print(f"batches {len(batches)}  slowest {max(batches) * 1000:.0f} ms  "
              f"median {statistics.median(batches) * 1000:.0f} ms  "
              f"(seed: {sum(1 for _ in walk_files(wire)) - len(ms)} files)")
    if status != 0:
        sys.exit("the watcher did not exit 0 on SIGINT; log:\n" + open(log).read())


def walk_files(root):
    for folder, _, names in os.walk(root):
        for name in names:
            yield os.path.join(folder, name)


def wait_for_log(log, words, patience=60):
    started = time.time()
    while words not in open(log).read():
        if time.time() - started > patience:
            sys.exit(f"no `{words}` in the log after {patience} s:\n" + open(log).read())
        time.sleep(0.05)


if __name__ == "__main__":
    main()
