#!/usr/bin/env python3
"""The executor's phases at 1 and 2 threads and what they imply at 16 (issue 28, item 4, where no
many-core machine is lent): runs `strand bench executor` RUNS times per workload (release build),
takes the median of each phase of the last block (planning / DAG / execution / finish), estimates
each phase's serial fraction from its 1- to 2-thread speedup (Karp-Flatt) and applies Amdahl's
law at 16 threads. An estimate from two cores, not a measurement of sixteen.

  scripts/executor-phases.py [RUNS]      (default 7; STRAND=path/to/strand)
"""
import os
import re
import statistics
import subprocess
import sys

STRAND = os.environ.get("STRAND", ".build/release/strand")
WORKLOADS = [("dag-transfer", ["--conflicts", "0"]), ("one-account-fisco", []), ("erc20", ["--conflicts", "0", "--txs", "4000"])]
PHASES = ["planning", "DAG", "execution", "finish"]
LINE = re.compile(r"\s+\d+%, (\d) threads: ([\d.]+) ms / ([\d.]+) ms / ([\d.]+) ms / ([\d.]+) ms")


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    for name, extra in WORKLOADS:
        samples = {1: [], 2: []}
        for _ in range(runs):
            out = subprocess.run([STRAND, "bench", "executor", "--workload", name, "--threads", "1", "2", "--repetitions", "5", *extra],
                                 capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                if m := LINE.match(line):
                    samples[int(m.group(1))].append([float(m.group(i)) for i in range(2, 6)])
        median = {t: [statistics.median(column) for column in zip(*samples[t])] for t in (1, 2)}
        print(f"== {name} ({runs} runs; median of each phase, ms: {' / '.join(PHASES)})")
        for t in (1, 2):
            print(f"  {t} thread(s): " + " / ".join(f"{v:.2f}" for v in median[t]) + f"  total {sum(median[t]):.2f}")
        at16 = 0.0
        for i, phase in enumerate(PHASES):
            speedup = median[1][i] / median[2][i] if median[2][i] > 0 else 1.0
            serial = min(max((1 / speedup - 0.5) / 0.5, 0.0), 1.0)   # Karp-Flatt with p = 2
            phase16 = median[1][i] * (serial + (1 - serial) / 16)
            at16 += phase16
            print(f"  {phase:9s}: 2 threads {speedup:.2f}×, serial fraction {serial:.2f}, at 16 threads {phase16:.2f} ms")
        total = sum(median[1])
        print(f"  whole block: 1 thread {total:.2f} ms, implied at 16 threads {at16:.2f} ms = {total / at16:.2f}× the 1-thread parallel executor")


if __name__ == "__main__":
    main()
