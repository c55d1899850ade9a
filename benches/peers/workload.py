#!/usr/bin/env python3
"""Pick the benchmark workload from an events export, seeded, so that
kamerstand and every peer answer exactly the same questions.

    python3 workload.py EVENTS.jsonl --runs N [--seed S] > workload.json

Writes one JSON object:

    {"seed": S, "runs": N, "events": E, "rounds": R, "span": [first, last],
     "as_of": [T, ...],             N+1 instants (RFC 3339, as in the export)
     "as_of_unix": [secs, ...],     the same instants in whole Unix seconds
                                    (rounded down; git dates have no fraction)
     "diff": [[R1, R2], ...],       N+1 pairs of round names, R1 sealed before R2
                                    (empty when the export has fewer than 2 rounds)
     "rounds": [R, ...],            N+1 round names (empty without rounds)
     "days": [D, ...],              N+1 effective days (YYYY-MM-DD), uniform
                                    between the first and the last effective
                                    day of the export's events
     "append": [KEY, ...]}          N+1 item keys to append an update to

The first entry of each list is for the warm-up run, which is not counted.

How an instant T is picked: T is the recorded time of an event picked
uniformly at random (seq 1 .. E-1). That is a random instant inside the
ledger's time span, drawn where the events are. A uniform draw over the
span would mostly land in gaps: bench-gen writes its events in batches
that share one recorded time, so nearly the whole span lies between two
batches. "As of T" then means every event recorded at or before T.

Python 3.11 standard library only.
"""

import argparse
import calendar
import datetime
import json
import random
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
from overview_fold import read_events


def unix_seconds(rfc3339):
    """Whole seconds since 1970 of '2025-01-06T09:00:00.123456789Z' (UTC)."""
    return calendar.timegm(time.strptime(rfc3339[:19], "%Y-%m-%dT%H:%M:%S"))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("events")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    times = []   # recorded_at by seq
    rounds = []  # round names in seal order
    keys = []    # item keys in registration order
    days = []    # first and last effective day
    for ev in read_events(a.events):
        times.append(ev["recorded_at"])
        eff = ev["body"].get("effective")
        if isinstance(eff, str):
            days = [min(days[0], eff), max(days[1], eff)] if days else [eff, eff]
        if ev["type"] in ("round_sealed", "round_sealed_v2"):
            rounds.append(ev["body"]["name"])
        elif ev["type"] == "item_registered":
            keys.append(ev["body"]["key"])
    if len(times) < 2 or not keys:
        sys.exit("workload.py: the export has no items to benchmark")

    rng = random.Random(a.seed)
    n = a.runs + 1
    as_of = [times[rng.randrange(1, len(times))] for _ in range(n)]
    diff = []
    if len(rounds) >= 2:
        for _ in range(n):
            i, j = sorted(rng.sample(range(len(rounds)), 2))
            diff.append([rounds[i], rounds[j]])
    append = [keys[rng.randrange(len(keys))] for _ in range(n)]
    one_round = [rounds[rng.randrange(len(rounds))] for _ in range(n)] \
        if rounds else []
    first = datetime.date.fromisoformat(days[0]).toordinal()
    last = datetime.date.fromisoformat(days[1]).toordinal()
    some_days = [datetime.date.fromordinal(rng.randint(first, last)).isoformat()
                 for _ in range(n)]
    json.dump({
        "seed": a.seed,
        "runs": a.runs,
        "events": len(times),
        "rounds": len(rounds),
        "span": [times[0], times[-1]],
        "as_of": as_of,
        "as_of_unix": [unix_seconds(t) for t in as_of],
        "diff": diff,
        "append": append,
        "rounds": one_round,
        "days": some_days,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
