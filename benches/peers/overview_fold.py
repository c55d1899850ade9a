"""Turn a kamerstand events export into the rows a peer stores.

Both peers (SQLite and git) keep, per item, one row of values: key, kind,
status, responsible, latest note, text. This module reads the events export
(JSON Lines, see schema/events-export.md) and yields, for every event that is
an update of an item, the item's full row after that update, and for every
round seal the round. The SQLite peer stores each row in its history table;
the git peer writes the whole overview as a CSV file and commits it.

The values follow the rules kamerstand uses for its overview
(docs/architecture.md, "Two time axes" and "Corrections"): status,
responsible and latest note are the values with the latest *effective*
date, the later-recorded one winning a tie, so a back-dated change that is
not in effect leaves the row as it was, except that a status "niet-vermeld"
(not stated) never wins over a stated one; a correction replaces the value
of the event it names (the root of a chain of corrections) and the row is
worked out again, a retraction takes that value out. A peer's user would
do the same in the application that writes the rows; we do it here once,
while loading, and it costs nothing when querying. A correction is stored
like any other update: as a new row with the values after it.

Simplified, because the generator (bench-gen) never makes these and they
change no measured cost: a correction of a registration changes its status,
responsible and date but a retracted registration (a withdrawn item) keeps
its row; a correction of an amendment is ignored. Only the item's text is
kept from an amendment; citations and submitters are not in the overview
columns.

Dated facts. With `on_fact`, `fold` also reports every version of a dated
value (status, responsible, note) as kamerstand's index keeps them: a value
is opened by the event that gave it (its root) and, when a correction
changes or retracts it, closed by that correction, which opens the new
version. A peer that stores these can answer "the overview on day D" (the
values in effect on D) as kamerstand's `--effective D` does.

Python 3.11 standard library only.
"""

import json

# Columns of one item's row, in this order everywhere (SQLite columns, CSV).
COLUMNS = ("key", "kind", "status", "responsible", "note", "text")

UPDATE_TYPES = (
    "item_registered",
    "status_changed",
    "responsibility_changed",
    "progress_noted",
    "item_amended",
    "corrected",
)


FIELDS = ("status", "responsible", "note")

# The status that says none was stated: it never overrides a stated one.
NOT_STATED = "niet-vermeld"


def _rank(field, current):
    """How a value in force (effective, seq, value) ranks: any value over
    none, a stated status over "niet-vermeld", then the later day, then the
    later event."""
    eff, seq, value = current
    return (seq >= 0, field != "status" or value != NOT_STATED, eff, seq)


class _Item:
    """One item while folding. For each of FIELDS, `values` maps the seq of
    every event that gave it a value to [effective, value, retracted], and
    `current` holds the value in force as (effective, seq, value)."""

    __slots__ = ("key", "kind", "text", "values", "current", "on_fact")

    def __init__(self, key, kind, text, on_fact=None):
        self.key = key
        self.kind = kind
        self.text = text
        self.values = {f: {} for f in FIELDS}
        self.current = {f: ("", -1, "") for f in FIELDS}
        self.on_fact = on_fact

    def fact(self, op, field, root, effective, value, seq):
        """Reports a version of a dated value opened or closed at `seq`."""
        if self.on_fact is not None:
            self.on_fact(op, self.key, field, root, effective, value, seq)

    def give(self, field, seq, effective, value):
        """A new value from event `seq` (the highest seq so far)."""
        self.values[field][seq] = [effective, value, False]
        self.fact("open", field, seq, effective, value, seq)
        new = (effective, seq, value)
        if _rank(field, new) > _rank(field, self.current[field]):
            self.current[field] = new

    def recompute(self, field):
        best = ("", -1, "")
        for seq, (eff, value, gone) in self.values[field].items():
            if not gone and _rank(field, (eff, seq, value)) > _rank(field, best):
                best = (eff, seq, value)
        self.current[field] = best

    def row(self):
        c = self.current
        return (self.key, self.kind, c["status"][2], c["responsible"][2],
                c["note"][2], self.text)


class _Corrections:
    """The corrections in force, per root event (the event a chain of
    corrections finally replaces the values of)."""

    def __init__(self):
        self.root_of = {}     # correction seq -> its root's seq
        self.in_force = {}    # root seq -> [correction seq, ...]
        self.replacement = {}  # correction seq -> its replacement
        self.original = {}    # (field, root seq) -> (effective, value)

    def apply(self, item, seq, body):
        target = body["target_seq"]
        root = self.root_of.get(target, target)
        self.root_of[seq] = root
        rep = body["replacement"]
        self.replacement[seq] = rep
        chain = self.in_force.setdefault(root, [])
        if target == root:
            chain.append(seq)
        elif target in chain:
            if rep["retract"]:
                chain.remove(target)
            else:
                chain[chain.index(target)] = seq
        for field in FIELDS:
            vals = item.values[field]
            if root not in vals:
                continue  # the root gave no value to this field
            key = (field, root)
            if key not in self.original:
                self.original[key] = tuple(vals[root][:2])
            eff, value = self.original[key]
            gone = False
            if chain:
                r = self.replacement[chain[-1]]
                if r["retract"]:
                    gone = True
                else:
                    new = r[field]
                    if new is not None:
                        value = responsible_text(new) \
                            if field == "responsible" else new
                    eff = r["effective"] or eff
            old = vals[root]
            if old != [eff, value, gone]:
                if not old[2]:
                    item.fact("close", field, root, old[0], old[1], seq)
                if not gone:
                    item.fact("open", field, root, eff, value, seq)
            vals[root] = [eff, value, gone]
            item.recompute(field)


def responsible_text(codes):
    """The responsible parties as kamerstand's CSV export writes them."""
    return " en ".join(codes)


def read_events(path):
    """Yield the export's events as dicts (blank lines skipped)."""
    with open(path, "r", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def fold(path, on_fact=None):
    """Yield ("row", seq, recorded_at, row, event) for each update of an
    item and ("round", seq, recorded_at, (name, title), event) for each round
    seal, in seq order. `row` is a tuple in COLUMNS order, `event` the
    export's line as a dict. `on_fact(op, key, field, root, effective,
    value, seq)`, if given, hears of every dated value opened ("open") or
    closed ("close") by event `seq` (see the module's doc)."""
    items = {}  # item id -> _Item
    corrections = _Corrections()
    for ev in read_events(path):
        kind = ev["type"]
        seq = ev["seq"]
        at = ev["recorded_at"]
        body = ev["body"]
        if kind in ("round_sealed", "round_sealed_v2"):
            yield ("round", seq, at, (body["name"], body["title"]), ev)
            continue
        if kind not in UPDATE_TYPES:
            continue  # ledger_created: no item row
        if kind == "item_registered":
            it = _Item(body["key"], body["kind"], body["text"], on_fact)
            items[ev["item"]] = it
            it.give("status", seq, body["effective"], body["status"])
            if body["responsible"]:
                it.give("responsible", seq, body["effective"],
                        responsible_text(body["responsible"]))
        else:
            it = items.get(ev["item"])
            if it is None:
                continue  # not possible in a valid export
            if kind == "status_changed":
                it.give("status", seq, body["effective"], body["status"])
            elif kind == "responsibility_changed":
                it.give("responsible", seq, body["effective"],
                        responsible_text(body["responsible"]))
            elif kind == "progress_noted":
                it.give("note", seq, body["effective"], body["text"])
            elif kind == "item_amended":
                if body["text"] is not None:
                    it.text = body["text"]
            elif kind == "corrected":
                corrections.apply(it, seq, body)
        yield ("row", seq, at, it.row(), ev)
