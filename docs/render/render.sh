#!/usr/bin/env bash
# Renders what kamerstand writes for a letter to parliament as pictures, so
# a reader can see them without running anything: the annex and the changes
# between two rounds as HTML (screenshots by headless Chromium) and as Word
# files (LibreOffice's PDF, its pages turned into PNG by pdftoppm). The
# ledger is built from the demo's two example annexes, each sealed as a
# round. Writes docs/render/*.png (committed) and keeps the documents
# themselves in target/render-letter/.
#
# Installs what it needs from Debian's packages when missing (as root):
# chromium, libreoffice-writer-nogui, poppler-utils, fonts-dejavu-core.
# Usage: docs/render/render.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
here=docs/render
work=target/render-letter
mkdir -p "$work"
work=$(cd "$work" && pwd)

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
  else
    echo "needs: ${need[*]} (apt-get install ${need[*]})" >&2
    exit 2
  fi
fi

cargo build --quiet
bin=target/debug/kamerstand
store="$work/ledger.db"
rm -rf "$store"
"$bin" --store "$store" init --programme PDO --title "Programma Digitale Overheid (voorbeeld)" >/dev/null
"$bin" --store "$store" import src/cli/assets/annex-2024.txt --reported-on 2024-11-15 --seal-round 2024-najaar >/dev/null
"$bin" --store "$store" import src/cli/assets/annex-2025.txt --reported-on 2025-05-15 --seal-round 2025-voorjaar >/dev/null

"$bin" --store "$store" --format html export --round 2025-voorjaar -o "$work/bijlage.html" 2>/dev/null
"$bin" --store "$store" --format docx export --round 2025-voorjaar -o "$work/bijlage.docx" 2>/dev/null
"$bin" --store "$store" --format html diff 2024-najaar 2025-voorjaar -o "$work/wijzigingen.html" 2>/dev/null
"$bin" --store "$store" --format docx diff 2024-najaar 2025-voorjaar -o "$work/wijzigingen.docx" 2>/dev/null

# A fresh profile per run: a second browser or office on the same profile
# hands its job to the first and exits without doing it.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
for page in bijlage wijzigingen; do
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile/chromium-$page" --window-size=1100,1500 \
    --screenshot="$here/$page-html.png" "file://$work/$page.html" 2>/dev/null
  test -s "$here/$page-html.png" || { echo "Chromium made no picture of $page.html" >&2; exit 1; }
done
for doc in bijlage wijzigingen; do
  timeout 180 soffice -env:UserInstallation="file://$profile/office" --headless \
    --convert-to pdf --outdir "$work" "$work/$doc.docx" >/dev/null 2>&1
  test -s "$work/$doc.pdf" || { echo "LibreOffice made no PDF of $doc.docx" >&2; exit 1; }
  rm -f "$here/$doc-docx"-*.png
  pdftoppm -r 60 -l 2 -png "$work/$doc.pdf" "$here/$doc-docx"
done
ls -1 "$here"/*.png
