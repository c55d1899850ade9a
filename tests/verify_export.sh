#!/usr/bin/env bash
# Runs docs/verify_export.py (the independent checker of events exports,
# schema/events-export.md) on an export of the demo ledger, which must pass,
# also against the digest of its first round; then on tampered copies, each
# of which must fail with exit status 1 and name what is wrong.
#
# Needs cargo and python3 (3.9 or later; set PYTHON to use another one).
# Usage: tests/verify_export.sh
# Prints one line per check and a summary "verify_export: N passed, M failed";
# exits 0 when every check went as expected, 1 otherwise, 2 when the demo
# ledger could not be built or exported.
set -uo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VERIFY=docs/verify_export.py

work=$(mktemp -d)
store=""
cleanup() {
  rm -rf "$work"
  # demo --keep left its temporary directory (kamerstand-demo-PID-NANOS,
  # holding the store and the demo's exports) for us to remove.
  if [ -n "$store" ]; then
    local dir=$store
    case $(basename "$(dirname "$store")") in
      kamerstand-demo-*) dir=$(dirname "$store") ;;
    esac
    [ -d "$dir" ] && rm -rf "$dir"
  fi
}
trap cleanup EXIT

die() { echo "verify_export: $*" >&2; exit 2; }

# --- The demo ledger and its events export ---------------------------------

cargo run --locked --release -q -- demo --keep --format json >"$work/demo.json" 2>"$work/demo.err" \
  || { cat "$work/demo.err" >&2; die "kamerstand demo failed"; }

# One field per line: store, head, then name and digest of the first and of
# the last sealed round, all as kamerstand reports them.
"$PYTHON" - "$work/demo.json" >"$work/facts" <<'EOF' || die "cannot read the demo's JSON output"
import json, sys
d = json.load(open(sys.argv[1]))
rounds = d["rounds"]["rounds"]
assert len(rounds) >= 2, "the demo should seal two rounds"
for v in (d["store"], d["verify"]["head"], rounds[0]["name"], rounds[0]["digest"],
          rounds[-1]["name"], rounds[-1]["digest"]):
    print(v)
EOF
{ read -r store; read -r head; read -r first_round; read -r first_digest
  read -r last_round; read -r last_digest; } <"$work/facts"
[ -n "$store" ] && [ -d "$store" ] || die "the demo printed no store directory"

export_file="$work/demo.jsonl"
cargo run --locked --release -q -- --store "$store" export --format events -o "$export_file" 2>"$work/export.err" \
  || { cat "$work/export.err" >&2; die "kamerstand export --format events failed"; }
[ -s "$export_file" ] || die "the events export is empty"

# --- Tampering -----------------------------------------------------------------

# tamper.py MODE IN OUT [ARG]: writes a tampered copy of the export IN to OUT.
cat >"$work/tamper.py" <<'EOF'
import hashlib, json, sys

mode, src, dst = sys.argv[1:4]
lines = open(src, encoding="utf-8").read().splitlines()
middle = len(lines) // 2

def rehash(obj, data):
    """Puts new bytes on a line with their correct hash (only the decoder
    or the chain can then tell)."""
    obj["bytes"] = data.hex()
    obj["hash"] = hashlib.sha256(b"kamerstand/event/v1\n" + data).hexdigest()

if mode == "byte":            # one byte of "bytes" changed, hash left as is
    obj = json.loads(lines[middle])
    data = bytearray(bytes.fromhex(obj["bytes"]))
    data[len(data) // 2] ^= 0x01
    obj["bytes"] = bytes(data).hex()
    lines[middle] = json.dumps(obj, ensure_ascii=False)
elif mode == "actor":         # a JSON value changed, bytes left as they are
    obj = json.loads(lines[middle])
    obj["actor"] = obj["actor"] + " (vervalst)"
    lines[middle] = json.dumps(obj, ensure_ascii=False)
elif mode == "delete":        # a line in the middle removed
    del lines[middle]
elif mode == "swap":          # two neighbouring lines swapped
    lines[middle], lines[middle + 1] = lines[middle + 1], lines[middle]
elif mode == "truncate":      # the last lines removed, from the seal with hash ARG on
    cut = [json.loads(l)["hash"] for l in lines].index(sys.argv[4])
    del lines[cut:]
elif mode in ("trailing", "variant", "version"):
    # The last event re-encoded wrongly but correctly hashed: a byte after
    # the event, an unknown body variant (99), or format version 2.
    obj = json.loads(lines[-1])
    data = bytearray(bytes.fromhex(obj["bytes"]))
    if mode == "trailing":
        data.append(0)
    elif mode == "variant":
        actor_len = int.from_bytes(data[34:42], "little")   # event-v1.md §4
        at = 42 + actor_len + 32
        data[at:at + 4] = (99).to_bytes(4, "little")
    else:
        data[0:2] = (2).to_bytes(2, "little")
    rehash(obj, bytes(data))
    lines[-1] = json.dumps(obj, ensure_ascii=False)
else:
    sys.exit("unknown mode " + mode)
open(dst, "w", encoding="utf-8").write("\n".join(lines) + "\n")
EOF

tampered() { # tampered MODE [ARG] -> path of the tampered copy
  "$PYTHON" "$work/tamper.py" "$1" "$export_file" "$work/$1.jsonl" "${@:2}" || die "cannot tamper ($1)"
  echo "$work/$1.jsonl"
}

# --- Checks ------------------------------------------------------------------

passed=0
failed=0

# check NAME WANT_STATUS WANT_TEXT FILE [OPTIONS...]: runs the verifier on
# FILE; it must exit with WANT_STATUS and print WANT_TEXT.
check() {
  local name=$1 want=$2 text=$3 file=$4
  shift 4
  local out status
  out=$("$PYTHON" "$VERIFY" "$file" "$@" 2>&1)
  status=$?
  if [ "$status" -eq "$want" ] && grep -qF -- "$text" <<<"$out"; then
    passed=$((passed + 1))
    echo "ok    $name: $(tail -n 1 <<<"$out")"
  else
    failed=$((failed + 1))
    echo "FAIL  $name: expected exit $want and \"$text\", got exit $status:"
    sed 's/^/        /' <<<"$out"
  fi
}

n_events=$(grep -c . "$export_file")

# The intact export passes, with kamerstand's own head and the round digests.
check "intact export" 0 "ok: $n_events events, head $head" "$export_file"
check "digest of round $first_round" 0 "found: round '$first_round' is sealed" \
  "$export_file" --digest "$first_digest" --round "$first_round"
check "digest without round" 0 "found: the digest is the hash of seq" \
  "$export_file" --digest "$last_digest"

# Each tampered copy fails, naming the first bad line.
check "one byte of bytes changed" 1 "content altered" "$(tampered byte)"
check "actor changed on the line" 1 "line.actor: the bytes say" "$(tampered actor)"
check "a line deleted in the middle" 1 "event missing or out of order" "$(tampered delete)"
check "two lines swapped" 1 "event missing or out of order" "$(tampered swap)"
check "trailing byte, rehashed" 1 "trailing bytes" "$(tampered trailing)"
check "unknown body variant, rehashed" 1 "body variant 99 is unknown" "$(tampered variant)"
check "format version 2, rehashed" 1 "format version 2 is not known" "$(tampered version)"

# A cut-off end is still a valid chain; only the digest of the last round,
# published before the cut, shows what is missing. (In the demo the last
# round's seal is the last event, so this removes the last line.)
truncated=$(tampered truncate "$last_digest")
check "last line(s) removed" 0 "ok: " "$truncated"
check "last line(s) removed, digest of round $last_round" 1 "FAILED: digest $last_digest" \
  "$truncated" --digest "$last_digest" --round "$last_round"

echo "verify_export: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
