#!/usr/bin/env python3
"""Write a `git fast-import` stream that builds the git peer's history from
a kamerstand events export.

    python3 git_build.py EVENTS.jsonl [--max-stream-gb G] [--stats FILE] | git fast-import
    python3 git_build.py EVENTS.jsonl --size-only

The repository holds one file, overview.csv: a header line and one row per
item (key,kind,status,responsible,note,text; rows in registration order,
written by Python's csv module). Every update of an item (see
overview_fold.py) is one commit on branch main that writes the whole file
again, as a user's `git add overview.csv && git commit` would; the commit's
author and committer dates are the event's recorded time (whole seconds:
git keeps no fraction), its author the event's actor, its message the item
key, the kind of update and the event's seq. An update that leaves the
overview's rows as they were (a back-dated change not in effect) is still
one commit, with the tree of the one before (a user would have run `git
commit --allow-empty`), so there is one commit per update. Every round
seal is an annotated tag named after the round, on the commit that was the
head when it was sealed.

fast-import makes the same history that one `git commit` per update would,
much faster: it is how one builds such a fixture. It still has to be given
the whole file for every commit, so the stream is (number of commits) x
(size of the CSV) bytes. Before writing anything the script works that size
out exactly (a first pass over the export) and refuses, with exit code 3,
when it is more than --max-stream-gb (default 20). fast-import took in
about 90 MB/s on the machine of the README's figures, so 20 GB is some
four minutes of building, and every `git fsck --full` afterwards reads it
all again (20–25 s for 7.4 GB there); one `git commit` at a time is slower
still. Past that the git peer is not a benchmark one can run. --size-only prints the sizes as JSON and stops; --stats
FILE writes the same JSON to FILE.

Python 3.11 standard library only.
"""

import argparse
import calendar
import csv
import io
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
from overview_fold import COLUMNS, fold

LIMIT_EXIT = 3


def csv_line(row):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(row)
    return buf.getvalue().encode("utf-8")


HEADER = csv_line(COLUMNS)


def stream_size(events):
    """Exact bytes of overview.csv summed over all commits, the number of
    commits and tags, and the CSV's final size."""
    lines = {}  # item key -> its CSV line
    csv_size = len(HEADER)
    total = 0
    commits = 0
    tags = 0
    for what, _seq, _at, val, _ev in fold(events):
        if what == "round":
            tags += 1
            continue
        commits += 1
        line = csv_line(val)
        old = lines.get(val[0])
        if line == old:
            continue  # same tree as before: no blob in the stream
        csv_size += len(line) - (len(old) if old else 0)
        lines[val[0]] = line
        total += csv_size
    return total, commits, tags, csv_size


_seconds = {}  # "YYYY-MM-DDTHH:MM:SS" -> Unix seconds


def unix_seconds(rfc3339):
    whole = rfc3339[:19]
    secs = _seconds.get(whole)
    if secs is None:
        secs = calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S"))
        _seconds.clear()  # times only grow; keep the last one
        _seconds[whole] = secs
    return secs


def ident(actor, secs):
    """`Name <email> seconds +0000` for an actor (no <, > or newline)."""
    name = "".join(c for c in actor if c not in "<>\n") or "unknown"
    return b"%s <%s> %d +0000" % (name.encode("utf-8"),
                                   name.replace(" ", ".").encode("utf-8"),
                                   secs)


def write_stream(events, out):
    rows = {}      # item key -> its CSV line; a dict keeps registration order
    mark = 0
    last = None    # the CSV as last committed
    for what, seq, at, val, ev in fold(events):
        secs = unix_seconds(at)
        if what == "round":
            name, title = val
            if mark == 0:
                continue  # sealed before any update: nothing to tag
            msg = ("%s\n\nsealed at seq %d\n" % (title, seq)).encode("utf-8")
            out.write(b"tag %s\nfrom :%d\ntagger %s\ndata %d\n%s\n" % (
                name.encode("utf-8"), mark, ident(ev["actor"], secs),
                len(msg), msg))
            continue
        rows[val[0]] = csv_line(val)
        mark += 1
        who = ident(ev["actor"], secs)
        msg = ("%s: %s (seq %d)\n" % (val[0], ev["type"], seq)).encode("utf-8")
        out.write(b"commit refs/heads/main\nmark :%d\nauthor %s\n"
                  b"committer %s\ndata %d\n%s" % (mark, who, who, len(msg),
                                                  msg))
        body = HEADER + b"".join(rows.values())
        if body != last:
            out.write(b"M 100644 inline overview.csv\ndata %d\n" % len(body))
            out.write(body)
            last = body
        out.write(b"\n")
    out.write(b"done\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("events")
    p.add_argument("--max-stream-gb", type=float, default=20.0)
    p.add_argument("--size-only", action="store_true")
    p.add_argument("--stats", metavar="FILE",
                   help="also write the sizes as JSON to FILE")
    a = p.parse_args()

    total, commits, tags, final = stream_size(a.events)
    gb = total / 1e9
    print("git_build.py: %d commits, %d tags; overview.csv ends at %.1f kB; "
          "fast-import stream %.2f GB" % (commits, tags, final / 1e3, gb),
          file=sys.stderr)
    stats = ('{"commits": %d, "tags": %d, "csv_bytes": %d, '
             '"stream_bytes": %d}\n' % (commits, tags, final, total))
    if a.stats:
        with open(a.stats, "w", encoding="utf-8") as f:
            f.write(stats)
    if a.size_only:
        sys.stdout.write(stats)
        return
    if gb > a.max_stream_gb:
        print("git_build.py: refusing: the stream would be %.1f GB, over the "
              "limit of %.1f GB (--max-stream-gb). Every commit holds the "
              "whole overview.csv, so %d commits of a CSV that grows to "
              "%.1f MB is more than git can be fed in a benchmark's time; "
              "see benches/peers/README.md." % (gb, a.max_stream_gb, commits,
                                               final / 1e6), file=sys.stderr)
        sys.exit(LIMIT_EXIT)

    out = sys.stdout.buffer
    write_stream(a.events, out)
    out.flush()


if __name__ == "__main__":
    main()
