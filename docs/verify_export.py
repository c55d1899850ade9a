#!/usr/bin/env python3
"""Check a kamerstand events export without kamerstand.

An events export (`kamerstand export --format events`) is JSON Lines: one
event per line, with its canonical bytes in hex under "bytes". This script
recomputes every hash, walks the chain, decodes every event's bytes itself
following schema/event-v1.md, and checks that the JSON values on each line
are exactly what the bytes say. The line format is described in
schema/events-export.md.

It uses only Python's standard library (Python 3.9 or later).

Exit status: 0 = the export is intact (and the digest, if one was given, is
in it); 1 = it is not ("FAILED at line L (seq S): what"); 2 = usage error or
unreadable file.

Section numbers in the comments (§2, §5 ...) refer to schema/event-v1.md.
"""

import argparse
import datetime
import hashlib
import json
import sys

# §1: the hash of an event is SHA-256 over this 20-byte tag and the bytes.
HASH_TAG_V1 = b"kamerstand/event/v1\n"

# §4: the only format version this script (and the spec) knows.
FORMAT_VERSION = 1

# §6: a record is at most 1 MiB.
MAX_EVENT_BYTES = 1 << 20

# At most this many codes in one Responsible (kamerstand's limit; see
# Reader.responsible).
MAX_RESPONSIBLE_CODES = 8

# §3: portfolios with their canonical spelling; a portfolio not listed here
# is written in upper case. A code in any other spelling is not canonical.
KNOWN_PORTFOLIOS = [
    "AZ", "BZ", "BHO", "BZK", "DEF", "EZ", "EZK", "FIN", "IenW", "JenV", "KGG", "LNV",
    "LVVN", "LMZ", "LZS", "OCW", "SZW", "VRO", "VWS", "AenM", "KR", "MenT", "BRZ", "JZ",
    "PM",
]


def canonical_portfolio(p):
    """The one spelling of a portfolio the canonical bytes may hold."""
    for known in KNOWN_PORTFOLIOS:
        if known.lower() == p.lower():
            return known
    return p.upper()

# §4: the `prev` of event 0.
GENESIS_HASH = "0" * 64

HEX_DIGITS = frozenset("0123456789abcdef")


class Failure(Exception):
    """The export is not intact; the message says what was found."""


class DecodeError(Exception):
    """The canonical bytes break a rule of §2–§6."""


# ---------------------------------------------------------------------------
# The decoder: §2 (primitive encodings) and §3 (named types).
#
# Values are returned in the form the JSON line uses for them (ids and hashes
# as lowercase hex, days as "YYYY-MM-DD", absent options as None), so that a
# decoded event can be compared with its line value by value.
# ---------------------------------------------------------------------------


class Reader:
    """Reads the canonical bytes of one event from the front, refusing
    anything §2 and §6 do not allow."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def remaining(self):
        return len(self.data) - self.pos

    def take(self, n, what):
        if n > self.remaining():
            raise DecodeError(
                "%s needs %d bytes at offset %d, only %d are left"
                % (what, n, self.pos, self.remaining())
            )
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    # §2: fixed-width little-endian integers.
    def u8(self, what="u8"):
        return self.take(1, what)[0]

    def u16(self, what="u16"):
        return int.from_bytes(self.take(2, what), "little")

    def u32(self, what="u32"):
        return int.from_bytes(self.take(4, what), "little")

    def u64(self, what="u64"):
        return int.from_bytes(self.take(8, what), "little")

    def i64(self, what="i64"):
        return int.from_bytes(self.take(8, what), "little", signed=True)

    # §2: string = u64 byte length, then that many bytes of UTF-8.
    def string(self, what="string"):
        length = self.u64(what + " length")
        raw = self.take(length, what)
        try:
            return raw.decode("utf-8")  # strict: invalid UTF-8 is an error
        except UnicodeDecodeError as e:
            raise DecodeError("%s is not valid UTF-8 (%s)" % (what, e))

    # §2: list = u64 element count, then the elements.
    def list_of(self, read_item, what="list"):
        count = self.u64(what + " count")
        # Every element takes at least one byte: a count larger than what is
        # left cannot be right (and must not make us loop for long).
        if count > self.remaining():
            raise DecodeError(
                "%s claims %d elements but only %d bytes are left"
                % (what, count, self.remaining())
            )
        return [read_item() for _ in range(count)]

    def strings(self, what="list of strings"):
        return self.list_of(lambda: self.string(what + " element"), what)

    # §2: option = one byte, 0 = absent, 1 = present and followed by the value.
    def option(self, read_value, what="option"):
        flag = self.u8(what + " flag")
        if flag == 0:
            return None
        if flag == 1:
            return read_value()
        raise DecodeError("%s flag is %d, must be 0 or 1" % (what, flag))

    # §2: bool = one byte, 0 or 1.
    def boolean(self, what="bool"):
        b = self.u8(what)
        if b not in (0, 1):
            raise DecodeError("%s is %d, must be 0 or 1" % (what, b))
        return b == 1

    # §3: EventId = 16 raw bytes, shown as 32 lowercase hex digits.
    def event_id(self, what="id"):
        return self.take(16, what).hex()

    # §3: EventHash = 32 raw bytes, shown as 64 lowercase hex digits.
    def event_hash(self, what="hash"):
        return self.take(32, what).hex()

    # §3: Day = u16 year, u8 month, u8 day; a real date, 1900-01-01..2999-12-31.
    def day(self, what="day"):
        year = self.u16(what + " year")
        month = self.u8(what + " month")
        day = self.u8(what + " day")
        try:
            datetime.date(year, month, day)
        except ValueError:
            raise DecodeError(
                "%s %04d-%02d-%02d is not a calendar date" % (what, year, month, day)
            )
        if not 1900 <= year <= 2999:
            raise DecodeError("%s year %d is outside 1900-2999" % (what, year))
        return "%04d-%02d-%02d" % (year, month, day)

    # §3: ItemKind = u32 without fields: 0 = motie, 1 = toezegging.
    def item_kind(self, what="kind"):
        v = self.u32(what)
        if v == 0:
            return "motie"
        if v == 1:
            return "toezegging"
        raise DecodeError("%s variant %d is unknown (0 or 1)" % (what, v))

    # §3: Responsible = list of strings, one per code: role letter M or S,
    # then a portfolio. kamerstand's own decoder refuses a list it cannot
    # read as codes (a portfolio of 2-6 ASCII letters, at most 8 codes, no
    # code twice); §3 does not spell these limits out yet, so they are
    # checked here under kamerstand's rules.
    def responsible(self, what="responsible"):
        codes = self.strings(what)
        if len(codes) > MAX_RESPONSIBLE_CODES:
            raise DecodeError("%s holds %d codes, at most %d are allowed"
                              % (what, len(codes), MAX_RESPONSIBLE_CODES))
        seen = set()
        for code in codes:
            portfolio = code[1:]
            if (code[:1] not in ("M", "S") or not 2 <= len(portfolio) <= 6
                    or not all(c.isascii() and c.isalpha() for c in portfolio)):
                raise DecodeError("%s code %r is not a role letter (M or S) and a "
                                  "portfolio of 2-6 letters" % (what, code))
            if portfolio != canonical_portfolio(portfolio):
                raise DecodeError("%s code %r is not in canonical form (%s%s)"
                                  % (what, code, code[:1], canonical_portfolio(portfolio)))
            if code.upper() in seen:
                raise DecodeError("%s names %r twice" % (what, code))
            seen.add(code.upper())
        return codes

    # §3: Legend = the bare list of LegendEntry; an entry is four strings.
    def legend(self):
        def entry():
            return {
                "slug": self.string("legend slug"),
                "nl": self.string("legend nl"),
                "en": self.string("legend en"),
                "colour": self.string("legend colour"),
            }
        return self.list_of(entry, "legend")

    # §3: Replacement = status option<string>, responsible option<Responsible>,
    # note option<string>, effective option<Day>, retract bool.
    def replacement(self):
        return {
            "status": self.option(lambda: self.string("replacement.status"),
                                  "replacement.status"),
            "responsible": self.option(lambda: self.responsible("replacement.responsible"),
                                       "replacement.responsible"),
            "note": self.option(lambda: self.string("replacement.note"),
                                "replacement.note"),
            "effective": self.option(lambda: self.day("replacement.effective"),
                                     "replacement.effective"),
            "retract": self.boolean("replacement.retract"),
        }


# ---------------------------------------------------------------------------
# §5: the event bodies, one function per variant. Each reads the fields in
# the order the spec lists them and returns them by their JSON names.
# ---------------------------------------------------------------------------


def body_ledger_created(r):
    """§5, variant 0."""
    return {
        "programme": r.string("programme"),
        "title": r.string("title"),
        "legend": r.legend(),
    }


def body_item_registered(r):
    """§5, variant 1."""
    return {
        "kind": r.item_kind(),
        "key": r.string("key"),
        "text": r.string("text"),
        "submitters": r.strings("submitters"),
        "citations": r.strings("citations"),
        "responsible": r.responsible(),
        "status": r.string("status"),
        "effective": r.day("effective"),
    }


def body_status_changed(r):
    """§5, variant 2."""
    return {
        "item": r.event_id("item"),
        "status": r.string("status"),
        "reason": r.option(lambda: r.string("reason"), "reason"),
        "effective": r.day("effective"),
    }


def body_responsibility_changed(r):
    """§5, variant 3."""
    return {
        "item": r.event_id("item"),
        "responsible": r.responsible(),
        "reason": r.option(lambda: r.string("reason"), "reason"),
        "effective": r.day("effective"),
    }


def body_progress_noted(r):
    """§5, variant 4."""
    return {
        "item": r.event_id("item"),
        "text": r.string("text"),
        "citations": r.strings("citations"),
        "effective": r.day("effective"),
    }


def body_item_amended(r):
    """§5, variant 5. Absent options mean "unchanged"."""
    return {
        "item": r.event_id("item"),
        "text": r.option(lambda: r.string("text"), "text"),
        "citations": r.option(lambda: r.strings("citations"), "citations"),
        "submitters": r.option(lambda: r.strings("submitters"), "submitters"),
        "reason": r.option(lambda: r.string("reason"), "reason"),
    }


def body_round_sealed(r):
    """§5, variant 6."""
    return {
        "name": r.string("name"),
        "title": r.string("title"),
        "reported_on": r.day("reported_on"),
        "head_seq": r.u64("head_seq"),
        "head_hash": r.event_hash("head_hash"),
    }


def body_corrected(r):
    """§5, variant 7."""
    return {
        "target_seq": r.u64("target_seq"),
        "target_id": r.event_id("target_id"),
        "item": r.event_id("item"),
        "reason": r.string("reason"),
        "replacement": r.replacement(),
    }


# §5: variant index -> (JSON `type` name, decoder).
BODY_VARIANTS = {
    0: ("ledger_created", body_ledger_created),
    1: ("item_registered", body_item_registered),
    2: ("status_changed", body_status_changed),
    3: ("responsibility_changed", body_responsibility_changed),
    4: ("progress_noted", body_progress_noted),
    5: ("item_amended", body_item_amended),
    6: ("round_sealed", body_round_sealed),
    7: ("corrected", body_corrected),
}

# Variants whose body has an `effective` day that is also the event's
# top-level "effective" (§5: all item events except item_amended).
VARIANTS_WITH_EFFECTIVE = ("item_registered", "status_changed",
                           "responsibility_changed", "progress_noted")


class Event:
    """One decoded envelope (§4)."""

    def __init__(self, fmt, seq, event_id, recorded_at, actor, prev, type_name, body):
        self.format = fmt
        self.seq = seq
        self.id = event_id
        self.recorded_at = recorded_at  # i64 nanoseconds since 1970 UTC
        self.actor = actor
        self.prev = prev
        self.type = type_name
        self.body = body


def decode_event(data):
    """Decodes canonical bytes into an Event following §4 and §5, enforcing
    the reader rules of §6. Raises DecodeError."""
    # §6: at most 1 MiB.
    if len(data) > MAX_EVENT_BYTES:
        raise DecodeError("%d bytes, over the 1 MiB limit" % len(data))
    r = Reader(data)
    # §4 field 1, §6: the first two bytes are the format version, and it is 1.
    # §9: a reader that meets a version it does not know must stop.
    fmt = r.u16("format")
    if fmt != FORMAT_VERSION:
        raise DecodeError(
            "format version %d is not known to this script (it reads version %d)"
            % (fmt, FORMAT_VERSION)
        )
    # §4 fields 2-6.
    seq = r.u64("seq")
    event_id = r.event_id("id")
    recorded_at = r.i64("recorded_at")
    actor = r.string("actor")
    prev = r.event_hash("prev")
    # §4 field 7, §5: body = u32 variant index, then the variant's fields.
    variant = r.u32("body variant")
    if variant not in BODY_VARIANTS:
        raise DecodeError("body variant %d is unknown (0-7)" % variant)
    type_name, decode_body = BODY_VARIANTS[variant]
    body = decode_body(r)
    # §6: decoding consumes every byte.
    if r.remaining():
        raise DecodeError("%d trailing bytes after the event" % r.remaining())
    return Event(fmt, seq, event_id, recorded_at, actor, prev, type_name, body)


def event_hash(data):
    """§1: SHA-256 of the tag and the bytes exactly as given."""
    return hashlib.sha256(HASH_TAG_V1 + data).hexdigest()


def rfc3339(nanos):
    """§3 Timestamp (i64 nanoseconds since 1970-01-01T00:00:00Z) as the JSON
    shows it: UTC, nine fractional digits, 'Z'."""
    seconds, frac = divmod(nanos, 10 ** 9)  # floor: frac is 0..999999999
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%09dZ" % (
        t.year, t.month, t.day, t.hour, t.minute, t.second, frac)


# ---------------------------------------------------------------------------
# Comparing the line's JSON values with the decoded values.
# ---------------------------------------------------------------------------


def json_type(v):
    """JSON's own type names: keeps true apart from 1, and 1 apart from 1.0."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__


def first_difference(decoded, given, path):
    """Where `given` (from the line) differs from `decoded` (from the bytes),
    as a message, or None when they are equal in type and value."""
    if json_type(decoded) != json_type(given):
        return "%s: the bytes say %s, the line says %s" % (
            path, show(decoded), show(given))
    if isinstance(decoded, dict):
        for key in decoded:
            if key not in given:
                return "%s: the line lacks %s" % (path, key)
        for key in given:
            if key not in decoded:
                return "%s: the line has %s, which the bytes do not hold" % (path, key)
        for key in decoded:
            d = first_difference(decoded[key], given[key], path + "." + key)
            if d:
                return d
        return None
    if isinstance(decoded, list):
        if len(decoded) != len(given):
            return "%s: the bytes hold %d elements, the line %d" % (
                path, len(decoded), len(given))
        for i, (a, b) in enumerate(zip(decoded, given)):
            d = first_difference(a, b, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    if decoded != given:
        return "%s: the bytes say %s, the line says %s" % (
            path, show(decoded), show(given))
    return None


def show(v):
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= 80 else s[:77] + "..."


# ---------------------------------------------------------------------------
# The chain (§6, "for the chain as a whole", and §8).
# ---------------------------------------------------------------------------


class ChainState:
    """What the walk remembers between lines."""

    def __init__(self):
        self.expected_seq = 0
        self.prev_hash = GENESIS_HASH  # §4: prev of event 0 is 32 zero bytes
        self.last_recorded_at = None
        self.ids = []                  # ids[n] = id of event n
        self.items = []                # items[n] = id of the item event n is about, or None
        self.item_keys = {}            # item id -> key, from item_registered
        self.seals = {}                # lower-cased round name -> (name, seq, hash)
        self.hashes = {}               # event hash -> seq


def parse_line(text):
    """A line as a JSON object; duplicate keys, NaN and Infinity refused."""
    def no_duplicates(pairs):
        obj = {}
        for k, v in pairs:
            if k in obj:
                raise Failure("the line holds the key %r twice" % k)
            obj[k] = v
        return obj

    def no_constant(name):
        raise Failure("the line holds %s, which is not JSON" % name)

    try:
        value = json.loads(text, object_pairs_hook=no_duplicates,
                           parse_constant=no_constant)
    except ValueError as e:
        raise Failure("not JSON (%s)" % e)
    if not isinstance(value, dict):
        raise Failure("not a JSON object")
    return value


def hex_field(line, key, length=None):
    """A lowercase hex string field of the line (length in hex digits)."""
    v = line.get(key)
    if not isinstance(v, str) or not v or len(v) % 2 or not set(v) <= HEX_DIGITS:
        raise Failure("no %r field of lowercase hex digits" % key)
    if length is not None and len(v) != length:
        raise Failure("the %r field has %d hex digits, not %d" % (key, len(v), length))
    return v


def check_line(state, line):
    """Checks one export line against the chain so far; returns the event's
    hash. Raises Failure naming the first problem."""
    n = state.expected_seq

    bytes_hex = hex_field(line, "bytes")
    stated_hash = hex_field(line, "hash", 64)
    stated_seq = line.get("seq")
    if json_type(stated_seq) != "integer":
        raise Failure("no integer 'seq' field")

    # §6: seq 0, 1, 2, ... with no gaps.
    if stated_seq != n:
        raise Failure(
            "event missing or out of order: expected seq %d, the line is seq %d"
            % (n, stated_seq))

    data = bytes.fromhex(bytes_hex)
    if len(data) > MAX_EVENT_BYTES:
        raise Failure("undecodable event: %d bytes, over the 1 MiB limit" % len(data))

    # §1: the hash of the bytes exactly as given.
    computed = event_hash(data)
    if computed != stated_hash:
        raise Failure("content altered: the bytes hash to %s, the line's hash is %s"
                      % (computed, stated_hash))

    # §2-§6: decode.
    try:
        ev = decode_event(data)
    except DecodeError as e:
        raise Failure("undecodable event: %s" % e)

    # §6: the seq inside the envelope equals its position.
    if ev.seq != n:
        raise Failure("out of order: the bytes say seq %d at position %d" % (ev.seq, n))

    # §6: prev is the hash of the event before (zeros for seq 0).
    if ev.prev != state.prev_hash:
        raise Failure("link broken: prev is %s, but the event before hashes to %s"
                      % (ev.prev, state.prev_hash))

    # §6: recorded_at never decreases (equal is allowed).
    if state.last_recorded_at is not None and ev.recorded_at < state.last_recorded_at:
        raise Failure("out of order: recorded at %s, before the previous event (%s)"
                      % (rfc3339(ev.recorded_at), rfc3339(state.last_recorded_at)))

    # §6: event 0 is ledger_created, and no other event is.
    if (n == 0) != (ev.type == "ledger_created"):
        raise Failure("out of order: a %s event at seq %d; ledger_created must be "
                      "the first event, and only the first" % (ev.type, n))

    # §6: a round seal names the event just before it, and round names are
    # unique (ignoring ASCII case) along the chain.
    if ev.type == "round_sealed":
        b = ev.body
        earlier = state.seals.get(ascii_lower(b["name"]))
        if earlier is not None:
            raise Failure("seal mismatch: round %r was already sealed as %r at seq %d"
                          % (b["name"], earlier[0], earlier[1]))
        if n == 0 or b["head_seq"] != n - 1 or b["head_hash"] != state.prev_hash:
            raise Failure("seal mismatch: round %r names head seq %d (%s), but the "
                          "event before it is seq %d (%s)"
                          % (b["name"], b["head_seq"], b["head_hash"], n - 1,
                             state.prev_hash))

    # §6: a correction names an earlier event by seq and id.
    if ev.type == "corrected":
        b = ev.body
        target = b["target_seq"]
        if target >= n:
            raise Failure("bad reference: the correction names seq %d, which is not "
                          "before it" % target)
        if state.ids[target] != b["target_id"]:
            raise Failure("bad reference: the correction names seq %d with id %s, "
                          "but that event's id is %s"
                          % (target, b["target_id"], state.ids[target]))
        # §6: and it is about the same item as the event it corrects.
        if state.items[target] != b["item"]:
            raise Failure("bad reference: the correction says seq %d is about item %s, "
                          "but that event is about %s"
                          % (target, b["item"], state.items[target]))

    # The line's JSON values must be exactly what the bytes decode to
    # (schema/events-export.md).
    if ev.type == "item_registered":
        state.item_keys[ev.id] = ev.body["key"]
    expected = expected_line(state, ev, computed, bytes_hex)
    diff = first_difference(expected, line, "line")
    if diff:
        raise Failure("the JSON values differ from what the bytes decode to: " + diff)

    # Remember this event for the next ones.
    state.ids.append(ev.id)
    if ev.type == "item_registered":
        state.items.append(ev.id)
    else:
        state.items.append(ev.body.get("item") if isinstance(ev.body, dict) else None)
    if ev.type == "round_sealed":
        name = ev.body["name"]
        state.seals[ascii_lower(name)] = (name, n, computed)
    state.hashes.setdefault(computed, n)
    state.prev_hash = computed
    state.last_recorded_at = ev.recorded_at
    state.expected_seq = n + 1
    return computed


def ascii_lower(s):
    """Round names are compared ignoring ASCII case (§5, variant 6)."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def expected_line(state, ev, computed_hash, bytes_hex):
    """The export line these bytes stand for (schema/events-export.md)."""
    if ev.type in ("ledger_created", "round_sealed"):
        item = None
    elif ev.type == "item_registered":
        item = ev.id  # an item's id is the id of its registration
    else:
        item = ev.body["item"]
    return {
        "seq": ev.seq,
        "id": ev.id,
        "recorded_at": rfc3339(ev.recorded_at),
        "actor": ev.actor,
        "prev": ev.prev,
        "hash": computed_hash,
        "format": ev.format,
        "type": ev.type,
        "item": item,
        # The key from the item's registration, earlier in the chain.
        "item_key": state.item_keys.get(item) if item is not None else None,
        "effective": ev.body["effective"] if ev.type in VARIANTS_WITH_EFFECTIVE else None,
        "body": ev.body,
        "bytes": bytes_hex,
    }


def check_digest(state, digest, round_name):
    """§8: a published digest is a round's seal hash (with --round) or the
    hash of any event (without). Returns (ok, message)."""
    checked = state.expected_seq
    if round_name is not None:
        seal = state.seals.get(ascii_lower(round_name))
        if seal is None:
            return False, ("round %r is not in the export (%d events checked): the "
                           "ledger was truncated before its seal, or the name is "
                           "mistyped" % (round_name, checked))
        name, seq, seal_hash = seal
        if seal_hash != digest:
            return False, ("round %r is sealed at seq %d with digest %s, not the "
                           "published one: the history up to that seal was "
                           "rewritten (or the digest is mistyped)"
                           % (name, seq, seal_hash))
        return True, "round %r is sealed at seq %d with this digest" % (name, seq)
    if digest in state.hashes:
        return True, "the digest is the hash of seq %d" % state.hashes[digest]
    return False, ("no event among the %d checked has this hash: the ledger was "
                   "rewritten or truncated after the digest was published (or the "
                   "digest is mistyped)" % checked)


def verify(lines, digest=None, round_name=None, out=sys.stdout):
    """Checks an export given as a list of lines (bytes, without line ends). Prints the
    verdict and returns the exit status (0 or 1)."""
    state = ChainState()
    line_no = 0
    for line_no, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue  # blank lines carry nothing (as `kamerstand import`)
        try:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise Failure("not UTF-8 text (%s)" % e)
            check_line(state, parse_line(text))
        except Failure as e:
            print("FAILED at line %d (seq %d): %s" % (line_no, state.expected_seq, e),
                  file=out)
            return 1
    if state.expected_seq == 0:
        print("FAILED at line %d (seq 0): the export holds no events" % max(line_no, 1),
              file=out)
        return 1
    print("ok: %d events, head %s" % (state.expected_seq, state.prev_hash), file=out)
    if digest is not None:
        ok, message = check_digest(state, digest, round_name)
        if not ok:
            print("FAILED: digest %s: %s" % (digest, message), file=out)
            return 1
        print("digest %s: found: %s" % (digest, message), file=out)
    return 0


def read_lines(path):
    """The file's lines (or standard input's for '-') as bytes, without
    their line ends."""
    if path == "-":
        raw = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as f:
            raw = f.read()
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline that ends the last line
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="verify_export.py",
        description=(
            "Check a kamerstand events export (kamerstand export --format events) "
            "without kamerstand: every hash, every link, and that every line's "
            "JSON values are what its canonical bytes decode to "
            "(schema/event-v1.md, schema/events-export.md)."),
        epilog=(
            "Exit status: 0 intact; 1 not intact, or the digest is not where it "
            "should be ('FAILED at line L (seq S): what'); 2 usage error or "
            "unreadable file. Example: python3 verify_export.py backup.jsonl "
            "--digest 83c9b1...e24807 --round 2024-najaar"),
    )
    parser.add_argument("export", metavar="FILE",
                        help="the events export, JSON Lines ('-' for standard input)")
    parser.add_argument("--digest", metavar="HEX",
                        help="a published digest (64 hex digits) that must be the "
                             "hash of an event in the export")
    parser.add_argument("--round", metavar="NAME",
                        help="with --digest: the round it was published for; the "
                             "digest must then be that round's seal hash")
    args = parser.parse_args(argv)

    digest = None
    if args.digest is not None:
        digest = args.digest.strip().lower()
        if len(digest) != 64 or not set(digest) <= HEX_DIGITS:
            parser.error("--digest needs 64 hex digits, got %r" % args.digest)
    if args.round is not None and digest is None:
        parser.error("--round needs --digest")

    try:
        lines = read_lines(args.export)
    except OSError as e:
        print("error: cannot read %s: %s" % (args.export, e), file=sys.stderr)
        return 2
    return verify(lines, digest, args.round)


if __name__ == "__main__":
    sys.exit(main())
