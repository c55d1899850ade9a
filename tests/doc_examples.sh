#!/usr/bin/env bash
# Runs the shell examples of README.md and docs/*.md against a fresh release
# build, so that none of them rots.
#
# The convention, for whoever writes documentation:
#
#   ```console                     run: each line starting with `$ ` is a
#                                  command (a line ending in `\` continues
#                                  on the next); every other line is output
#                                  as shown, which is not compared.
#   ```console NAME=VALUE …        run, with these environment variables set
#                                  for this block only.
#   ```console no-run: REASON      shown, not run; REASON says why (a
#                                  tampered store, a hash from the run shown,
#                                  a path on someone's machine). Its
#                                  `kamerstand` commands are still checked:
#                                  every subcommand and `--flag` must appear
#                                  in that subcommand's --help.
#   ```text, ```json, ```sh, …     never run (outputs, templates, formats).
#   ``` without a tag              never run, and an error if a line starts
#                                  with `$ `, `kamerstand `, `cargo `,
#                                  `python3 `, … : say `console` or `text`.
#
# A command must exit 0, unless it is followed by `$ echo $?` and a line
# with the status it should exit with (which is then checked), or ends with
# `# exit N`.
#
# The blocks of one file run in order in one bash session (so `export`
# carries over), with `kamerstand` on PATH (target/release), in a fresh
# directory holding `demo.db` (a copy of the ledger `kamerstand demo --keep`
# keeps), the files in tests/doc_files/ that examples read, and links
# `docs`, `src` and `tests` to the checkout's folders (examples name
# src/cli/assets/… and docs/verify_export.py as seen from a checkout); with
# KAMERSTAND_ACTOR=clerk, no KAMERSTAND_STORE, and TMPDIR inside that
# directory.
#
# Usage: tests/doc_examples.sh [FILE.md …]   (default: README.md docs/*.md)
# Prints one line per file and a summary "doc_examples: N passed, M failed"
# (N: commands that exited as expected; M: files stopped by a command that
# did not, or refused by the checks above); exits 0 when M is 0.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

PYTHON=${PYTHON:-python3}

cargo build --locked --release -q || { echo "doc_examples: cargo build failed" >&2; exit 2; }
bin="$root/target/release"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The demo ledger, kept in a temporary directory of our own.
mkdir -p "$work/demo-tmp"
TMPDIR="$work/demo-tmp" "$bin/kamerstand" demo --keep >"$work/demo.out" 2>&1 \
  || { cat "$work/demo.out" >&2; echo "doc_examples: kamerstand demo --keep failed" >&2; exit 2; }
demo_db=$(ls -d "$work"/demo-tmp/kamerstand-demo-*/ledger.db 2>/dev/null | head -n 1)
[ -n "$demo_db" ] || { echo "doc_examples: demo --keep left no ledger.db" >&2; exit 2; }

if [ $# -eq 0 ]; then
  set -- README.md docs/*.md
fi

"$PYTHON" - "$bin" "$work" "$demo_db" "$root" "$@" <<'PY'
import os, re, shlex, shutil, subprocess, sys, time

bin_dir, work, demo_db, root = sys.argv[1:5]
files_dir = os.path.join(root, "tests", "doc_files")
docs = sys.argv[5:]

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
EXIT_MARK = re.compile(r"\s#\s*exit\s+(\d+)\s*$")
ENV_ATTR = re.compile(r"^[A-Z_][A-Z0-9_]*=\S*$")
# Lines that make an untagged block look like commands.
COMMAND_WORDS = ("$ ", "kamerstand ", "cargo ", "python3 ", "bash ", "export ", "cp ", "sleep ")


class DocError(Exception):
    pass


def blocks(path):
    """Yields (line number of the opening fence, info string, lines)."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m.group(1), m.group(2), m.group(3).strip()
        start = i + 1
        body = []
        i += 1
        while i < len(lines):
            c = FENCE.match(lines[i])
            if c and c.group(2)[0] == fence[0] and len(c.group(2)) >= len(fence) and not c.group(3).strip():
                break
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        else:
            raise DocError(f"{path}:{start}: code block never closed")
        i += 1
        yield start, info, body


def commands(path, start, body):
    """The commands of a console block: (line, text, expected exit status)."""
    out = []
    i = 0
    while i < len(body):
        line = body[i]
        lineno = start + 1 + i
        i += 1
        if not line.startswith("$ "):
            continue
        text = line[2:]
        while text.endswith("\\") and i < len(body):
            text += "\n" + body[i]
            i += 1
        if text.strip() == "echo $?":
            if not out:
                raise DocError(f"{path}:{lineno}: `$ echo $?` without a command before it")
            if i >= len(body) or not body[i].strip().isdigit():
                raise DocError(f"{path}:{lineno}: `$ echo $?` must be followed by the status, e.g. 2")
            out[-1] = (out[-1][0], out[-1][1], int(body[i].strip()))
            i += 1
            continue
        m = EXIT_MARK.search(text)
        out.append((lineno, text, int(m.group(1)) if m else 0))
    return out


help_cache = {}


def check_flags(path, lineno, text):
    """Checks a not-run kamerstand command against the --help of its
    subcommand: the subcommand must exist and know every --flag."""
    try:
        words = shlex.split(text, comments=True)
    except ValueError as e:
        raise DocError(f"{path}:{lineno}: cannot split the command: {e}")
    if not words or words[0] != "kamerstand":
        return
    sub = []
    flags = []
    global_options = {"--store", "--actor", "--format", "--wait"}
    j = 1
    while j < len(words):
        w = words[j]
        if w in ("<", ">", "|", "&&", ";"):
            break
        if w.startswith("--"):
            name = w.split("=", 1)[0]
            flags.append(name)
            if name in global_options and "=" not in w:
                j += 1
        elif w.startswith("-"):
            pass
        elif all(f in global_options for f in flags) and (
                not sub or (len(sub) == 1 and sub[0] in ("item", "round"))):
            sub.append(w)
        j += 1
    key = tuple(sub)
    if key not in help_cache:
        r = subprocess.run([os.path.join(bin_dir, "kamerstand"), *sub, "--help"],
                           capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise DocError(f"{path}:{lineno}: `kamerstand {' '.join(sub)}` is not a command: {r.stderr.strip()}")
        help_cache[key] = r.stdout
    for f in flags:
        if not re.search(re.escape(f) + r"(?![\w-])", help_cache[key]):
            raise DocError(f"{path}:{lineno}: `kamerstand {' '.join(sub)}` has no option {f}")


def script_for(path):
    """The bash script running a file's console blocks; (script, counts)."""
    parts = [
        "__fail() {",
        "  printf '\\nFAIL %s: exit status %s, expected %s:\\n%s\\n' \"$1\" \"$3\" \"$2\" \"$4\" >&2",
        "  echo '--- output of that command:' >&2; cat \"$__out\" >&2; exit 1",
        "}",
    ]
    run = skipped_blocks = run_blocks = checked = 0
    for start, info, body in blocks(path):
        words = info.split()
        lang = words[0] if words else ""
        if lang != "console":
            if not lang and any(l.startswith(COMMAND_WORDS) for l in body):
                raise DocError(f"{path}:{start}: an untagged block with commands: tag it "
                               "```console (run), ```console no-run: REASON, or ```text")
            continue
        rest = words[1:]
        cmds = commands(path, start, body)
        if rest and rest[0].startswith("no-run"):
            reason = info.split("no-run", 1)[1].lstrip(":").strip()
            if not reason:
                raise DocError(f"{path}:{start}: no-run needs a reason: ```console no-run: REASON")
            for lineno, text, _ in cmds:
                check_flags(path, lineno, text)
                checked += 1
            skipped_blocks += 1
            continue
        env = []
        for w in rest:
            if not ENV_ATTR.match(w):
                raise DocError(f"{path}:{start}: unknown console attribute {w!r} "
                               "(NAME=VALUE or no-run: REASON)")
            env.append(w)
        if not cmds:
            raise DocError(f"{path}:{start}: a console block without `$ ` commands")
        run_blocks += 1
        parts.append("(" if env else "{")
        for w in env:
            name, value = w.split("=", 1)
            parts.append(f"export {name}={shlex.quote(value)}")
        for lineno, text, want in cmds:
            where = f"{os.path.relpath(path)}:{lineno}"
            parts.append(f"printf '%s\\n' {shlex.quote('$ ' + text)} >\"$__out\"")
            parts.append("{")
            parts.append(text)
            parts.append("} >>\"$__out\" 2>&1 </dev/null")
            parts.append(f"__rc=$?; [ \"$__rc\" -eq {want} ] || __fail {shlex.quote(where)} {want} \"$__rc\" {shlex.quote(text)}")
            parts.append("echo >>\"$__passed\"")
            run += 1
        parts.append(") || exit 1" if env else "}")
    return "\n".join(parts) + "\n", run, run_blocks, skipped_blocks, checked


passed = failed = 0
total_blocks = total_skipped = total_checked = 0
started = time.monotonic()
for n, path in enumerate(docs):
    t0 = time.monotonic()
    try:
        script, count, nblocks, nskipped, nchecked = script_for(path)
    except DocError as e:
        print(f"FAIL  {path}: {e}")
        failed += 1
        continue
    total_blocks += nblocks
    total_skipped += nskipped
    total_checked += nchecked
    if count == 0:
        print(f"ok    {path}: no console blocks ({nskipped} not run)")
        continue
    wd = os.path.join(work, f"doc{n}")
    os.makedirs(os.path.join(wd, "tmp"))
    shutil.copytree(demo_db, os.path.join(wd, "demo.db"))
    for d in ("docs", "src", "tests"):
        os.symlink(os.path.join(root, d), os.path.join(wd, d))
    if os.path.isdir(files_dir):
        for f in os.listdir(files_dir):
            shutil.copy(os.path.join(files_dir, f), wd)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMERSTAND_")}
    env.update({
        "PATH": bin_dir + os.pathsep + env.get("PATH", ""),
        "KAMERSTAND_ACTOR": "clerk",
        "TMPDIR": os.path.join(wd, "tmp"),
        "NO_COLOR": "1",
    })
    script_path = os.path.join(work, f"doc{n}.sh")
    with open(script_path, "w", encoding="utf-8") as f:
        f.write(f"__out={shlex.quote(os.path.join(work, f'doc{n}.out'))}\n")
        counter = os.path.join(work, f"doc{n}.passed")
        open(counter, "w").close()
        f.write(f"__passed={shlex.quote(counter)}\n")
        f.write(script)
    try:
        r = subprocess.run(["bash", script_path], cwd=wd, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=120)
        ok, err = r.returncode == 0, r.stderr
    except subprocess.TimeoutExpired as e:
        ok, err = False, f"timed out after 120 s\n{e.stderr or ''}"
    secs = time.monotonic() - t0
    passed += sum(1 for _ in open(counter))
    if ok:
        print(f"ok    {path}: {count} commands in {nblocks} blocks ({nskipped} blocks not run, "
              f"their {nchecked} commands checked against --help) in {secs:.1f}s")
    else:
        failed += 1
        print(f"FAIL  {path} ({secs:.1f}s):")
        print("      " + err.strip().replace("\n", "\n      "))
print(f"doc_examples: {passed} passed, {failed} failed "
      f"({total_blocks} blocks run, {total_skipped} not run; {time.monotonic() - started:.0f}s)")
sys.exit(1 if failed else 0)
PY
