"""Pools the rounds of several `bench/batch.sh` runs (their printed output)
and prints, per mode (direct, 20 ms proxy): the medians of txdoctor, the
concurrent plain client in the bench's threads and as a process, the ratios
of those medians, and the median of the rounds' ratios with a 95 % bootstrap
interval (10,000 resamples, fixed seed) — one run's 21 rounds leave an
interval too wide on a machine whose speed drifts between runs.

    bench/batch.sh 2000 21 > run1.txt   # as many runs as wanted
    python3 bench/pool.py run1.txt run2.txt run3.txt
"""
import random
import re
import statistics
import sys

ROUND = (r" round \d+: txdoctor +(\d+) ms .*concurrent plain client +(\d+) ms,"
         r" as a process +(\d+) ms")


def interval(values):
    rnd = random.Random(7)
    medians = sorted(statistics.median(rnd.choices(values, k=len(values)))
                     for _ in range(10_000))
    return medians[250], medians[9_750]


def main(files):
    for mode in ("direct", "20 ms proxy"):
        rounds = []
        for name in files:
            with open(name) as f:
                for line in f:
                    m = re.match(mode + ROUND, line)
                    if m:
                        rounds.append(tuple(map(int, m.groups())))
        if not rounds:
            print(f"{mode}: no rounds found")
            continue
        td, threads, process = (statistics.median(c) for c in zip(*rounds))
        print(f"{mode}: {len(rounds)} rounds from {len(files)} runs; medians: "
              f"txdoctor {td:.0f} ms, plain client in threads {threads:.0f} ms, "
              f"as a process {process:.0f} ms; ratios of medians "
              f"{td / threads:.3f}, {td / process:.3f}")
        for name, column in (("threads", 1), ("process", 2)):
            ratios = [r[0] / r[column] for r in rounds]
            low, high = interval(ratios)
            faster = sum(r < 1 for r in ratios) / len(ratios)
            print(f"  rounds' ratio to the plain client ({name}): median "
                  f"{statistics.median(ratios):.3f} (95 % interval "
                  f"{low:.3f}-{high:.3f}); txdoctor faster in {faster:.0%} of rounds")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
