#!/usr/bin/env python3
"""mutate.py change|delete DIR: the re-indexing bench's 1% edits, deterministic.

The .txt files under DIR in path order, numbered from 0: `change` appends a sentence to every
file whose number is 0 mod 100, `delete` removes every file whose number is 50 mod 100. A
changed file is written anew and renamed over the old one, so when DIR is a hard-link copy
(`cp -al`) of a cached corpus the cache keeps its bytes."""
import os
import sys

SENTENCE = " Officials said on Friday that the talks would resume next week.\n"


def main():
    action, root = sys.argv[1], sys.argv[2]
    files = []
    for top, dirs, names in os.walk(root):
        dirs.sort()
        files.extend(os.path.join(top, n) for n in sorted(names) if n.endswith(".txt"))
    files.sort()
    done = 0
    for i, path in enumerate(files):
        if action == "change" and i % 100 == 0:
            with open(path, "rb") as f:
                data = f.read().rstrip(b"\n")
            with open(path + ".new", "wb") as f:
                f.write(data + SENTENCE.encode())
            os.replace(path + ".new", path)
            done += 1
        elif action == "delete" and i % 100 == 50:
            os.remove(path)
            done += 1
    print(f"{action}: {done} of {len(files)} files", file=sys.stderr)


if __name__ == "__main__":
    main()
