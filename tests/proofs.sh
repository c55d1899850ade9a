#!/usr/bin/env bash
# Runs docs/verify_export.py, the independent checker, the way an auditor
# would: files on disk, --note, --pubkey, --proof, and an events export.
#
# 1. On the signed checkpoints and proofs of tests/fixtures/note-vectors.json
#    (written by kamerstand's Rust code, tests/proofs/mod.rs).
# 2. Its --self-test, which recomputes tests/fixtures/*-vectors.json from
#    the definitions and checks RFC 8032's Ed25519 vectors.
# 3. The outsider's path end to end, on a ledger made here with the
#    kamerstand binary: a round sealed and signed, its note cosigned by a
#    witness, a second round cosigned after the witness's consistency
#    check, one item's proof and the consistency proof checked by the
#    script alone; then a proof with one byte of an event changed, item
#    proofs forged from genuine events (another key label, another item's
#    event, reordered, duplicated, no registration, a correction without
#    its target), a rollback to an older copy and a round sealed on top of
#    it, each refused by the script with exit status 1 (and by kamerstand
#    itself).
#
# Needs python3 (3.9 or later; set PYTHON to use another one) and, for 3,
# the kamerstand binary: $KAMERSTAND if set, else the newer of
# target/release/kamerstand and target/debug/kamerstand (under
# $CARGO_TARGET_DIR if set), else one built here with cargo. Nothing is
# installed; everything happens in a temporary directory.
# Usage: tests/proofs.sh
# Prints one line per check and a summary "proofs: N passed, M failed";
# exits 0 when every check went as expected, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

PYTHON=${PYTHON:-python3}
VERIFY=docs/verify_export.py
EXPORT=tests/fixtures/format-v1/events.jsonl

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The vector file's "files", one file each in $work.
"$PYTHON" - tests/fixtures/note-vectors.json "$work" <<'EOF' || { echo "proofs: cannot unpack the vectors" >&2; exit 2; }
import json, os, sys
files = json.load(open(sys.argv[1], encoding="utf-8"))["files"]
for name, text in files.items():
    with open(os.path.join(sys.argv[2], name), "w", encoding="utf-8", newline="") as f:
        f.write(text)
EOF
head -n 10 "$EXPORT" >"$work/first-10.jsonl"

passed=0
failed=0

# check NAME WANT_STATUS WANT_TEXT ARGS...: runs the verifier in $dir
# ($work unless set) with ARGS; it must exit with WANT_STATUS and print
# WANT_TEXT.
dir=$work
check() {
  local name=$1 want=$2 text=$3
  shift 3
  local out status
  out=$(cd "$dir" && "$PYTHON" "$root/$VERIFY" "$@" 2>&1)
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

check "signed and cosigned checkpoint" 0 "cosigned by witness.example/w1" \
  --note round-16.note --pubkey signer.pub --pubkey witness.pub
check "inclusion proof in a signed round" 0 "is in the tree of 16 events" \
  --note round-16.note --pubkey signer.pub --proof inclusion-5-of-16.json
check "several inclusion proofs (one item's events)" 0 "inclusion-15-of-16.json: event seq 15" \
  --note round-16.note --pubkey signer.pub --proof inclusion-5-of-16.json --proof inclusion-15-of-16.json
check "consistency between two signed rounds" 0 "both signed" \
  --note round-6.note --note round-16.note --pubkey signer.pub --proof consistency-6-16.json
check "checkpoints against the events export" 0 "the export's first 16 events have the checkpoint's root" \
  "$PWD/$EXPORT" --note round-6.note --note round-16.note --pubkey signer.pub
check "export, two rounds and their proofs together" 0 "inclusion-0-of-6.json: event seq 0" \
  "$PWD/$EXPORT" --note round-6.note --note round-16.note --pubkey signer.pub --pubkey witness.pub \
  --proof consistency-6-16.json --proof inclusion-0-of-6.json
check "a note by an unregistered key" 1 "is not signed by any of the given keys" \
  --note stranger-16.note --pubkey signer.pub
check "a required key that did not sign" 1 "has no signature by" \
  --note round-16.note --pubkey signer.pub --pubkey stranger.pub
check "a cosignature over a different root" 1 "the cosignature by witness key witness.example/w1" \
  --note moved-cosignature-16.note --pubkey signer.pub --pubkey witness.pub
check "a fork" 1 "FAILED: fork:" \
  --note round-16.note --note fork-16.note --pubkey signer.pub
check "a forked checkpoint against the export" 1 "was rewritten" \
  "$PWD/$EXPORT" --note fork-16.note --pubkey signer.pub
check "a checkpoint beyond a truncated export" 1 "was truncated" \
  first-10.jsonl --note round-16.note --pubkey signer.pub
check "an inclusion proof for another round" 1 "the proof is for a tree of 16 events" \
  --note round-6.note --pubkey signer.pub --proof inclusion-5-of-16.json
check "an inclusion proof with an altered event" 1 "FAILED: " \
  --note round-16.note --pubkey signer.pub --proof inclusion-5-of-16-altered-event.json
check "a note without a key" 2 "--note needs --pubkey" --note round-16.note
check "a key file that is not a key" 2 "not a verifier key" \
  --note round-16.note --pubkey round-16.note
check "the self-test" 0 "passed, 0 failed" --self-test

# --- 3. The outsider's path, end to end ------------------------------------

# The kamerstand binary: the one named, else the newer of release and
# debug, else one built now.
bin=${KAMERSTAND:-}
if [ -z "$bin" ]; then
  target=${CARGO_TARGET_DIR:-$root/target}
  for b in "$target/release/kamerstand" "$target/debug/kamerstand"; do
    if [ -x "$b" ] && { [ -z "$bin" ] || [ "$b" -nt "$bin" ]; }; then
      bin=$b
    fi
  done
  if [ -z "$bin" ]; then
    echo "proofs: no kamerstand binary in $target; building one (cargo build --release)"
    cargo build --locked --release -q || { echo "proofs: cargo build failed" >&2; exit 2; }
    bin="$target/release/kamerstand"
  fi
fi
echo "proofs: the outsider's path with $bin"

dir="$work/e2e"
mkdir -p "$dir"

# ks WANT_STATUS ARGS...: runs kamerstand in $dir on the store $store
# there (stdout to $dir/out); a status other than WANT_STATUS is a failed
# check and stops the end-to-end part, whose later steps need this one.
e2e_ok=1
store=ledger.db
ks() {
  local want=$1
  shift
  [ "$e2e_ok" -eq 1 ] || return 1
  local status
  (cd "$dir" && env -u KAMERSTAND_STORE KAMERSTAND_ACTOR=controle NO_COLOR=1 \
      "$bin" --store "$store" "$@" >out 2>err </dev/null)
  status=$?
  if [ "$status" -ne "$want" ]; then
    failed=$((failed + 1))
    e2e_ok=0
    echo "FAIL  kamerstand $*: expected exit $want, got $status:"
    sed 's/^/        /' "$dir/out" "$dir/err"
    return 1
  fi
}

# The programme: a signer key, three motions, round 2026-voorjaar sealed
# and signed, its note; a backup of the store as it stood then.
ks 0 init --programme "Proef Programma" --title "Proef"
ks 0 key generate --out programma.key --name programma.example/proef
ks 0 key add programma.key.pub --name programma.example/proef --role signer
for n in 1 2 3; do
  ks 0 item add --kind motie --key "36410-$n" --text "Motie $n over het onderwerp." \
    --responsible MBZK --status niet-begonnen --effective 2026-01-1$n
done
ks 0 note 36410-2 "Zestig gemeenten doen mee." --effective 2026-03-01
ks 0 round seal 2026-voorjaar --reported-on 2026-05-19 --sign programma.key
ks 0 round note 2026-voorjaar && cp "$dir/out" "$dir/voorjaar.note"
[ "$e2e_ok" -eq 1 ] && cp -r "$dir/ledger.db" "$dir/backup.db"

# The witness cosigns it, on its own copy of the store.
ks 0 key generate --out getuige.key --name rekenkamer.example/getuige --role witness
[ "$e2e_ok" -eq 1 ] && cp -r "$dir/ledger.db" "$dir/getuige.db"
store=getuige.db
ks 0 round cosign voorjaar.note --key getuige.key && cp "$dir/out" "$dir/voorjaar.cosigned"
store=ledger.db

# The second round; the witness checks that it extends the first.
ks 0 status 36410-2 in-uitvoering --effective 2026-09-01 --reason "regeling gepubliceerd"
ks 0 note 36410-1 "De eerste pilot loopt." --effective 2026-10-01
ks 0 correct 5 --note "Zeventig gemeenten doen mee." --reason "verkeerd overgenomen"
ks 0 round seal 2026-najaar --reported-on 2026-11-17 --sign programma.key
ks 0 round note 2026-najaar && cp "$dir/out" "$dir/najaar.note"
[ "$e2e_ok" -eq 1 ] && rm -rf "$dir/getuige.db" && cp -r "$dir/ledger.db" "$dir/getuige.db"
store=getuige.db
ks 0 round cosign najaar.note --key getuige.key && cp "$dir/out" "$dir/najaar.cosigned"
store=ledger.db
ks 0 proof item 36410-2 --round 2026-najaar && cp "$dir/out" "$dir/item.json"
ks 0 proof item 36410-1 --round 2026-najaar && cp "$dir/out" "$dir/other-item.json"
ks 0 proof consistency 2026-voorjaar 2026-najaar && cp "$dir/out" "$dir/consistency.json"

if [ "$e2e_ok" -eq 1 ]; then
  check "outsider: the cosigned note of the second round" 0 \
    "cosigned by rekenkamer.example/getuige" \
    --note najaar.cosigned --pubkey programma.key.pub --pubkey getuige.key.pub
  check "outsider: one motion's item proof against it" 0 \
    "4 events about item 36410-2 (" \
    --note najaar.cosigned --pubkey programma.key.pub --pubkey getuige.key.pub --proof item.json
  check "outsider: the item proof lists what the events say" 0 \
    '"text": "Zestig gemeenten doen mee."' \
    --note najaar.cosigned --pubkey programma.key.pub --proof item.json
  check "outsider: the second round extends the first" 0 "both signed" \
    --note voorjaar.cosigned --note najaar.cosigned --pubkey programma.key.pub \
    --pubkey getuige.key.pub --proof consistency.json

  # One byte of an event changed: a letter of the note's text ('Z' to
  # '['), which still decodes; and, apart, one byte of its audit path.
  "$PYTHON" - "$dir/item.json" "$dir" <<'EOF'
import json, os, sys
proof = json.load(open(sys.argv[1], encoding="utf-8"))
for e in proof["events"]:
    data = bytearray.fromhex(e["event_bytes"])
    at = data.find(b"Zestig")
    if at >= 0:
        data[at] ^= 0x01
        e["event_bytes"] = data.hex()
        break
else:
    sys.exit("no event with the note's text")
with open(os.path.join(sys.argv[2], "item-altered-event.json"), "w", encoding="utf-8") as f:
    json.dump(proof, f, indent=2)
proof = json.load(open(sys.argv[1], encoding="utf-8"))
path = proof["events"][0]["path"]
path[0] = path[0][:10] + ("0" if path[0][10] != "0" else "1") + path[0][11:]
with open(os.path.join(sys.argv[2], "item-altered-path.json"), "w", encoding="utf-8") as f:
    json.dump(proof, f, indent=2)
EOF
  check "outsider: an item proof with one byte of an event changed" 1 \
    "FAILED: item-altered-event.json: the proof does not lead to the root" \
    --note najaar.cosigned --pubkey programma.key.pub --proof item-altered-event.json
  check "outsider: an item proof with one byte of a path changed" 1 \
    "FAILED: item-altered-path.json" \
    --note najaar.cosigned --pubkey programma.key.pub --proof item-altered-path.json

  # Bundles forged from genuine events and paths, each breaking one rule
  # of an item proof (schema/proofs.md §4). Motion 36410-2 has events 3
  # (its registration), 5 (a note), 8 (a status change) and 10 (the
  # note's correction); 36410-1's note is event 9. Each is refused with
  # the note and without it.
  "$PYTHON" - "$dir/item.json" "$dir/other-item.json" "$dir" <<'EOF'
import copy, json, os, sys
honest = json.load(open(sys.argv[1], encoding="utf-8"))
other = json.load(open(sys.argv[2], encoding="utf-8"))
seqs = [e["leaf_index"] for e in honest["events"]]
if seqs != [3, 5, 8, 10] or [e["leaf_index"] for e in other["events"]] != [2, 9]:
    sys.exit("unexpected events: %s, %s" % (seqs, [e["leaf_index"] for e in other["events"]]))
def forged(name, change):
    p = copy.deepcopy(honest)
    change(p)
    with open(os.path.join(sys.argv[3], name), "w", encoding="utf-8") as f:
        json.dump(p, f, indent=2)
forged("forged-key.json", lambda p: p.update(key="36410-1"))
forged("forged-item.json", lambda p: p.update(key=other["key"], item=other["item"]))
forged("forged-no-registration.json", lambda p: p["events"].pop(0))
forged("forged-other-registration.json", lambda p: p["events"].insert(0, other["events"][0]))
forged("forged-other-event.json", lambda p: p["events"].insert(3, other["events"][1]))
forged("forged-reordered.json", lambda p: p["events"].insert(1, p["events"].pop(2)))
forged("forged-duplicated.json", lambda p: p["events"].insert(2, p["events"][1]))
forged("forged-hole.json", lambda p: p["events"].pop(1))
EOF
  for forgery in \
      "forged-key.json|another key label|event 3 registers the item under key '36410-2', but the proof names key '36410-1'" \
      "forged-item.json|another item's id and key|event 3 registers item" \
      "forged-no-registration.json|no registration|event 5 is a progress_noted event, but an item proof begins with the item's registration" \
      "forged-other-registration.json|another item's registration first|event 2 registers item" \
      "forged-other-event.json|another item's event inserted|event 9 is about item" \
      "forged-reordered.json|events reordered|event 5 comes after event 8" \
      "forged-duplicated.json|an event listed twice|event 5 is listed twice" \
      "forged-hole.json|a correction without its target|event 10 corrects event 5, which the proof does not hold"; do
    IFS='|' read -r file what says <<<"$forgery"
    check "outsider: a forged item proof, $what" 1 "FAILED: $file: $says" \
      --note najaar.cosigned --pubkey programma.key.pub --proof "$file"
    check "outsider: a forged item proof without a note, $what" 1 "FAILED: $file: $says" \
      --proof "$file"
  done
fi

# A rollback: the store restored from the backup made after the first
# round. kamerstand's verify --note refuses it; so does the script, on
# the restored store's events export.
if [ "$e2e_ok" -eq 1 ]; then
  rm -rf "$dir/ledger.db" && mv "$dir/backup.db" "$dir/ledger.db"
fi
ks 1 verify --lang en --note najaar.cosigned --witness-key getuige.key.pub \
  && if grep -q "rolled back to an older copy or truncated" "$dir/out"; then
       passed=$((passed + 1)); echo "ok    rollback: kamerstand verify --note: $(tail -n 1 "$dir/out")"
     else
       failed=$((failed + 1)); echo "FAIL  rollback: kamerstand verify --note did not say rolled back:"
       sed 's/^/        /' "$dir/out"
     fi
ks 0 export --format events -o restored.jsonl
[ "$e2e_ok" -eq 1 ] && check "rollback: the restored store's export against the later note" 1 \
  "the export holds only" \
  restored.jsonl --note najaar.cosigned --pubkey programma.key.pub

# The programme carries on from the restored store and seals another
# round, larger than the one it lost (one of the same size would be a
# plain fork, which the script reports as such). The consistency proof it can give starts from the first round,
# not from the note the auditor holds, and the witness, handed the
# restored store, refuses to cosign.
ks 0 status 36410-3 vertraagd --effective 2026-09-01 --reason "anders vastgelegd"
ks 0 note 36410-1 "Iets anders." --effective 2026-10-01
ks 0 note 36410-3 "Nog iets." --effective 2026-10-02
ks 0 note 36410-2 "En nog iets." --effective 2026-10-03
ks 0 round seal 2027-voorjaar --reported-on 2027-05-18 --sign programma.key
ks 0 round note 2027-voorjaar && cp "$dir/out" "$dir/2027.note"
ks 0 proof consistency 2026-voorjaar 2027-voorjaar && cp "$dir/out" "$dir/voorjaar-2027.json"
ks 2 proof consistency 2026-najaar 2027-voorjaar
[ "$e2e_ok" -eq 1 ] && check "rollback: a later round's proof does not start at the note held" 1 \
  "the proof is for a tree of" \
  --note najaar.cosigned --note 2027.note --pubkey programma.key.pub --proof voorjaar-2027.json
ks 2 round cosign 2027.note --key getuige.key \
  && if grep -q "is not shown to extend the last one cosigned" "$dir/err"; then
       passed=$((passed + 1)); echo "ok    rollback: the witness refuses: $(tail -n 1 "$dir/err")"
     else
       failed=$((failed + 1)); echo "FAIL  rollback: the witness refused for another reason:"
       sed 's/^/        /' "$dir/err"
     fi
[ "$e2e_ok" -eq 1 ] && check "rollback: the new note lacks the witness's cosignature" 1 \
  "has no signature by witness key rekenkamer.example/getuige" \
  --note 2027.note --pubkey programma.key.pub --pubkey getuige.key.pub

echo "proofs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
