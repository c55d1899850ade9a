#!/usr/bin/env python3
"""SQLite peer for the kamerstand benchmarks: the same overview history kept
the way a competent SQLite user would keep it.

    python3 sqlite_peer.py load EVENTS.jsonl DB
    python3 sqlite_peer.py bench DB --workload WORKLOAD.json [--runs N]
    python3 sqlite_peer.py append DB KEY STATUS     (one append; used by bench)
    python3 sqlite_peer.py nop                      (start-up only; used by bench)

The database
------------
    items(key PRIMARY KEY, kind, first_seq)
    history(seq INTEGER PRIMARY KEY, item, recorded_at, kind, status,
            responsible, note, text)       index history_item_time(item, recorded_at)
    rounds(name PRIMARY KEY, seq, recorded_at, title)
    facts(item, field, root, effective, value, from_seq, to_seq)
                                           index facts_item_day(item, field, effective, root)

One history row per update of an item (registration, status change, change
of responsible, progress note, amendment, correction), holding the item's
full values after the update (see overview_fold.py for how they are worked
out, and for the simplification of corrections). `facts` holds every version
of an item's dated values (status, responsible, note) with its effective day,
the event that opened it and the correction that closed it (NULL while in
force), for the overview on a day. `seq` is the event's seq in
the ledger (so it is the table's rowid), `recorded_at` its recorded time as
RFC 3339 text with nine fractional digits, which sorts as the time does.
The index on (item, recorded_at) also holds the rowid, so "the latest row of
an item at or before T" is one index seek.

The database is in WAL journal mode (what most applications set, and the
faster of the two for small commits), and every connection that writes uses
PRAGMA synchronous=FULL, so a commit is on disk when it returns, as a
kamerstand append is.

What `bench` measures (medians over N runs, after one warm-up run; the
database opened once, warm cache)
----------------------------------------------------------------------
- append_ms: one INSERT of a new row for an item (its latest row with a new
  status) and COMMIT, in process;
- append_process_ms: the same, end to end, as a new process
  (`python3 sqlite_peer.py append DB KEY STATUS`) that is the database's
  only connection, as in real use: closing it checkpoints the WAL into the
  database file;
- process_start_ms: `python3 sqlite_peer.py nop` (interpreter start and the
  imports), to subtract from append_process_ms;
- as_of_ms: every item's latest row at or before an instant T, all rows
  fetched into Python;
- current_ms: the same with T after the last event (every item's latest row);
- round_ms: the same up to a round's seal (a single random round);
- effective_ms: every item's status, responsible and note in effect on a
  day D (the facts on or before D, not closed; the latest day wins, then
  the later event, but a stated status over "niet-vermeld"), all rows
  fetched;
- diff_ms: the items whose row differs between two rounds' snapshots (a
  round's snapshot: each item's latest row up to the round's seal), rows
  fetched;
- verify_ms: PRAGMA integrity_check.
Rows appended by the run are deleted at the end, so the database is as
loaded again. Output: one JSON object on stdout.

Python 3.11 standard library only.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import sqlite3

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts


SCHEMA = """
CREATE TABLE items(
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    first_seq INTEGER NOT NULL
);
CREATE TABLE history(
    seq INTEGER PRIMARY KEY,
    item TEXT NOT NULL REFERENCES items(key),
    recorded_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    responsible TEXT NOT NULL,
    note TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE rounds(
    name TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    title TEXT NOT NULL
);
CREATE TABLE facts(
    item TEXT NOT NULL,
    field TEXT NOT NULL,
    root INTEGER NOT NULL,
    effective TEXT NOT NULL,
    value TEXT NOT NULL,
    from_seq INTEGER NOT NULL,
    to_seq INTEGER
);
"""

# Created after the bulk load, as one does.
INDEX = "CREATE INDEX history_item_time ON history(item, recorded_at)"
FACTS_INDEX = \
    "CREATE INDEX facts_item_day ON facts(item, field, effective, root)"

# Each item's dated values in effect on day :d: per field the fact on or
# before :d that is in force (not closed), latest day first, then the later
# root (kamerstand's rule); a status "niet-vermeld" (not stated) only when
# no stated one is in force.
EFFECTIVE = """
SELECT i.key,
  (SELECT value FROM facts WHERE item = i.key AND field = 'status'
     AND effective <= :d AND to_seq IS NULL
     ORDER BY value != 'niet-vermeld' DESC, effective DESC, root DESC LIMIT 1),
  (SELECT value FROM facts WHERE item = i.key AND field = 'responsible'
     AND effective <= :d AND to_seq IS NULL
     ORDER BY effective DESC, root DESC LIMIT 1),
  (SELECT value FROM facts WHERE item = i.key AND field = 'note'
     AND effective <= :d AND to_seq IS NULL
     ORDER BY effective DESC, root DESC LIMIT 1)
FROM items i
ORDER BY i.key
"""

# Latest row of each item at or before (:t, :s): recorded at or before :t,
# seq at most :s. For "as of T" :s is unbounded; for a round it is the seal's
# seq (events recorded in the same instant after the seal are not in it).
AS_OF = """
SELECT h.item, h.kind, h.status, h.responsible, h.note, h.text,
       h.recorded_at, h.seq
FROM items i
JOIN history h ON h.seq = (
    SELECT seq FROM history
    WHERE item = i.key AND recorded_at <= :t AND seq <= :s
    ORDER BY recorded_at DESC, seq DESC LIMIT 1)
ORDER BY i.key
"""

# MATERIALIZED: each item's two lookups are done once, not again for the
# joins (SQLite would otherwise inline the CTE and repeat them).
DIFF = """
WITH snap AS MATERIALIZED (
    SELECT i.key AS item,
        (SELECT seq FROM history
         WHERE item = i.key AND recorded_at <= :ta AND seq <= :sa
         ORDER BY recorded_at DESC, seq DESC LIMIT 1) AS a,
        (SELECT seq FROM history
         WHERE item = i.key AND recorded_at <= :tb AND seq <= :sb
         ORDER BY recorded_at DESC, seq DESC LIMIT 1) AS b
    FROM items i)
SELECT snap.item,
       ha.status, hb.status, ha.responsible, hb.responsible,
       ha.note, hb.note, ha.text, hb.text
FROM snap
JOIN history hb ON hb.seq = snap.b
LEFT JOIN history ha ON ha.seq = snap.a
WHERE snap.a IS NOT snap.b
  AND (ha.seq IS NULL
       OR ha.status IS NOT hb.status
       OR ha.responsible IS NOT hb.responsible
       OR ha.note IS NOT hb.note
       OR ha.text IS NOT hb.text)
ORDER BY snap.item
"""

# One append: the item's latest row again, with a new status and the time now.
APPEND = """
INSERT INTO history(item, recorded_at, kind, status, responsible, note, text)
SELECT item, :now, kind, :status, responsible, note, text
FROM history WHERE item = :item
ORDER BY recorded_at DESC, seq DESC LIMIT 1
"""

UNBOUNDED = 2**62


def now_rfc3339():
    ns = time.time_ns()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ns // 10**9)) + \
        ".%09dZ" % (ns % 10**9)


def connect(db):
    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous=FULL")
    return con


def append(con, item, status):
    cur = con.execute(APPEND, {"now": now_rfc3339(), "status": status,
                               "item": item})
    if cur.rowcount != 1:
        raise SystemExit("sqlite_peer.py: no item %r" % item)
    con.commit()


def as_of(con, t, s=UNBOUNDED):
    return con.execute(AS_OF, {"t": t, "s": s}).fetchall()


def current(con):
    return as_of(con, "9999-12-31T23:59:59.999999999Z")


def round_view(con, name):
    (seq, at) = con.execute(
        "SELECT seq, recorded_at FROM rounds WHERE name = ?", (name,)
    ).fetchone()
    return as_of(con, at, seq)


def effective(con, day):
    return con.execute(EFFECTIVE, {"d": day}).fetchall()


def diff(con, r1, r2):
    found = {}
    for name, seq, at in con.execute(
            "SELECT name, seq, recorded_at FROM rounds WHERE name IN (?, ?)",
            (r1, r2)):
        found[name] = (seq, at)
    (sa, ta), (sb, tb) = found[r1], found[r2]
    return con.execute(DIFF, {"ta": ta, "sa": sa,
                              "tb": tb, "sb": sb}).fetchall()


def verify(con):
    return con.execute("PRAGMA integrity_check").fetchall()


def cmd_load(a):
    from overview_fold import fold
    if os.path.exists(a.db):
        sys.exit("sqlite_peer.py: %s exists; load makes a new database" % a.db)
    t0 = time.perf_counter()
    con = sqlite3.connect(a.db)
    con.execute("PRAGMA journal_mode=WAL")
    con.executescript(SCHEMA)
    items = {}
    rows = 0
    rounds = 0
    batch = []
    facts = []

    def on_fact(op, key, field, root, eff, value, seq):
        if op == "open":
            facts.append((key, field, root, eff, value, seq))
        else:
            flush_facts()
            con.execute(
                "UPDATE facts SET to_seq = ? WHERE item = ? AND field = ? "
                "AND root = ? AND to_seq IS NULL", (seq, key, field, root))

    def flush_facts():
        con.executemany(
            "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, NULL)", facts)
        facts.clear()

    # Closing a fact looks it up by item and root: an index for the load.
    con.execute("CREATE INDEX facts_root ON facts(item, field, root)")
    for what, seq, at, val, _ev in fold(a.events, on_fact):
        if what == "round":
            con.execute("INSERT INTO rounds VALUES (?, ?, ?, ?)",
                        (val[0], seq, at, val[1]))
            rounds += 1
            continue
        key, kind = val[0], val[1]
        if key not in items:
            items[key] = seq
            con.execute("INSERT INTO items VALUES (?, ?, ?)", (key, kind, seq))
        batch.append((seq, key, at, kind, val[2], val[3], val[4], val[5]))
        if len(facts) >= 10000:
            flush_facts()
        if len(batch) >= 10000:
            con.executemany(
                "INSERT INTO history VALUES (?, ?, ?, ?, ?, ?, ?, ?)", batch)
            rows += len(batch)
            batch.clear()
    con.executemany("INSERT INTO history VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    batch)
    rows += len(batch)
    flush_facts()
    con.commit()
    con.execute("DROP INDEX facts_root")
    con.execute(INDEX)
    con.execute(FACTS_INDEX)
    con.execute("ANALYZE")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    secs = time.perf_counter() - t0
    size = sum(os.path.getsize(a.db + sfx) for sfx in ("", "-wal")
               if os.path.exists(a.db + sfx))
    json.dump({"load_s": round(secs, 3), "items": len(items), "rows": rows,
               "rounds": rounds, "db_bytes": size}, sys.stdout)
    sys.stdout.write("\n")


def median_ms(samples_ns):
    return round(statistics.median(samples_ns) / 1e6, 3)


def timed(inputs, f):
    """Run f on each input; the first run is a warm-up. Median in ms."""
    out = []
    for i, x in enumerate(inputs):
        t0 = time.perf_counter_ns()
        f(x)
        dt = time.perf_counter_ns() - t0
        if i > 0:
            out.append(dt)
    return median_ms(out)


def cmd_bench(a):
    with open(a.workload, encoding="utf-8") as f:
        w = json.load(f)
    n = a.runs if a.runs is not None else w["runs"]
    if n < 1 or n + 1 > len(w["as_of"]):
        sys.exit("sqlite_peer.py: the workload has %d runs; ask for at most "
                 "that many" % w["runs"])
    con = connect(a.db)
    (last_seq,) = con.execute("SELECT max(seq) FROM history").fetchone()
    res = {"peer": "sqlite", "sqlite_version": sqlite3.sqlite_version,
           "journal_mode": con.execute("PRAGMA journal_mode").fetchone()[0],
           "synchronous": "FULL", "runs": n}

    rows = []
    res["as_of_ms"] = timed(w["as_of"][:n + 1],
                            lambda t: rows.append(len(as_of(con, t))))
    res["as_of_rows_median"] = statistics.median(rows[1:])
    res["current_ms"] = timed(range(n + 1), lambda _: current(con))
    if w.get("rounds"):
        res["round_ms"] = timed(w["rounds"][:n + 1],
                                lambda r: round_view(con, r))
    else:
        res["round_ms"] = None
    if w.get("days"):
        res["effective_ms"] = timed(w["days"][:n + 1],
                                    lambda d: effective(con, d))
    else:
        res["effective_ms"] = None

    if w["diff"]:
        rows = []
        res["diff_ms"] = timed(w["diff"][:n + 1],
                               lambda p: rows.append(len(diff(con, *p))))
        res["diff_rows_median"] = statistics.median(rows[1:])
    else:
        res["diff_ms"] = None  # fewer than two rounds in the ledger
        res["diff_rows_median"] = None

    results = []
    res["verify_ms"] = timed(range(n + 1),
                             lambda _: results.append(verify(con)))
    res["verify_ok"] = all(r == [("ok",)] for r in results)

    keys = w["append"][:n + 1]
    res["append_ms"] = timed(
        range(n + 1), lambda i: append(con, keys[i], "bench-%d" % i))

    # End to end: each append is a process of its own and, as in real use,
    # the only connection, so closing it also checkpoints the WAL.
    con.close()
    me = os.path.abspath(__file__)

    def run(args):
        subprocess.run([sys.executable, me] + args, check=True)

    res["append_process_ms"] = timed(
        range(n + 1),
        lambda i: run(["append", a.db, keys[i], "bench-p%d" % i]))
    res["process_start_ms"] = timed(range(n + 1), lambda _: run(["nop"]))

    # Leave the database as it was loaded.
    con = connect(a.db)
    con.execute("DELETE FROM history WHERE seq > ?", (last_seq,))
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    json.dump(res, sys.stdout)
    sys.stdout.write("\n")


def cmd_append(a):
    con = connect(a.db)
    append(con, a.key, a.status)
    con.close()


def main():
    p = argparse.ArgumentParser(
        description="SQLite peer for the kamerstand benchmarks "
                    "(see benches/peers/README.md)")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("load", help="build DB from an events export")
    s.add_argument("events")
    s.add_argument("db")
    s = sub.add_parser("bench", help="measure; JSON medians in ms on stdout")
    s.add_argument("db")
    s.add_argument("--workload", required=True,
                   help="from workload.py (the same for every peer)")
    s.add_argument("--runs", type=int,
                   help="runs counted (default: the workload's)")
    s = sub.add_parser("append", help="append one update and exit")
    s.add_argument("db")
    s.add_argument("key")
    s.add_argument("status")
    sub.add_parser("nop", help="start and exit (start-up time)")
    a = p.parse_args()
    if a.cmd == "load":
        cmd_load(a)
    elif a.cmd == "bench":
        cmd_bench(a)
    elif a.cmd == "append":
        cmd_append(a)


if __name__ == "__main__":
    main()
