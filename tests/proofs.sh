#!/usr/bin/env bash
# Runs docs/verify_export.py, the independent checker, on the signed
# checkpoints and proofs of tests/fixtures/note-vectors.json (written by
# kamerstand's Rust code, tests/proofs/mod.rs) the way an auditor would:
# files on disk, --note, --pubkey, --proof, and an events export. Then its
# --self-test, which recomputes tests/fixtures/*-vectors.json from the
# definitions and checks RFC 8032's Ed25519 vectors.
#
# Needs python3 (3.9 or later; set PYTHON to use another one), not cargo.
# Usage: tests/proofs.sh
# Prints one line per check and a summary "proofs: N passed, M failed";
# exits 0 when every check went as expected, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."

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

# check NAME WANT_STATUS WANT_TEXT ARGS...: runs the verifier in $work with
# ARGS; it must exit with WANT_STATUS and print WANT_TEXT.
check() {
  local name=$1 want=$2 text=$3
  shift 3
  local out status
  out=$(cd "$work" && "$PYTHON" "$OLDPWD/$VERIFY" "$@" 2>&1)
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

echo "proofs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
