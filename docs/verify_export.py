#!/usr/bin/env python3
"""Check a kamerstand events export without kamerstand.

An events export (`kamerstand export --format events`) is JSON Lines: one
event per line, with its canonical bytes in hex under "bytes". This script
recomputes every hash, walks the chain, decodes every event's bytes itself
following schema/event-v1.md, and checks that the JSON values on each line
are exactly what the bytes say. The line format is described in
schema/events-export.md.

It also checks what a reporting round publishes (schema/proofs.md): signed
checkpoints (C2SP signed notes of the events' RFC 9162 Merkle root, with
witness cosignatures) against the public keys given, inclusion proofs of
events and consistency proofs between rounds, and, given an export too,
that each checkpoint's root is the root of the export's first events. The
Ed25519 verification is written here from RFC 8032's arithmetic.
--self-test checks this code against published test vectors.

It uses only Python's standard library (Python 3.9 or later).

Exit status: 0 = the export is intact (and the digest, if one was given, is
in it), and every note and proof checks out; 1 = not ("FAILED at line L
(seq S): what", "FAILED: FILE: what"); 2 = usage error or unreadable file.

Section numbers in the comments (§2, §5 ...) refer to schema/event-v1.md,
except in the section on checkpoints and proofs, where they refer to the
RFCs named there.
"""

import argparse
import base64
import binascii
import datetime
import hashlib
import io
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

    # §3: KeyName = string of 1-100 printable ASCII characters, no space, no '+'.
    def key_name(self, what="key name"):
        name = self.string(what)
        if not 1 <= len(name) <= 100 or not all("!" <= c <= "~" and c != "+" for c in name):
            raise DecodeError("%s %r is not 1 to 100 printable ASCII characters without "
                              "spaces or '+'" % (what, name))
        return name

    # §3: AccountName = string of 2-64 characters from a-z 0-9 . _ -, a letter first.
    def account_name(self, what="account name"):
        name = self.string(what)
        if (not 2 <= len(name) <= 64 or not "a" <= name[0] <= "z"
                or not all("a" <= c <= "z" or "0" <= c <= "9" or c in "._-" for c in name)):
            raise DecodeError("%s %r is not 2 to 64 characters from a-z 0-9 . _ - "
                              "starting with a letter" % (what, name))
        return name

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


def body_round_sealed_v2(r):
    """§5, variant 8: a seal that also names the Merkle tree over the events
    before it (its size and root)."""
    return {
        "name": r.string("name"),
        "title": r.string("title"),
        "reported_on": r.day("reported_on"),
        "head_seq": r.u64("head_seq"),
        "head_hash": r.event_hash("head_hash"),
        "tree_size": r.u64("tree_size"),
        "tree_root": r.event_hash("tree_root"),
    }


KEY_ROLES = ("signer", "witness")
ACCOUNT_ROLES = ("beheerder", "coordinator", "medewerker", "auditor")


def unit_variant(r, what, names):
    """§3: an enum of variants without fields is a u32, the index into
    `names` (KeyRole: KEY_ROLES; AccountRole: ACCOUNT_ROLES)."""
    v = r.u32(what)
    if v >= len(names):
        raise DecodeError("%s variant %d is unknown (0-%d)" % (what, v, len(names) - 1))
    return names[v]


def key_role(r, what="role"):
    return unit_variant(r, what, KEY_ROLES)


def account_role(r, what="role"):
    return unit_variant(r, what, ACCOUNT_ROLES)


def body_key_registered(r):
    """§5, variant 9: a key that may sign (signer) or cosign (witness) round
    notes; the public key is 32 raw bytes."""
    return {
        "name": r.key_name("name"),
        "role": key_role(r),
        "public_key": r.take(32, "public_key").hex(),
    }


def body_account_created(r):
    """§5, variant 10."""
    return {
        "account": r.account_name("account"),
        "display_name": r.string("display_name"),
        "role": account_role(r),
        "ministries": r.strings("ministries"),
    }


def body_account_changed(r):
    """§5, variant 11. Absent options mean "unchanged"."""
    return {
        "account": r.account_name("account"),
        "role": r.option(lambda: account_role(r), "role"),
        "ministries": r.option(lambda: r.strings("ministries"), "ministries"),
        "disabled": r.option(lambda: r.boolean("disabled"), "disabled"),
    }


def body_item_detailed(r):
    """§5, variant 12. Absent options mean "unchanged"."""
    return {
        "item": r.event_id("item"),
        "deadline": r.option(lambda: r.day("deadline"), "deadline"),
        "made_on": r.option(lambda: r.day("made_on"), "made_on"),
        "made_in": r.option(lambda: r.string("made_in"), "made_in"),
        "previous_responsible": r.option(lambda: r.responsible("previous_responsible"),
                                         "previous_responsible"),
        "reason": r.option(lambda: r.string("reason"), "reason"),
    }


def body_items_ordered(r):
    """§5, variant 13."""
    return {
        "kind": r.item_kind("kind"),
        "order": r.list_of(lambda: r.event_id("order element"), "order"),
    }


def body_round_signed(r):
    """§5, variant 14: a registered signer's Ed25519 signature of a round's
    checkpoint; the signature is a byte string (u64 length, then bytes) of
    64 bytes."""
    out = {
        "round": r.string("round"),
        "key": r.key_name("key"),
    }
    length = r.u64("signature length")
    if length != 64:
        raise DecodeError("signature has %d bytes, 64 expected" % length)
    out["signature"] = r.take(64, "signature").hex()
    return out


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
    8: ("round_sealed_v2", body_round_sealed_v2),
    9: ("key_registered", body_key_registered),
    10: ("account_created", body_account_created),
    11: ("account_changed", body_account_changed),
    12: ("item_detailed", body_item_detailed),
    13: ("items_ordered", body_items_ordered),
    14: ("round_signed", body_round_signed),
}

# Round seals, old and new (§5, variants 6 and 8).
SEAL_VARIANTS = ("round_sealed", "round_sealed_v2")

# Events about no item (§5).
NOT_ABOUT_AN_ITEM = ("ledger_created", "round_sealed", "round_sealed_v2", "key_registered",
                     "account_created", "account_changed", "items_ordered", "round_signed")

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
        raise DecodeError("body variant %d is unknown (0-%d)" % (variant, max(BODY_VARIANTS)))
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
        self.tree = None               # Frontier of the Merkle tree, when a note is checked
        self.roots = {}                # tree size -> root, for the sizes asked for
        self.origin = None             # the checkpoints' origin, from ledger_created
        self.keys = {}                 # registered key name -> (role, 32-byte public key)
        self.checkpoints = {}          # lower-cased round name -> checkpoint text
        self.signed = 0                # round signatures checked


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
    if ev.type in SEAL_VARIANTS:
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
        # §5, variant 8: a v2 seal's tree covers exactly the events before
        # it, and its root is theirs.
        if ev.type == "round_sealed_v2":
            if b["tree_size"] != n:
                raise Failure("seal mismatch: round %r names a tree of %d events, but %d "
                              "events come before it" % (b["name"], b["tree_size"], n))
            if state.tree is not None and state.tree.root().hex() != b["tree_root"]:
                raise Failure("seal mismatch: round %r names tree root %s, but the %d events "
                              "before it have root %s"
                              % (b["name"], b["tree_root"], n, state.tree.root().hex()))

    # A round signature must verify with the key registered under its name,
    # over the round's checkpoint (schema/proofs.md §3).
    if ev.type == "round_signed":
        b = ev.body
        text = state.checkpoints.get(ascii_lower(b["round"]))
        if text is None:
            raise Failure("bad signature: round %r is not sealed with a Merkle tree "
                          "before this signature" % b["round"])
        key = state.keys.get(b["key"])
        if key is None or key[0] != "signer":
            raise Failure("bad signature: %r is not a registered signer key" % b["key"])
        if not ed25519_verify(key[1], text.encode("utf-8"), bytes.fromhex(b["signature"])):
            raise Failure("bad signature: round %r's signature by %r does not verify "
                          "over its checkpoint" % (b["round"], b["key"]))
        state.signed += 1

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
    if state.tree is not None:
        state.tree.push(event_leaf(data))
        if state.tree.size in state.roots:
            state.roots[state.tree.size] = state.tree.root()
    state.ids.append(ev.id)
    if ev.type == "item_registered":
        state.items.append(ev.id)
    else:
        state.items.append(ev.body.get("item") if isinstance(ev.body, dict) else None)
    if ev.type == "ledger_created":
        state.origin = checkpoint_origin(ev.body["programme"])
    if ev.type == "key_registered":
        # schema/event-v1.md §6: a key name, and a public key, is registered
        # once (kamerstand refuses the second when recording, and verify).
        public = bytes.fromhex(ev.body["public_key"])
        if ev.body["name"] in state.keys:
            raise Failure("rule broken: key name %r is registered a second time"
                          % ev.body["name"])
        for other, (_, pk) in state.keys.items():
            if pk == public:
                raise Failure("rule broken: this public key is registered already, as %r"
                              % other)
        state.keys[ev.body["name"]] = (ev.body["role"], public)
    if ev.type == "round_sealed_v2" and state.tree is not None:
        # The checkpoint of the events before the seal (the tree does not
        # hold the seal yet: it was pushed above, so use the seal's root).
        state.checkpoints[ascii_lower(ev.body["name"])] = "%s\n%d\n%s\n" % (
            state.origin, ev.body["tree_size"],
            base64.b64encode(bytes.fromhex(ev.body["tree_root"])).decode("ascii"))
    if ev.type in SEAL_VARIANTS:
        name = ev.body["name"]
        state.seals[ascii_lower(name)] = (name, n, computed)
    state.hashes.setdefault(computed, n)
    state.prev_hash = computed
    state.last_recorded_at = ev.recorded_at
    state.expected_seq = n + 1
    return computed


def checkpoint_origin(programme):
    """schema/proofs.md §3: `kamerstand/` and the programme's name in lower
    case, each run of spaces, '+' or control characters one '-'. Lower case
    is taken character by character, without context (so a final capital
    sigma becomes σ, as kamerstand writes it, not str.lower()'s ς)."""
    out, gap = "kamerstand/", False
    for c in "".join(ch.lower() for ch in programme.strip()):
        if c.isspace() or c == "+" or ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0:
            gap = True
            continue
        if gap and not out.endswith("/"):
            out += "-"
        gap = False
        out += c
    if out.endswith("/"):
        out += "ledger"
    return out


def ascii_lower(s):
    """Round names are compared ignoring ASCII case (§5, variant 6)."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def expected_line(state, ev, computed_hash, bytes_hex):
    """The export line these bytes stand for (schema/events-export.md)."""
    if ev.type in NOT_ABOUT_AN_ITEM:
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


def verify(lines, digest=None, round_name=None, out=sys.stdout, roots_at=(), then=None):
    """Checks an export given as a list of lines (bytes, without line ends). Prints the
    verdict and returns the exit status (0 or 1). `then`, if given, is called
    with the Merkle roots of the intact export's first events at the sizes
    in `roots_at` (size -> root) and its number of events, and gives the
    status."""
    state = ChainState()
    # The tree is always kept: a v2 seal names its root (§5, variant 8).
    state.tree = Frontier()
    if then is not None:
        state.roots = {size: None for size in roots_at}
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
    print("ok: %d events, head %s%s" % (
        state.expected_seq, state.prev_hash,
        "; %d round signature%s verified" % (state.signed, "" if state.signed == 1 else "s")
        if state.signed else ""), file=out)
    if digest is not None:
        ok, message = check_digest(state, digest, round_name)
        if not ok:
            print("FAILED: digest %s: %s" % (digest, message), file=out)
            return 1
        print("digest %s: found: %s" % (digest, message), file=out)
    if then is not None:
        return then(state.roots, state.expected_seq)
    return 0


# ---------------------------------------------------------------------------
# Signed checkpoints and proofs (schema/proofs.md).
#
# A round's published form is a signed checkpoint: a C2SP signed note
# (c2sp.org/signed-note) whose text is a C2SP checkpoint (origin, tree size,
# base64 Merkle root; c2sp.org/tlog-checkpoint), signed by the programme's
# key and cosigned by witnesses (c2sp.org/tlog-cosignature). The Merkle
# tree is RFC 9162 §2.1's over the events in seq order. What follows checks
# all of it with the standard library: Ed25519 from RFC 8032's arithmetic,
# the note and checkpoint formats, and inclusion and consistency proofs.
# ---------------------------------------------------------------------------

# --- Ed25519 (RFC 8032 §5.1), verification only needs the group law -------

ED_P = 2 ** 255 - 19                                    # §5.1: the field prime
ED_L = 2 ** 252 + 27742317777372353535851937790883648493  # §5.1: the group order
ED_D = (-121665 * pow(121666, ED_P - 2, ED_P)) % ED_P     # §5.1: d = -121665/121666
ED_SQRT_M1 = pow(2, (ED_P - 1) // 4, ED_P)               # a square root of -1


def ed_add(p, q):
    """§5.1.4: the sum of two points in extended coordinates (X, Y, Z, T),
    x = X/Z, y = Y/Z, xy = T/Z. The formulas hold for every pair of points."""
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % ED_P
    b = (y1 + x1) * (y2 + x2) % ED_P
    c = 2 * ED_D * t1 * t2 % ED_P
    d = 2 * z1 * z2 % ED_P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % ED_P, g * h % ED_P, f * g % ED_P, e * h % ED_P)


def ed_double(p):
    """§5.1.4: twice a point."""
    x1, y1, z1, _ = p
    a = x1 * x1 % ED_P
    b = y1 * y1 % ED_P
    c = 2 * z1 * z1 % ED_P
    h = a + b
    e = h - (x1 + y1) * (x1 + y1)
    g = a - b
    f = c + g
    return (e * f % ED_P, g * h % ED_P, f * g % ED_P, e * h % ED_P)


ED_IDENTITY = (0, 1, 1, 0)


def ed_mul(n, p):
    """n times the point p, by doubling and adding from the top bit."""
    acc = ED_IDENTITY
    for bit in reversed(range(n.bit_length())):
        acc = ed_double(acc)
        if (n >> bit) & 1:
            acc = ed_add(acc, p)
    return acc


def ed_same(p, q):
    """Projective equality: x1/z1 = x2/z2 and y1/z1 = y2/z2."""
    return ((p[0] * q[2] - q[0] * p[2]) % ED_P == 0
            and (p[1] * q[2] - q[1] * p[2]) % ED_P == 0)


def ed_decode(b):
    """§5.1.3: the point a 32-byte string encodes, or None. Refuses y >= p
    and a set sign bit on x = 0: every point has one encoding."""
    if len(b) != 32:
        return None
    y = int.from_bytes(b, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= ED_P:
        return None
    # x^2 = (y^2 - 1) / (d y^2 + 1); the candidate root is
    # u v^3 (u v^7)^((p-5)/8) with u, v the numerator and denominator.
    u = (y * y - 1) % ED_P
    v = (ED_D * y * y + 1) % ED_P
    x = u * pow(v, 3, ED_P) * pow(u * pow(v, 7, ED_P), (ED_P - 5) // 8, ED_P) % ED_P
    vxx = v * x * x % ED_P
    if vxx == u:
        pass
    elif vxx == (-u) % ED_P:
        x = x * ED_SQRT_M1 % ED_P
    else:
        return None  # no square root: not a point
    if x == 0 and sign == 1:
        return None
    if x & 1 != sign:
        x = ED_P - x
    return (x, y, 1, x * y % ED_P)


def ed_encode(p):
    """§5.1.2: y in little-endian, the top bit holding the low bit of x."""
    zinv = pow(p[2], ED_P - 2, ED_P)
    x, y = p[0] * zinv % ED_P, p[1] * zinv % ED_P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


# §5.1: the base point, (x, 4/5) with x even.
ED_B = ed_decode((4 * pow(5, ED_P - 2, ED_P) % ED_P).to_bytes(32, "little"))


def ed_small_order(p):
    """True if 8p is the identity: the point lies in the small subgroup."""
    q = ed_mul(8, p)
    return q[0] % ED_P == 0 and (q[1] - q[2]) % ED_P == 0


def ed_secret_scalar(seed):
    """§5.1.5: the clamped scalar of a 32-byte private key, and the prefix."""
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def ed25519_public_key(seed):
    """§5.1.5: the public key of a 32-byte private key."""
    return ed_encode(ed_mul(ed_secret_scalar(seed)[0], ED_B))


def ed25519_sign(seed, message):
    """§5.1.6 (used only by --self-test, to reproduce RFC 8032's vectors)."""
    a, prefix = ed_secret_scalar(seed)
    public = ed_encode(ed_mul(a, ED_B))
    r = int.from_bytes(hashlib.sha512(prefix + message).digest(), "little") % ED_L
    big_r = ed_encode(ed_mul(r, ED_B))
    k = int.from_bytes(hashlib.sha512(big_r + public + message).digest(), "little") % ED_L
    return big_r + ((r + k * a) % ED_L).to_bytes(32, "little")


def ed25519_verify(public, message, signature):
    """§5.1.7: True if `signature` is `public`'s signature of `message`.

    Stricter than the RFC requires, as kamerstand's own verifier is: A and R
    must be canonical encodings of points outside the small subgroup, S
    must be below L, and the check is [S]B = R + [k]A without the factor 8
    (the RFC allows this form; any signature passing it passes the RFC's)."""
    if len(public) != 32 or len(signature) != 64:
        return False
    a = ed_decode(public)
    r = ed_decode(signature[:32])
    if a is None or r is None or ed_small_order(a) or ed_small_order(r):
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= ED_L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(),
                       "little") % ED_L
    return ed_same(ed_mul(s, ED_B), ed_add(r, ed_mul(k, a)))


# --- Signed notes, checkpoints and keys ---------------------------------------

SIG_PREFIX = "\u2014 "          # em dash, space: the start of a signature line
ROLE_OF_TYPE = {1: "signer", 4: "witness"}  # signature type byte -> key role
MAX_NOTE_BYTES = 64 * 1024
MAX_SIGNATURES = 100


def b64_strict(s, what, length=None):
    """Standard padded base64 (RFC 4648 §4) in its one canonical spelling."""
    try:
        raw = base64.b64decode(s, validate=True)
    except (ValueError, binascii.Error):
        raise Failure("%s is not base64: %r" % (what, s))
    if base64.b64encode(raw).decode("ascii") != s:
        raise Failure("%s is not canonical base64: %r" % (what, s))
    if length is not None and len(raw) != length:
        raise Failure("%s is base64 of %d bytes, not %d" % (what, len(raw), length))
    return raw


def check_key_name(name, what):
    """signed-note: non-empty, no spaces of any kind, no '+' (and no
    control characters)."""
    if not name:
        raise Failure("%s is empty" % what)
    for c in name:
        if c.isspace() or c == "+" or ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0:
            raise Failure("%s %r holds %r; names hold no spaces, '+' or control "
                          "characters" % (what, name, c))


def key_id(name, type_byte, public):
    """signed-note: the first 4 bytes of SHA-256(name || 0x0A || type || key)."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([type_byte])
                          + public).digest()[:4]


class VerifierKey:
    """A vkey: name+<8 hex key id>+base64(type || 32-byte Ed25519 key)."""

    def __init__(self, text):
        parts = text.split("+", 2)
        if len(parts) != 3:
            raise Failure("%r is not a verifier key (name+keyid+base64)" % text)
        name, id_hex, data = parts
        check_key_name(name, "the key name")
        if len(id_hex) != 8 or not set(id_hex) <= HEX_DIGITS:
            raise Failure("the key id %r of %s is not 8 lowercase hex digits"
                          % (id_hex, name))
        raw = b64_strict(data, "the key of %s" % name, 33)
        if raw[0] not in ROLE_OF_TYPE:
            raise Failure("key %s has type 0x%02x; 0x01 (signer) or 0x04 (witness) "
                          "expected" % (name, raw[0]))
        self.name, self.type, self.public = name, raw[0], raw[1:]
        self.role = ROLE_OF_TYPE[raw[0]]
        self.id = bytes.fromhex(id_hex)
        point = ed_decode(self.public)
        if point is None or ed_small_order(point):
            raise Failure("key %s is not a valid Ed25519 public key" % name)
        if key_id(name, self.type, self.public) != self.id:
            raise Failure("key %s: its key id %s is not the one its name, type and key "
                          "give (%s); the key text was altered"
                          % (name, id_hex, key_id(name, self.type, self.public).hex()))

    def describe(self):
        return "%s key %s (key id %s)" % (self.role, self.name, self.id.hex())


def read_keys(text, source):
    """The verifier keys in a .pub file: one per non-empty line."""
    keys = []
    for n, line in enumerate(text.split("\n"), start=1):
        if line:
            try:
                keys.append(VerifierKey(line))
            except Failure as e:
                raise Failure("%s line %d: %s" % (source, n, e))
    if not keys:
        raise Failure("%s holds no key" % source)
    return keys


def parse_note(data):
    """signed-note: the text (with its final newline) and the signature
    lines as (key name, key id, signature bytes)."""
    if len(data) > MAX_NOTE_BYTES:
        raise Failure("the note has %d bytes; at most %d are read"
                      % (len(data), MAX_NOTE_BYTES))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Failure("the note is not UTF-8 (%s)" % e)
    for i, c in enumerate(text):
        if c < " " and c != "\n":
            raise Failure("the note holds the control character %r on line %d; only "
                          "newlines are allowed (no carriage returns or tabs)"
                          % (c, text[:i].count("\n") + 1))
    split = text.rfind("\n\n")
    if split < 0:
        raise Failure("the note has no blank line between its text and its signatures")
    body, sigs = text[:split + 1], text[split + 2:]
    if not sigs.endswith("\n") or sigs == "\n" or not sigs:
        raise Failure("the note has no signature lines ending in a newline after its "
                      "blank line")
    lines = sigs[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise Failure("the note has %d signature lines; at most %d are read"
                      % (len(lines), MAX_SIGNATURES))
    signatures = []
    for line in lines:
        if not line.startswith(SIG_PREFIX) or line.count(" ") != 2:
            raise Failure("%r is not a signature line (em dash, space, key name, space, "
                          "base64)" % line)
        name, b64 = line[len(SIG_PREFIX):].split(" ")
        check_key_name(name, "the signature's key name")
        raw = b64_strict(b64, "the signature of %s" % name)
        if len(raw) < 5:
            raise Failure("the signature of %s is too short" % name)
        signatures.append((name, raw[:4], raw[4:]))
    return body, signatures


def parse_checkpoint(text):
    """tlog-checkpoint: (origin, size, root bytes, extension lines)."""
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise Failure("the note text is not a checkpoint (origin, tree size, root hash)")
    origin, size, root = lines[:3]
    check_key_name(origin, "the checkpoint origin")
    if (not size or not set(size) <= set("0123456789")
            or (len(size) > 1 and size[0] == "0") or int(size) >= 2 ** 64):
        raise Failure("the checkpoint's tree size %r is not a decimal number without "
                      "sign, spaces or leading zeros" % size)
    root = b64_strict(root, "the checkpoint's root hash", 32)
    for ext in lines[3:]:
        if not ext:
            raise Failure("the checkpoint has an empty extension line")
    return origin, int(size), root, lines[3:]


def cosignature_message(text, timestamp):
    """tlog-cosignature: what an Ed25519 (type 0x04) cosignature signs."""
    return ("cosignature/v1\ntime %d\n" % timestamp + text).encode("utf-8")


def posix_utc(seconds):
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class SignedCheckpoint:
    """A note whose every given key signed it."""

    def __init__(self, origin, size, root, signed):
        self.origin, self.size, self.root, self.signed = origin, size, root, signed


def check_note(data, keys):
    """Checks a note against the given keys, each of which must have signed
    it (lines by other keys are ignored, as signed-note says). Returns a
    SignedCheckpoint; raises Failure naming what is wrong."""
    text, signatures = parse_note(data)
    origin, size, root, _ = parse_checkpoint(text)
    verified = []
    for name, kid, sig in signatures:
        for key in keys:
            if key.name != name or key.id != kid:
                continue
            stamp = None
            if key.type == 1:
                ok = len(sig) == 64 and ed25519_verify(key.public, text.encode("utf-8"), sig)
            else:
                stamp = int.from_bytes(sig[:8], "big") if len(sig) == 72 else None
                ok = (stamp is not None and stamp < 2 ** 63
                      and ed25519_verify(key.public, cosignature_message(text, stamp),
                                         sig[8:]))
            if not ok:
                raise Failure("the %s by %s does not verify: the note was altered, or the "
                              "signature was made over another checkpoint (a different "
                              "origin, size or root)"
                              % ("cosignature" if key.type == 4 else "signature",
                                 key.describe()))
            verified.append((key, stamp))
    signed_by = [k for k, _ in verified]
    if not signed_by:
        present = ", ".join("%s (key id %s)" % (n, i.hex()) for n, i, _ in signatures)
        raise Failure("the note is not signed by any of the given keys; it is signed "
                      "only by %s" % present)
    for key in keys:
        if key not in signed_by:
            raise Failure("the note has no signature by %s" % key.describe())
    return SignedCheckpoint(origin, size, root, verified)


# --- The Merkle tree (RFC 9162 §2.1) ------------------------------------------


def merkle_leaf(data):
    """§2.1.1: a leaf's hash, SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def merkle_node(left, right):
    """§2.1.1: an interior node's hash, SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def event_leaf(data):
    """An event's leaf: its data is the chain's tag and the canonical bytes."""
    return merkle_leaf(HASH_TAG_V1 + data)


def split_point(n):
    """§2.1.1: the largest power of two smaller than n (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def merkle_root(leaves):
    """§2.1.1 MTH over a list of leaf hashes, straight from the definition
    (the empty list: SHA-256 of nothing)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = split_point(len(leaves))
    return merkle_node(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


class Frontier:
    """The right edge of a tree being built leaf by leaf: the roots of its
    complete subtrees, largest first (one per one-bit of the size). Gives
    the root of every prefix of a long export without keeping its leaves."""

    def __init__(self):
        self.size = 0
        self.edge = []  # (level, hash)

    def push(self, leaf):
        level, h = 0, leaf
        while self.edge and self.edge[-1][0] == level:
            h = merkle_node(self.edge.pop()[1], h)
            level += 1
        self.edge.append((level, h))
        self.size += 1

    def root(self):
        if not self.edge:
            return hashlib.sha256(b"").digest()
        h = self.edge[-1][1]
        for _, left in reversed(self.edge[:-1]):
            h = merkle_node(left, h)
        return h


def merkle_path(m, leaves):
    """§2.1.3.1 PATH(m, D[n]), from the definition."""
    if len(leaves) <= 1:
        return []
    k = split_point(len(leaves))
    if m < k:
        return merkle_path(m, leaves[:k]) + [merkle_root(leaves[k:])]
    return merkle_path(m - k, leaves[k:]) + [merkle_root(leaves[:k])]


def merkle_subproof(m, leaves, complete):
    """§2.1.4.1 SUBPROOF(m, D[n], b), from the definition."""
    if m == len(leaves):
        return [] if complete else [merkle_root(leaves)]
    k = split_point(len(leaves))
    if m <= k:
        return merkle_subproof(m, leaves[:k], complete) + [merkle_root(leaves[k:])]
    return merkle_subproof(m - k, leaves[k:], False) + [merkle_root(leaves[:k])]


def verify_inclusion(leaf, index, size, path, root):
    """§2.1.3.2, step by step. Raises Failure."""
    if index >= size:                                   # 1.
        raise Failure("leaf index %d is not in a tree of %d leaves" % (index, size))
    fn, sn, r = index, size - 1, leaf                   # 2., 3.
    for p in path:                                      # 4.
        if sn == 0:                                     # a.
            raise Failure("the proof has more hashes than a tree of %d leaves needs"
                          % size)
        if fn & 1 or fn == sn:                          # b.
            r = merkle_node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = merkle_node(r, p)
        fn >>= 1                                        # c.
        sn >>= 1
    if sn != 0:                                         # 5.
        raise Failure("the proof has fewer hashes than a tree of %d leaves needs" % size)
    if r != root:
        raise Failure("the proof does not lead to the root (it gives %s)" % r.hex())


def verify_consistency(size1, size2, root1, root2, path):
    """§2.1.4.2, step by step, for 0 < size1 < size2; for equal sizes the
    path must be empty and the roots equal. Raises Failure."""
    if size1 == 0 or size1 > size2:
        raise Failure("a consistency proof needs 0 < size1 <= size2, not %d and %d"
                      % (size1, size2))
    if size1 == size2:
        if path or root1 != root2:
            raise Failure("both trees have %d leaves, so the proof must be empty and the "
                          "roots equal; they are not (a fork)" % size1)
        return
    if not path:                                        # 1.
        raise Failure("the consistency proof is empty, but the sizes differ")
    path = list(path)
    if size1 & (size1 - 1) == 0:                        # 2.
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1                       # 3.
    while fn & 1:                                       # 4.
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]                                   # 5.
    for c in path[1:]:                                  # 6.
        if sn == 0:                                     # a.
            raise Failure("the proof has more hashes than trees of these sizes need")
        if fn & 1 or fn == sn:                          # b.
            fr = merkle_node(c, fr)
            sr = merkle_node(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = merkle_node(sr, c)
        fn >>= 1                                        # c.
        sn >>= 1
    if sn != 0:                                         # 7.
        raise Failure("the proof has fewer hashes than trees of these sizes need")
    if fr != root1:
        raise Failure("the proof does not lead to the first root (it gives %s)" % fr.hex())
    if sr != root2:
        raise Failure("the proof does not lead to the second root (it gives %s)"
                      % sr.hex())


# --- Proof documents (schema/proofs.md) ----------------------------------------

PROOF_KEYS = {
    "inclusion": ("type", "tree_size", "leaf_index", "event_bytes", "path", "root"),
    "consistency": ("type", "size1", "size2", "root1", "root2", "path"),
    "item": ("type", "key", "item", "round", "tree_size", "root", "events"),
}
ITEM_EVENT_KEYS = ("leaf_index", "event_bytes", "path")


def parse_proof(text):
    """A proof document, strictly: exactly its keys, integers, lowercase hex."""
    proof = parse_line(text)  # duplicate keys, NaN and Infinity refused
    kind = proof.get("type")
    if kind not in PROOF_KEYS:
        raise Failure("the proof's type is %s; \"inclusion\", \"consistency\" or "
                      "\"item\" expected" % show(kind))
    if set(proof) != set(PROOF_KEYS[kind]):
        raise Failure("an %s proof has exactly the keys %s; this one has %s"
                      % (kind, ", ".join(PROOF_KEYS[kind]), ", ".join(sorted(proof))))

    def count(key):
        v = proof[key]
        if json_type(v) != "integer" or not 0 <= v < 2 ** 64:
            raise Failure("the proof's %s is %s, not a whole number" % (key, show(v)))
        return v

    def digest(v, what):
        if not isinstance(v, str) or len(v) != 64 or not set(v) <= HEX_DIGITS:
            raise Failure("the proof's %s is not 64 lowercase hex digits" % what)
        return bytes.fromhex(v)

    def path(v, what):
        if not isinstance(v, list):
            raise Failure("the proof's %s is not a list" % what)
        return [digest(h, "%s[%d]" % (what, i)) for i, h in enumerate(v)]

    if kind == "item":
        out = {"type": kind, "tree_size": count("tree_size"),
               "root": digest(proof["root"], "root"), "events": []}
        for key in ("key", "item", "round"):
            if not isinstance(proof[key], str):
                raise Failure("the proof's %s is not a string" % key)
            out[key] = proof[key]
        if not isinstance(proof["events"], list) or not proof["events"]:
            raise Failure("the item proof's events are not a non-empty list")
        for i, e in enumerate(proof["events"]):
            if not isinstance(e, dict) or set(e) != set(ITEM_EVENT_KEYS):
                raise Failure("events[%d] has exactly the keys %s" % (i, ", ".join(ITEM_EVENT_KEYS)))
            index = e["leaf_index"]
            if json_type(index) != "integer" or not 0 <= index < 2 ** 64:
                raise Failure("events[%d].leaf_index is %s, not a whole number" % (i, show(index)))
            out["events"].append({"leaf_index": index,
                                  "event_bytes": bytes.fromhex(hex_field(e, "event_bytes")),
                                  "path": path(e["path"], "events[%d].path" % i)})
        return out
    out = {"type": kind, "path": path(proof["path"], "path")}
    if kind == "inclusion":
        out["tree_size"] = count("tree_size")
        out["leaf_index"] = count("leaf_index")
        out["root"] = digest(proof["root"], "root")
        out["event_bytes"] = bytes.fromhex(hex_field(proof, "event_bytes"))
    else:
        out["size1"], out["size2"] = count("size1"), count("size2")
        out["root1"] = digest(proof["root1"], "root1")
        out["root2"] = digest(proof["root2"], "root2")
    return out


def check_item_events(proof):
    """schema/proofs.md §4, an item proof's rules: the first event is the
    registration (item_registered) of the item `item` under the key `key`;
    every other event is about that item and registers nothing; a
    correction's target is an earlier event of the proof, with the id the
    correction names; the events come once each, in seq order, each at its
    own seq; and each path leads to `root` in the tree of `tree_size`
    events. Raises Failure naming the event and the rule."""
    held = []  # (seq, id) of the events checked so far
    for i, e in enumerate(proof["events"]):
        try:
            ev = decode_event(e["event_bytes"])
        except DecodeError as err:
            raise Failure("an event in the item proof cannot be read: %s" % err)
        seq = ev.seq
        if seq != e["leaf_index"]:
            raise Failure("the event in the proof is seq %d, but the proof places it "
                          "at leaf %d" % (seq, e["leaf_index"]))
        if held and held[-1][0] == seq:
            raise Failure("event %d is listed twice: an item proof lists each event "
                          "once, in seq order" % seq)
        if held and held[-1][0] > seq:
            raise Failure("event %d comes after event %d: an item proof lists its "
                          "events once, in seq order" % (seq, held[-1][0]))
        if not held:
            if ev.type != "item_registered":
                raise Failure("event %d is a %s event, but an item proof begins with "
                              "the item's registration (item_registered)" % (seq, ev.type))
            if ev.id != proof["item"]:
                raise Failure("event %d registers item %s, but the proof is for item %s: "
                              "an item proof begins with the registration of its item"
                              % (seq, ev.id, proof["item"]))
            if ev.body["key"] != proof["key"]:
                raise Failure("event %d registers the item under key '%s', but the proof "
                              "names key '%s': the key is the one the registration gives "
                              "(an item's key never changes)"
                              % (seq, ev.body["key"], proof["key"]))
        else:
            first = held[0][0]
            about = ev.id if ev.type == "item_registered" else (
                ev.body.get("item") if isinstance(ev.body, dict) else None)
            if about != proof["item"]:
                raise Failure("event %d is about %s, not item %s (registered at event %d): "
                              "every event of an item proof is about its item"
                              % (seq, "item %s" % about if about else "no item",
                                 proof["item"], first))
            if ev.type == "item_registered":
                raise Failure("event %d registers the item again, but the proof's item was "
                              "registered at event %d: only the first event of an item "
                              "proof is a registration" % (seq, first))
            if ev.type == "corrected":
                target, target_id = ev.body["target_seq"], ev.body["target_id"]
                ids = [held_id for held_seq, held_id in held if held_seq == target]
                if not ids:
                    raise Failure("event %d corrects event %d, which the proof does not "
                                  "hold: what a correction corrects is about the same "
                                  "item, so it belongs in the proof" % (seq, target))
                if ids[0] != target_id:
                    raise Failure("event %d corrects event %d with id %s, but the proof's "
                                  "event %d has id %s" % (seq, target, target_id, target,
                                                          ids[0]))
        verify_inclusion(event_leaf(e["event_bytes"]), e["leaf_index"],
                         proof["tree_size"], e["path"], proof["root"])
        held.append((seq, ev.id))


def check_proof(proof):
    """Checks a parsed proof's own hashes; for inclusion also that the event
    decodes and says its seq is the leaf index. Returns a description."""
    if proof["type"] == "item":
        check_item_events(proof)
        first = decode_event(proof["events"][0]["event_bytes"])
        return ("%d events about item %s (%s), from its registration at seq %d, are in "
                "the tree of %d events with root %s (round %s, as the proof names it)"
                % (len(proof["events"]), proof["key"], proof["item"], first.seq,
                   proof["tree_size"], proof["root"].hex(), proof["round"]))
    if proof["type"] == "inclusion":
        try:
            ev = decode_event(proof["event_bytes"])
        except DecodeError as e:
            raise Failure("the event in the proof cannot be read: %s" % e)
        if ev.seq != proof["leaf_index"]:
            raise Failure("the event in the proof is seq %d, but the proof places it at "
                          "leaf %d" % (ev.seq, proof["leaf_index"]))
        verify_inclusion(event_leaf(proof["event_bytes"]), proof["leaf_index"],
                         proof["tree_size"], proof["path"], proof["root"])
        return ("event seq %d (%s, hash %s) is in the tree of %d events with root %s"
                % (ev.seq, ev.type, event_hash(proof["event_bytes"]), proof["tree_size"],
                   proof["root"].hex()))
    verify_consistency(proof["size1"], proof["size2"], proof["root1"], proof["root2"],
                       proof["path"])
    return ("the tree of %d events (root %s) extends the tree of %d events (root %s)"
            % (proof["size2"], proof["root2"].hex(), proof["size1"], proof["root1"].hex()))


def same_tree(size, root, cp, name):
    if size != cp.size or root != cp.root:
        raise Failure("the proof is for a tree of %d events with root %s; %s is for %d "
                      "events with root %s" % (size, root.hex(), name, cp.size,
                                               cp.root.hex()))


def check_notes(notes, keys, out=sys.stdout):
    """--note/--pubkey: notes is a list of (name, bytes), keys the verifier
    keys. Prints what was checked; returns the exit status (0 or 1) and the
    verified checkpoints as (name, SignedCheckpoint)."""
    checked = []
    for name, data in notes:
        try:
            cp = check_note(data, keys)
        except Failure as e:
            print("FAILED: %s: %s" % (name, e), file=out)
            return 1, checked
        signers = "; ".join(
            ("cosigned by %s at %s" % (k.name, posix_utc(t))) if k.type == 4
            else "signed by %s" % k.name for k, t in cp.signed)
        print("ok: %s: checkpoint of %s, %d events, root %s; %s"
              % (name, cp.origin, cp.size, cp.root.hex(), signers), file=out)
        checked.append((name, cp))
    for i, (name_a, a) in enumerate(checked):
        for name_b, b in checked[i + 1:]:
            if a.origin != b.origin:
                print("FAILED: %s is for %s, %s for %s: not one log"
                      % (name_a, a.origin, name_b, b.origin), file=out)
                return 1, checked
            if a.size == b.size and a.root != b.root:
                print("FAILED: fork: %s and %s both have %d events but different roots "
                      "(%s and %s); the log showed two different histories"
                      % (name_a, name_b, a.size, a.root.hex(), b.root.hex()), file=out)
                return 1, checked
    return 0, checked


def check_export_roots(checked, roots, count, out=sys.stdout):
    """Each checkpoint's root against the root of the export's first events
    (roots: size -> root, as the walk recorded them; count: events in the
    export). Returns the exit status."""
    for name, cp in checked:
        if cp.size > count:
            print("FAILED: %s is for %d events, the export holds only %d: the ledger "
                  "was truncated after the checkpoint was signed"
                  % (name, cp.size, count), file=out)
            return 1
        root = roots[cp.size]
        if root != cp.root:
            print("FAILED: %s: the export's first %d events have root %s, the "
                  "checkpoint says %s: the history up to it was rewritten (or the "
                  "note is for another ledger)"
                  % (name, cp.size, root.hex(), cp.root.hex()), file=out)
            return 1
        print("ok: %s: the export's first %d events have the checkpoint's root"
              % (name, cp.size), file=out)
    return 0


def check_proofs(proofs, checked, out=sys.stdout):
    """--proof: proofs is a list of (name, text), each checked and tied to
    the verified checkpoints. Returns the exit status."""
    for pname, ptext in proofs:
        try:
            proof = parse_proof(ptext)
            what = check_one_proof(proof, checked)
        except Failure as e:
            print("FAILED: %s: %s" % (pname, e), file=out)
            return 1
        if proof["type"] == "item":
            # What the checked events say, so that the history can be read
            # from the proof alone; and what the proof cannot show.
            what += ("; it does not show that the tree holds no other event about "
                     "the item")
        print("ok: %s: %s" % (pname, what), file=out)
        if proof["type"] == "item":
            for line in item_history(proof):
                print("  " + line, file=out)
    return 0


def item_history(proof):
    """An item proof's events (already checked) as lines: seq, recorded
    time, actor, type and the body's values as decoded, without the item id
    every one of them repeats."""
    lines = []
    for e in proof["events"]:
        ev = decode_event(e["event_bytes"])
        body = {k: v for k, v in ev.body.items() if k != "item"}
        lines.append("seq %d, recorded %s by %s: %s %s"
                     % (ev.seq, rfc3339(ev.recorded_at), ev.actor, ev.type,
                        json.dumps(body, ensure_ascii=False, sort_keys=True)))
    return lines


def check_signed(notes, keys, proofs=(), out=sys.stdout):
    """Notes, then proofs; the exit status."""
    status, checked = check_notes(notes, keys, out)
    return status or check_proofs(proofs, checked, out)


def check_one_proof(p, checked):
    """Checks a parsed proof and ties it to the verified checkpoints
    (name, SignedCheckpoint); returns what it showed."""
    what = check_proof(p)
    if not checked:
        return what + " (no signed checkpoint given: the root is not vouched for)"
    if p["type"] in ("inclusion", "item"):
        matching = [n for n, cp in checked
                    if cp.size == p["tree_size"] and cp.root == p["root"]]
        if not matching:
            same_tree(p["tree_size"], p["root"], checked[0][1], checked[0][0])
        return what + ", signed in %s" % matching[0]
    by_size = sorted(checked, key=lambda nc: nc[1].size)
    if len(by_size) >= 2:
        same_tree(p["size1"], p["root1"], by_size[0][1], by_size[0][0])
        same_tree(p["size2"], p["root2"], by_size[-1][1], by_size[-1][0])
        return what + ", both signed (%s, %s)" % (by_size[0][0], by_size[-1][0])
    name, cp = by_size[0]
    if (p["size2"], p["root2"]) == (cp.size, cp.root):
        return what + ("; the newer root is signed in %s, compare the older one with "
                       "the root published for %d events" % (name, p["size1"]))
    same_tree(p["size1"], p["root1"], cp, name)
    return what + ("; the older root is signed in %s, compare the newer one with the "
                   "root published for %d events" % (name, p["size2"]))


# --- --self-test ---------------------------------------------------------------

# RFC 8032 §7.1: TEST 1, 2, 3 and SHA(abc): secret key, public key, message,
# signature.
RFC8032_VECTORS = [
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
     "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"),
]

# Certificate Transparency's eight test leaves and the roots published for
# the trees of their first 1..8 leaves.
CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
             "606162636465666768696a6b6c6d6e6f"]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def flipped(b, i, mask=0x01):
    """b with byte i XORed with mask."""
    return b[:i] + bytes([b[i] ^ mask]) + b[i + 1:]


def fails(f, *args):
    """True if f(*args) raises Failure."""
    try:
        f(*args)
    except Failure:
        return True
    return False


class SelfTest:
    """Named checks with a pass/fail count."""

    def __init__(self, out):
        self.out, self.passed, self.failed = out, 0, 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok    %s" % name, file=self.out)
        else:
            self.failed += 1
            print("FAIL  %s%s" % (name, (": " + detail) if detail else ""), file=self.out)


def self_test_ed25519(t):
    for n, (secret, public, msg, sig) in enumerate(RFC8032_VECTORS, start=1):
        seed, pk = bytes.fromhex(secret), bytes.fromhex(public)
        m, s = bytes.fromhex(msg), bytes.fromhex(sig)
        t.check("RFC 8032 vector %d: public key" % n, ed25519_public_key(seed) == pk)
        t.check("RFC 8032 vector %d: signature" % n, ed25519_sign(seed, m) == s)
        t.check("RFC 8032 vector %d: verifies" % n, ed25519_verify(pk, m, s))
        t.check("RFC 8032 vector %d: every flipped signature byte refused" % n,
                not any(ed25519_verify(pk, m, flipped(s, i)) for i in range(64)))
        t.check("RFC 8032 vector %d: every flipped public key byte refused" % n,
                not any(ed25519_verify(flipped(pk, i), m, s) for i in range(32)))
        t.check("RFC 8032 vector %d: altered message refused" % n,
                not ed25519_verify(pk, m + b"\x00", s)
                and not any(ed25519_verify(pk, flipped(m, i), s) for i in range(len(m))))
        high = (int.from_bytes(s[32:], "little") + ED_L).to_bytes(32, "little")
        t.check("RFC 8032 vector %d: S + L refused" % n,
                not ed25519_verify(pk, m, s[:32] + high))
    identity = (1).to_bytes(32, "little")
    t.check("a small-order public key is refused",
            not ed25519_verify(identity, b"", identity + bytes(32)))


# schema/proofs.md §3: programme names and the origins kamerstand derives
# from them (src/formats/note/tests.rs checks the same table).
ORIGIN_CASES = [
    ("GWB", "kamerstand/gwb"),
    ("  Zorg + Welzijn\tNoord ", "kamerstand/zorg-welzijn-noord"),
    ("NAP\u00a0\u2003Digitaal", "kamerstand/nap-digitaal"),
    ("+ ", "kamerstand/ledger"),
    ("\u039f\u0394\u039f\u03a3", "kamerstand/\u03bf\u03b4\u03bf\u03c3"),
    ("\u0130DO", "kamerstand/i\u0307do"),
]


def self_test_origin(t):
    for programme, origin in ORIGIN_CASES:
        got = checkpoint_origin(programme)
        t.check("origin of programme %r" % programme, got == origin,
                "got %r, expected %r" % (got, origin))


def self_test_ct(t):
    leaves = [merkle_leaf(bytes.fromhex(d)) for d in CT_LEAVES]
    for n in range(1, 9):
        t.check("CT test leaves: root of %d" % n,
                merkle_root(leaves[:n]).hex() == CT_ROOTS[n - 1])


def self_test_merkle_vectors(t, v, name):
    data = [bytes.fromhex(d) for d in v["leaf_data"]]
    leaves = [merkle_leaf(d) for d in data]
    t.check("%s: leaf hashes" % name, [h.hex() for h in leaves] == v["leaf_hashes"])
    t.check("%s: empty root" % name, merkle_root([]).hex() == v["empty_root"])
    frontier, prefix_roots = Frontier(), {}
    for leaf in leaves:
        frontier.push(leaf)
        prefix_roots[frontier.size] = frontier.root()
    for tree in v["trees"]:
        n = tree["size"]
        root = merkle_root(leaves[:n])
        t.check("%s: root of %d (recursively and leaf by leaf)" % (name, n),
                root.hex() == tree["root"] == prefix_roots[n].hex())
        good, refused = True, True
        for inc in tree["inclusion"]:
            i, path = inc["leaf_index"], [bytes.fromhex(h) for h in inc["path"]]
            good &= path == merkle_path(i, leaves[:n])
            good &= not fails(verify_inclusion, leaves[i], i, n, path, root)
            for j in range(len(path)):
                for byte in (0, 17, 31):
                    bad = list(path)
                    bad[j] = flipped(bad[j], byte)
                    refused &= fails(verify_inclusion, leaves[i], i, n, bad, root)
            refused &= fails(verify_inclusion, leaves[i], i, n, path, flipped(root, 7))
        t.check("%s: inclusion proofs in %d (from the definition, and verified)"
                % (name, n), good)
        t.check("%s: inclusion proofs in %d with a flipped byte refused" % (name, n),
                refused)
        good, refused = True, True
        for con in tree["consistency"]:
            m, path = con["size1"], [bytes.fromhex(h) for h in con["path"]]
            root1 = merkle_root(leaves[:m])
            good &= con["root1"] == root1.hex()
            good &= path == ([] if m == n else merkle_subproof(m, leaves[:n], True))
            good &= not fails(verify_consistency, m, n, root1, root, path)
            for j in range(len(path)):
                bad = list(path)
                bad[j] = flipped(bad[j], 0)
                refused &= fails(verify_consistency, m, n, root1, root, bad)
            refused &= fails(verify_consistency, m, n, flipped(root1, 3), root, path)
            refused &= fails(verify_consistency, m, n, root1, flipped(root, 3), path)
        t.check("%s: consistency proofs to %d (from the definition, and verified)"
                % (name, n), good)
        t.check("%s: consistency proofs to %d with a flipped byte refused" % (name, n),
                refused)
    for neg in v["negative"]:
        path = [bytes.fromhex(h) for h in neg["path"]]
        if neg["type"] == "inclusion":
            bad = fails(verify_inclusion, bytes.fromhex(neg["leaf_hash"]), neg["leaf_index"],
                        neg["tree_size"], path, bytes.fromhex(neg["root"]))
        else:
            bad = fails(verify_consistency, neg["size1"], neg["size2"],
                        bytes.fromhex(neg["root1"]), bytes.fromhex(neg["root2"]), path)
        t.check("%s: negative %s vector refused: %s" % (name, neg["type"], neg["altered"]),
                bad)


# (note files, key files, proof file or None, exit status, text the output
# must hold) for the files of tests/fixtures/note-vectors.json.
NOTE_CASES = [
    (["round-16.note"], ["signer.pub", "witness.pub"], None, 0,
     "cosigned by witness.example/w1 at 2025-07-01T00:00:00Z"),
    (["round-6.note"], ["signer.pub"], "inclusion-0-of-6.json", 0,
     "event seq 0 (ledger_created"),
    (["round-16.note"], ["signer.pub", "witness.pub"], "inclusion-5-of-16.json", 0,
     "signed in round-16.note"),
    (["round-16.note"], ["signer.pub"], "inclusion-15-of-16.json", 0, "event seq 15"),
    (["round-6.note", "round-16.note"], ["signer.pub", "witness.pub"],
     "consistency-6-16.json", 0, "both signed (round-6.note, round-16.note)"),
    (["round-16.note"], ["signer.pub"], "consistency-6-16.json", 0,
     "compare the older one with the root published for 6 events"),
    ([], [], "consistency-6-16.json", 0, "not vouched for"),
    (["stranger-16.note"], ["signer.pub"], None, 1,
     "is not signed by any of the given keys; it is signed only by elsewhere.example/log"),
    (["round-16.note"], ["stranger.pub"], None, 1,
     "is not signed by any of the given keys"),
    (["round-6.note"], ["signer.pub", "stranger.pub"], None, 1,
     "has no signature by signer key elsewhere.example/log"),
    (["moved-cosignature-16.note"], ["signer.pub", "witness.pub"], None, 1,
     "the cosignature by witness key witness.example/w1"),
    (["round-16.note", "fork-16.note"], ["signer.pub"], None, 1, "FAILED: fork: "),
    (["round-6.note"], ["signer.pub"], "inclusion-5-of-16.json", 1,
     "the proof is for a tree of 16 events"),
    (["round-16.note"], ["signer.pub"], "inclusion-5-of-16-altered-event.json", 1,
     "FAILED: inclusion-5-of-16-altered-event.json"),
    (["round-6.note", "round-16.note"], ["signer.pub"], "consistency-6-16-short.json", 1,
     "fewer hashes"),
    (["fork-16.note", "round-6.note"], ["signer.pub"], "consistency-6-16.json", 1,
     "the proof is for a tree of 16 events"),
]


def self_test_note_vectors(t, v, name):
    files = v["files"]

    def run(notes, pubs, proof):
        keys = [k for p in pubs for k in read_keys(files[p], p)]
        out = io.StringIO()
        status = check_signed([(n, files[n].encode("utf-8")) for n in notes], keys,
                              [(proof, files[proof])] if proof else [], out)
        return status, out.getvalue()

    for notes, pubs, proof, want, says in NOTE_CASES:
        status, text = run(notes, pubs, proof)
        t.check("%s: %s with %s%s -> %d" % (name, " ".join(notes) or "no note",
                                            " ".join(pubs) or "no key",
                                            (" and " + proof) if proof else "", want),
                status == want and says in text, "exit %d: %s" % (status, text.strip()))

    keys = read_keys(files["signer.pub"], "signer.pub") + read_keys(files["witness.pub"],
                                                                    "witness.pub")
    note = files["round-16.note"].encode("utf-8")
    accepted = [i for i in range(len(note)) for mask in (0x01, 0x20, 0x80)
                if not fails(check_note, flipped(note, i, mask), keys)]
    t.check("%s: every altered byte of round-16.note refused" % name, not accepted,
            "accepted with byte(s) %s altered" % accepted[:5])
    for pname in ("inclusion-5-of-16.json", "consistency-6-16.json"):
        p = parse_proof(files[pname])
        accepted = []
        for key in [k for k in p if isinstance(p[k], bytes)]:
            for i in range(len(p[key])):
                q = dict(p, **{key: flipped(p[key], i)})
                if not fails(check_proof, q):
                    accepted.append("%s[%d]" % (key, i))
        for j, h in enumerate(p["path"]):
            for i in range(32):
                q = dict(p, path=p["path"][:j] + [flipped(h, i)] + p["path"][j + 1:])
                if not fails(check_proof, q):
                    accepted.append("path[%d][%d]" % (j, i))
        t.check("%s: every altered byte of %s refused" % (name, pname), not accepted,
                "accepted: %s" % accepted[:5])


def self_test_names(t):
    """§3: key and account names are checked while decoding, as kamerstand
    does: an event that carries another is not a valid event."""
    def event(variant, body):
        actor = b"t"
        return (FORMAT_VERSION.to_bytes(2, "little") + (1).to_bytes(8, "little")
                + bytes(16) + (0).to_bytes(8, "little")
                + len(actor).to_bytes(8, "little") + actor + bytes(32)
                + variant.to_bytes(4, "little") + body)

    def text(s):
        raw = s.encode("utf-8")
        return len(raw).to_bytes(8, "little") + raw

    def decodes(data):
        try:
            decode_event(data)
        except DecodeError:
            return False
        return True

    def key(name):  # variant 9, a signer
        return event(9, text(name) + (0).to_bytes(4, "little") + bytes(32))

    def signed(name):  # variant 14
        return event(14, text("r1") + text(name) + (64).to_bytes(8, "little") + bytes(64))

    def account(name):  # variant 10, an auditor without ministries
        return event(10, text(name) + text("A") + (3).to_bytes(4, "little") + bytes(8))

    good = ["minvro.example/gwb", "x", "~" * 100]
    bad = ["", "a b", "a+b", "é", "a\tb", "x" * 101]
    t.check("key names: %s decode, %s do not (key_registered, round_signed)"
            % (len(good), len(bad)),
            all(decodes(key(n)) and decodes(signed(n)) for n in good)
            and not any(decodes(key(n)) or decodes(signed(n)) for n in bad))
    good = ["jan", "j.de-vries_2", "a" * 64]
    bad = ["j", "Jan", "2jan", "jan de vries", "a" * 65]
    t.check("account names: %s decode, %s do not (account_created)" % (len(good), len(bad)),
            all(decodes(account(n)) for n in good)
            and not any(decodes(account(n)) for n in bad))


def self_test(vector_files, out=sys.stdout):
    """--self-test: RFC 8032's vectors, CT's published roots and the given
    vector files, recomputed here from the definitions."""
    t = SelfTest(out)
    self_test_ed25519(t)
    self_test_ct(t)
    self_test_origin(t)
    self_test_names(t)
    for path in vector_files:
        with open(path, "rb") as f:
            v = json.loads(f.read().decode("utf-8"))
        name = path.replace("\\", "/").rsplit("/", 1)[-1]
        if "trees" in v:
            self_test_merkle_vectors(t, v, name)
        elif "files" in v:
            self_test_note_vectors(t, v, name)
        else:
            t.check("%s: a known kind of vector file" % name, False)
    print("self-test: %d passed, %d failed" % (t.passed, t.failed), file=out)
    return 0 if t.failed == 0 else 1


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


def read_bytes(path):
    """A file's bytes ('-' for standard input)."""
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as f:
        return f.read()


def default_vector_files():
    """The repository's vector files, when this script sits in its docs/."""
    here = sys.path[0] if sys.argv and sys.argv[0].endswith("verify_export.py") else "."
    candidates = [here + "/../tests/fixtures/merkle-vectors.json",
                  here + "/../tests/fixtures/note-vectors.json"]
    found = []
    for c in candidates:
        try:
            with open(c, "rb"):
                found.append(c)
        except OSError:
            pass
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="verify_export.py",
        description=(
            "Check a kamerstand events export (kamerstand export --format events) "
            "without kamerstand: every hash, every link, and that every line's "
            "JSON values are what its canonical bytes decode to "
            "(schema/event-v1.md, schema/events-export.md). Check signed "
            "checkpoints (--note, --pubkey), and inclusion, consistency and item "
            "proofs (--proof) of a round (schema/proofs.md); in an export, every "
            "round signature against the key registered for it."),
        epilog=(
            "Exit status: 0 intact; 1 not intact, or the digest is not where it "
            "should be ('FAILED at line L (seq S): what'), or a note or proof does "
            "not check out ('FAILED: FILE: what'); 2 usage error or unreadable "
            "file. Examples: python3 verify_export.py backup.jsonl --digest "
            "83c9b1...e24807 --round 2024-najaar; python3 verify_export.py --note "
            "2024-najaar.note --pubkey programme.pub --proof inclusion.json"),
    )
    parser.add_argument("export", metavar="FILE", nargs="?",
                        help="the events export, JSON Lines ('-' for standard input); "
                             "with --note, each checkpoint's root must also be the "
                             "root of the export's first events")
    parser.add_argument("--digest", metavar="HEX",
                        help="a published digest (64 hex digits) that must be the "
                             "hash of an event in the export")
    parser.add_argument("--round", metavar="NAME",
                        help="with --digest: the round it was published for; the "
                             "digest must then be that round's seal hash")
    parser.add_argument("--note", metavar="NOTE", action="append", default=[],
                        help="a signed checkpoint (signed note); give it twice to "
                             "check two rounds against each other")
    parser.add_argument("--pubkey", metavar="FILE.pub", action="append", default=[],
                        help="with --note: a verifier key file; every key given must "
                             "have signed every note (repeat for witnesses)")
    parser.add_argument("--proof", metavar="PROOF", action="append", default=[],
                        help="an inclusion, consistency or item proof (JSON, as "
                             "`kamerstand proof` prints it); with --note it must be "
                             "about the signed tree(s); repeat for several")
    parser.add_argument("--self-test", action="store_true",
                        help="check this script's Ed25519 and Merkle code against RFC "
                             "8032's and Certificate Transparency's vectors and the "
                             "vector files (--vectors)")
    parser.add_argument("--vectors", metavar="FILE", action="append",
                        help="with --self-test: a vector file of kamerstand's "
                             "(tests/fixtures/*-vectors.json); by default the "
                             "repository's, when found beside this script")
    args = parser.parse_args(argv)

    if args.self_test:
        if args.export or args.note or args.proof or args.pubkey or args.digest:
            parser.error("--self-test takes no export, note, key or proof")
        try:
            return self_test(args.vectors if args.vectors is not None
                             else default_vector_files())
        except (OSError, ValueError, KeyError) as e:
            print("error: cannot read the vectors: %s" % e, file=sys.stderr)
            return 2
    if args.vectors is not None:
        parser.error("--vectors needs --self-test")
    if args.export is None and not args.note and not args.proof:
        parser.error("give an events export, a --note, or a --proof")
    if args.note and not args.pubkey:
        parser.error("--note needs --pubkey: the key(s) that must have signed it")
    if args.pubkey and not args.note:
        parser.error("--pubkey needs --note")
    if len(args.note) > 2:
        parser.error("give at most two --note")

    digest = None
    if args.digest is not None:
        digest = args.digest.strip().lower()
        if len(digest) != 64 or not set(digest) <= HEX_DIGITS:
            parser.error("--digest needs 64 hex digits, got %r" % args.digest)
    if args.round is not None and digest is None:
        parser.error("--round needs --digest")
    if digest is not None and args.export is None:
        parser.error("--digest needs an events export")

    signed = None
    if args.note or args.proof:
        signed = True
        try:
            notes = [(n, read_bytes(n)) for n in args.note]
            keys = []
            for k in args.pubkey:
                keys.extend(read_keys(read_bytes(k).decode("utf-8", "replace"), k))
            proofs = [(p, read_bytes(p).decode("utf-8", "replace")) for p in args.proof]
        except OSError as e:
            print("error: cannot read %s: %s" % (e.filename, e.strerror), file=sys.stderr)
            return 2
        except Failure as e:
            print("error: %s" % e, file=sys.stderr)
            return 2

    if args.export is None:
        return check_signed(notes, keys, proofs)
    try:
        lines = read_lines(args.export)
    except OSError as e:
        print("error: cannot read %s: %s" % (args.export, e), file=sys.stderr)
        return 2
    if signed is None:
        return verify(lines, digest, args.round)
    # The notes' signatures first, then the export, then the notes' roots
    # against the export's, then the proofs.
    status, checked = check_notes(notes, keys)
    if status:
        return status

    def then(roots, count):
        return (check_export_roots(checked, roots, count)
                or check_proofs(proofs, checked))

    return verify(lines, digest, args.round, roots_at=[cp.size for _, cp in checked],
                  then=then)


if __name__ == "__main__":
    sys.exit(main())
