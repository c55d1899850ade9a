#!/usr/bin/env bash
# Git peer for the kamerstand benchmarks: the overview kept as a CSV file in
# a git repository, one commit per update and a tag per reporting round.
#
#   git_peer.sh build EVENTS.jsonl REPO [--max-stream-gb G]
#   git_peer.sh bench REPO --workload WORKLOAD.json [--runs N]
#
# build: makes REPO (a new directory) with `git init`, feeds it the history
#   written by git_build.py through `git fast-import` (the same commits one
#   `git commit` per update would make, much faster), checks out the working
#   tree and runs `git gc` once (a repository as its automatic gc keeps it:
#   packed, with a commit-graph). Prints one JSON object: times in seconds,
#   sizes in bytes. Exit 3 (and a message) when the history is too big to
#   build; see git_build.py and README.md.
#
# bench: medians in ms over N runs after one warm-up run, each step as the
#   user would type it (every git command a new process, warm cache):
#   - append_ms: change one row of overview.csv (sed -i), `git add`,
#     `git commit`, with core.fsync=committed so the commit is on disk when
#     it returns (as a kamerstand append is); append_nofsync_ms: the same
#     with git's default, which does not fsync loose objects or refs;
#   - as_of_ms: `git rev-list -1 --before=@SECS main` then
#     `git show REV:overview.csv` (to a file). SECS is the instant in whole
#     seconds (git dates have no fraction), so "as of" includes the commits
#     made later in the same second;
#   - diff_ms: `git diff TAG1 TAG2 -- overview.csv` (to a file);
#   - verify_ms: `git fsck --full`.
#   The commits made by the append runs are removed again at the end
#   (`git reset --hard` to the head before). Prints one JSON object.
#
# Needs bash 5 (EPOCHREALTIME), git, python3 (to read JSON; not timed).

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { echo "git_peer.sh: $*" >&2; exit 2; }

# Times are read as ${EPOCHREALTIME/./}: microseconds since the epoch from
# bash's own clock, with no process or subshell started.

# Median of the numbers on stdin (one a line), divided by $1 and printed
# with printf format $2, or null when there are none: `median 1000 %.3f`
# turns microseconds into ms.
median() {
  sort -n | awk -v scale="$1" -v fmt="$2" '{ v[NR] = $1 }
    END { if (NR == 0) { print "null"; exit }
          m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf fmt "\n", m / scale }'
}

build() {
  local events=$1 repo=$2; shift 2
  local limit=20
  while [ $# -gt 0 ]; do
    case $1 in
      --max-stream-gb) limit=$2; shift 2 ;;
      *) die "build: unknown option $1" ;;
    esac
  done
  [ -f "$events" ] || die "build: no file $events"
  [ -e "$repo" ] && die "build: $repo exists; build makes a new repository"

  local stats; stats=$(mktemp)
  local t0 t1 t2 t3
  t0=${EPOCHREALTIME/./}
  git init -q -b main "$repo"
  # The identity the bench's own commits are made under (a user has one).
  git -C "$repo" config user.name "kamerstand bench"
  git -C "$repo" config user.email "bench@kamerstand.invalid"
  set +e
  python3 "$HERE/git_build.py" "$events" --max-stream-gb "$limit" \
      --stats "$stats" | git -C "$repo" fast-import --quiet
  local st=("${PIPESTATUS[@]}")
  set -e
  if [ "${st[0]}" -eq 3 ]; then
    rm -rf "$repo" "$stats"
    echo "git_peer.sh: not built (too big for the git peer; see above)" >&2
    exit 3
  fi
  [ "${st[0]}" -eq 0 ] && [ "${st[1]}" -eq 0 ] || die "build failed: ${st[*]}"
  t1=${EPOCHREALTIME/./}
  git -C "$repo" reset -q --hard main
  t2=${EPOCHREALTIME/./}
  git -C "$repo" gc -q
  t3=${EPOCHREALTIME/./}
  local commits tags bytes
  commits=$(git -C "$repo" rev-list --count main)
  tags=$(git -C "$repo" tag | wc -l)
  bytes=$(du -sb "$repo/.git" | cut -f1)
  printf '{"peer": "git", "fast_import_s": %.3f, "checkout_s": %.3f, "gc_s": %.3f, "build_s": %.3f, "commits": %d, "tags": %d, "repo_bytes": %d, "sizes": %s}\n' \
    "$(( t1 - t0 ))e-6" "$(( t2 - t1 ))e-6" "$(( t3 - t2 ))e-6" \
    "$(( t3 - t0 ))e-6" "$commits" "$tags" "$bytes" "$(cat "$stats")"
  rm -f "$stats"
}

bench() {
  local repo=$1; shift
  local workload="" runs=""
  while [ $# -gt 0 ]; do
    case $1 in
      --workload) workload=$2; shift 2 ;;
      --runs) runs=$2; shift 2 ;;
      *) die "bench: unknown option $1" ;;
    esac
  done
  [ -n "$workload" ] || die "bench: --workload FILE is required"
  [ -f "$repo/overview.csv" ] || die "bench: $repo holds no overview.csv"
  workload=$(cd "$(dirname "$workload")" && pwd)/$(basename "$workload")
  cd "$repo"

  # The workload as plain lines (not timed): N+1 entries of each list.
  local w; w=$(mktemp -d)
  python3 - "$workload" "$runs" "$w" <<'EOF'
import json, sys
work, runs, out = sys.argv[1], sys.argv[2], sys.argv[3]
w = json.load(open(work, encoding="utf-8"))
n = int(runs) if runs else w["runs"]
if n < 1 or n + 1 > len(w["as_of"]):
    sys.exit("git_peer.sh: the workload has %d runs; ask for at most that many"
             % w["runs"])
open(out + "/n", "w").write("%d\n" % n)
open(out + "/as_of", "w").write("".join("%d\n" % s for s in w["as_of_unix"][:n + 1]))
open(out + "/diff", "w").write("".join("%s %s\n" % tuple(p) for p in w["diff"][:n + 1]))
open(out + "/append", "w").write("".join("%s\n" % k for k in w["append"][:n + 1]))
EOF
  local n; n=$(cat "$w/n")
  local head0; head0=$(git rev-parse HEAD)
  local i a b secs rev key t0 t1

  # as-of
  : > "$w/t_as_of"
  i=0
  while read -r secs; do
    t0=${EPOCHREALTIME/./}
    rev=$(git rev-list -1 --before="@$secs" main)
    if [ -n "$rev" ]; then
      git show "$rev:overview.csv" > "$w/as_of.csv"
    fi
    t1=${EPOCHREALTIME/./}
    [ $i -gt 0 ] && echo $(( t1 - t0 )) >> "$w/t_as_of"
    i=$(( i + 1 ))
  done < "$w/as_of"

  # diff
  : > "$w/t_diff"
  : > "$w/diff_lines"
  i=0
  while read -r a b; do
    t0=${EPOCHREALTIME/./}
    git diff --no-color --no-ext-diff "$a" "$b" -- overview.csv > "$w/diff.out"
    t1=${EPOCHREALTIME/./}
    if [ $i -gt 0 ]; then
      echo $(( t1 - t0 )) >> "$w/t_diff"
      grep -c '^+[^+]' "$w/diff.out" >> "$w/diff_lines" || true
    fi
    i=$(( i + 1 ))
  done < "$w/diff"

  # verify
  : > "$w/t_verify"
  local ok=true
  for (( i = 0; i <= n; i++ )); do
    t0=${EPOCHREALTIME/./}
    git fsck --full --no-progress > "$w/fsck.out" 2>&1 || ok=false
    t1=${EPOCHREALTIME/./}
    [ $i -gt 0 ] && echo $(( t1 - t0 )) >> "$w/t_verify"
  done

  # append: change one row (its status), add, commit
  append_runs() {  # $1: output file; the rest: git options
    local out=$1; shift
    : > "$out"
    local i=0 key pat
    while read -r key; do
      pat=${key//./\\.}
      t0=${EPOCHREALTIME/./}
      sed -i -E "s/^(${pat},[a-z]+,)[^,]*,/\\1bench-$i,/" overview.csv
      git "$@" add overview.csv
      git "$@" commit -q -m "$key: status_changed (bench)"
      t1=${EPOCHREALTIME/./}
      [ $i -gt 0 ] && echo $(( t1 - t0 )) >> "$out"
      i=$(( i + 1 ))
    done < "$w/append"
  }
  append_runs "$w/t_append" -c core.fsync=committed -c core.fsyncMethod=fsync
  git reset -q --hard "$head0"
  append_runs "$w/t_append_nofsync"
  git reset -q --hard "$head0"

  # git's own start-up, for reference
  : > "$w/t_start"
  for (( i = 0; i <= n; i++ )); do
    t0=${EPOCHREALTIME/./}; git --version > /dev/null; t1=${EPOCHREALTIME/./}
    [ $i -gt 0 ] && echo $(( t1 - t0 )) >> "$w/t_start"
  done

  local diff_ms diff_rows
  diff_ms=$(median 1000 %.3f < "$w/t_diff")          # null: fewer than two rounds
  diff_rows=$(median 1 %g < "$w/diff_lines")
  printf '{"peer": "git", "git_version": "%s", "runs": %d, "append_ms": %s, "append_nofsync_ms": %s, "as_of_ms": %s, "diff_ms": %s, "diff_rows_median": %s, "verify_ms": %s, "verify_ok": %s, "process_start_ms": %s}\n' \
    "$(git --version | awk '{ print $3 }')" "$n" \
    "$(median 1000 %.3f < "$w/t_append")" "$(median 1000 %.3f < "$w/t_append_nofsync")" \
    "$(median 1000 %.3f < "$w/t_as_of")" "$diff_ms" "$diff_rows" \
    "$(median 1000 %.3f < "$w/t_verify")" "$ok" "$(median 1000 %.3f < "$w/t_start")"
  rm -rf "$w"
}

case ${1:-} in
  build) shift; [ $# -ge 2 ] || die "usage: build EVENTS.jsonl REPO [--max-stream-gb G]"; build "$@" ;;
  bench) shift; [ $# -ge 1 ] || die "usage: bench REPO --workload FILE [--runs N]"; bench "$@" ;;
  *) die "usage: git_peer.sh build EVENTS.jsonl REPO [--max-stream-gb G] | bench REPO --workload FILE [--runs N]" ;;
esac
