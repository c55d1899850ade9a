#!/usr/bin/env bash
# Renders the HTML annex of a small two-round ledger (built from the
# fixtures in tests/fixtures) in headless Chromium, as a screenshot and as
# an A4 PDF, so a person can look at both. Needs Debian's `chromium`
# (apt-get install chromium); poppler-utils' pdftoppm turns the PDF into
# PNG pages if present. Usage: tests/render_html.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/render}
mkdir -p "$out"
out=$(cd "$out" && pwd)
command -v chromium >/dev/null || { echo "chromium is not installed (apt-get install chromium)"; exit 2; }
cargo build --quiet --release
bin=target/release/kamerstand
store=$(mktemp -d)/ledger.db
"$bin" --store "$store" init --programme PDO --title "Programma Digitale Overheid (voorbeeld)" >/dev/null
"$bin" --store "$store" import src/cli/assets/annex-2024.txt --reported-on 2024-11-15 --seal-round 2024-najaar >/dev/null
"$bin" --store "$store" import src/cli/assets/annex-2025.txt --reported-on 2025-05-15 --seal-round 2025-voorjaar >/dev/null
for lang in nl en; do
  "$bin" --store "$store" export --format html --lang "$lang" -o "$out/annex-$lang.html"
  flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
         --disable-background-networking --disable-component-update --disable-sync)
  # A fresh profile per run: a second Chromium on the same profile hands its
  # job to the first and exits without doing it.
  chromium "${flags[@]}" --user-data-dir="$(mktemp -d)" --window-size=1000,1400 \
    --screenshot="$out/annex-$lang.png" "file://$out/annex-$lang.html" 2>/dev/null
  chromium "${flags[@]}" --user-data-dir="$(mktemp -d)" --no-pdf-header-footer \
    --print-to-pdf="$out/annex-$lang.pdf" "file://$out/annex-$lang.html" 2>/dev/null
  if command -v pdftoppm >/dev/null; then pdftoppm -r 70 -png "$out/annex-$lang.pdf" "$out/annex-$lang-a4"; fi
done
rm -rf "$(dirname "$store")"
ls -1 "$out"
