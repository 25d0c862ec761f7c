#!/usr/bin/env python3
"""cpu_turns.py QUERIES ROUNDS NAME::COMMAND...: the CPU time (user + sys, from wait4) of one
process per query for each configuration, taking turns query by query, and the median and
mean per configuration with the median count of minor page faults. CPU time is steadier
than wall time on a shared machine. The configurations' order rotates from query to query:
whichever runs a query first pays more (about 1.5 ms on the 300 MB index), so a fixed order
would favour the later ones. QUERIES: `qid<TAB>query` lines; COMMAND gets the query as its
last argument, e.g. `default::target/release/newsdex search --index I --limit 10`."""
import os
import statistics
import subprocess
import sys


def cpu_ms(argv):
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    return (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_minflt


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        queries = [line.rstrip("\n").partition("\t")[2] for line in f if line.strip()]
    rounds = int(sys.argv[2])
    configs = [arg.split("::", 1) for arg in sys.argv[3:]]
    times = {name: [] for name, _ in configs}
    faults = {name: [] for name, _ in configs}
    turn = 0
    for _ in range(rounds):
        for query in queries:
            for name, command in configs[turn:] + configs[:turn]:
                ms, minflt = cpu_ms(command.split() + [query])
                times[name].append(ms)
                faults[name].append(minflt)
            turn = (turn + 1) % len(configs)
    for name, _ in configs:
        print(f"{name} median {statistics.median(times[name]):.2f} ms "
              f"mean {statistics.mean(times[name]):.2f} ms "
              f"minflt {statistics.median(faults[name]):.0f}")


if __name__ == "__main__":
    main()
