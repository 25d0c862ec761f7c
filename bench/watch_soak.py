#!/usr/bin/env python3
"""watch_soak.py [--bin NEWSDEX] [--rate N] [--minutes M] [--sample K]: issue 30's soak of
`newsdex index --watch`: a steady RATE files a second (default 50) for M minutes (default 10)
written into a watched folder.

Reports the files lost (every written file must be searchable at the end: one `search --all
--articles --json` for the word they share, its paths compared with those written), the
write-to-searchable delay of every K-th file (default 50, one a second at 50/s: a thread
searches its own word until it is found, so each delay includes one search), p50 and p99, and
the watcher's RSS every 30 s. The writer keeps to its schedule by the clock, so a slow disk
shows as a late file, not a lower rate; how late the writer fell is printed too."""
import argparse
import json
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from watch import REPO, default_bin, wait_for_log

WORD = "zqxsoakshared"


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=None)
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--sample", type=int, default=50)
    args = parser.parse_args()
    newsdex = args.bin or default_bin()
    root = tempfile.mkdtemp(prefix="newsdex-soak-")
    try:
        run(newsdex, root, args)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run(newsdex, root, args):
    wire, index, log = (os.path.join(root, name) for name in ("wire", "idx", "watch.log"))
    os.makedirs(wire)
    env = {"PATH": os.environ.get("PATH", "")}
    with open(os.path.join(wire, "seed.txt"), "w") as f:
        f.write("Soak seed\n\nGENEVA (Reuters) - The soak begins.\n")
    with open(log, "w") as log_file:
        watcher = subprocess.Popen(
            [newsdex, "index", wire, "--index", index, "--watch"],
            stdout=subprocess.DEVNULL, stderr=log_file, env=env)
    samples, delays, rss = queue.Queue(), [], []
    total = int(args.rate * args.minutes * 60)
    started = time.perf_counter()

    def sampler():
        while (item := samples.get()) is not None:
            word, written = item
            while subprocess.run(
                    [newsdex, "search", "--index", index, "--color", "never", word],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    env=env).returncode != 0:
                if time.perf_counter() - written > 300:
                    break
            delays.append(time.perf_counter() - written)

    def memory():
        while watcher.poll() is None and not done.is_set():
            rss.append((time.perf_counter() - started, rss_kb(watcher.pid)))
            done.wait(30)

    done = threading.Event()
    try:
        wait_for_log(log, "watching")
        started = time.perf_counter()
        threads = [threading.Thread(target=sampler), threading.Thread(target=memory)]
        for thread in threads:
            thread.start()
        written, late = [], 0.0
        for n in range(total):
            due = started + n / args.rate
            now = time.perf_counter()
            if now < due:
                time.sleep(due - now)
            else:
                late = max(late, now - due)
            name = f"soak-{n:06}.txt"
            word = f"zqxsoak{n}marker"
            with open(os.path.join(wire, name), "w") as f:
                f.write(f"Soak story {n}\n\nGENEVA (Reuters) - The {word} and {WORD} arrived.\n")
            written.append(name)
            if n % args.sample == 0:
                samples.put((word, time.perf_counter()))
        samples.put(None)
        threads[0].join()
        # Every file written: wait until the watcher has them all (or 120 s pass).
        deadline, found = time.time() + 120, set()
        while time.time() < deadline:
            out = subprocess.run(
                [newsdex, "search", "--index", index, "--color", "never", "--json", "--all", "--limit", str(len(written) + 1),
                 "--articles", WORD],
                capture_output=True, text=True, env=env).stdout
            found = {os.path.basename(json.loads(line)["path"]) for line in out.splitlines()}
            if len(found) >= len(written):
                break
            time.sleep(2)
        rss.append((time.perf_counter() - started, rss_kb(watcher.pid)))
    finally:
        done.set()
        watcher.send_signal(signal.SIGINT)
        status = watcher.wait(timeout=120)
    lost = len(set(written) - found)
    ms = [d * 1000 for d in delays]
    print(f"soak {args.rate} files/s for {args.minutes:g} min: written {len(written)}  "
          f"lost {lost}  writer late by at most {late * 1000:.0f} ms  "
          f"bin {os.path.relpath(newsdex, REPO)}")
    print(f"write->searchable ({len(ms)} sampled): p50 {percentile(ms, 50):.0f} ms  "
          f"p99 {percentile(ms, 99):.0f} ms  max {max(ms):.0f} ms  "
          f"mean {statistics.mean(ms):.0f} ms")
    print("watcher RSS: " + "  ".join(f"{t:.0f}s {kb / 1024:.0f}MB" for t, kb in rss))
    print(f"SIGINT exit {status}")
    if lost or status != 0:
        sys.exit("lost files or a bad exit; log tail:\n" + open(log).read()[-2000:])


if __name__ == "__main__":
    main()
