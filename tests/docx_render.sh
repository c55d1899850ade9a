#!/usr/bin/env bash
# Renders the sample annex the docx writer makes (landscape A4: title,
# legend, a table whose header repeats on the second page, shaded status
# cells, section rows, Word footnotes, header and footer with page number)
# through LibreOffice to PDF, and the PDF pages to PNG, so a person can look
# at them. Checks the PDF's text for the table header and a footnote, and
# that the file LibreOffice saves again as .docx reads back to the same model.
# Then does the same for what `export --format docx` and `diff --format
# docx` write from a ledger of the demo's two annexes: LibreOffice must
# convert both, and their pages must hold the title, the footnotes, the
# change sentences and the value to check.
#
# Needs Debian's libreoffice-writer-nogui (for soffice) and poppler-utils
# (pdftoppm, pdftotext); installs them with apt-get when run as root and
# they are missing. Usage: tests/docx_render.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/render-docx}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui poppler-utils fonts-dejavu-core >/dev/null
  else
    # Only when nothing can be installed: say so and skip, never fail.
    echo "skipped: needs soffice and pdftoppm (apt-get install libreoffice-writer-nogui poppler-utils)" >&2
    exit 0
  fi
fi

KAMERSTAND_DOCX_OUT="$out/annex.docx" cargo test --quiet --lib \
  formats::docx::tests::write_sample_for_rendering -- --ignored --exact >/dev/null

# A private profile: a second soffice on a shared profile hands its job to
# the first and exits without doing it.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation="file://$profile" --headless \
  --convert-to pdf --outdir "$out" "$out/annex.docx" >/dev/null 2>&1
test -s "$out/annex.pdf" || { echo "LibreOffice made no PDF" >&2; exit 1; }
rm -f "$out"/annex-page-*.png
pdftoppm -r 70 -png "$out/annex.pdf" "$out/annex-page"

# LibreOffice is another producer of .docx: what it saves must read back
# to the same model.
mkdir -p "$out/resaved"
soffice -env:UserInstallation="file://$profile" --headless \
  --convert-to "docx:MS Word 2007 XML" --outdir "$out/resaved" "$out/annex.docx" >/dev/null 2>&1
KAMERSTAND_DOCX_IN="$out/resaved/annex.docx" cargo test --quiet --lib \
  formats::docx::tests::read_sample_resaved_by_libreoffice -- --ignored --exact >/dev/null

text=$(pdftotext -layout "$out/annex.pdf" -)
for want in "Stand van zaken moties en toezeggingen" "Verantwoordelijk" "Toezeggingen" \
            "Kamerstukken II 2022/23, 34843, nr. 79" "Bijlage bij de voortgangsbrief"; do
  grep -qF "$want" <<<"$text" || { echo "the PDF lacks: $want" >&2; exit 1; }
done
pages=$(ls "$out"/annex-page-*.png | wc -l)
[ "$pages" -ge 2 ] || { echo "expected the table to run onto a second page" >&2; exit 1; }
echo "rendered $pages pages:"
ls -1 "$out"/annex.docx "$out"/annex.pdf "$out"/annex-page-*.png

# What the command line writes for a letter.
cargo build --quiet
bin=target/debug/kamerstand
store="$out/letter.db"
rm -rf "$store"
"$bin" --store "$store" init --programme PDO --title "Programma Digitale Overheid (voorbeeld)" >/dev/null
"$bin" --store "$store" import src/cli/assets/annex-2024.txt --reported-on 2024-11-15 --seal-round 2024-najaar >/dev/null
"$bin" --store "$store" import src/cli/assets/annex-2025.txt --reported-on 2025-05-15 --seal-round 2025-voorjaar >/dev/null
"$bin" --store "$store" --format docx export --round 2025-voorjaar -o "$out/bijlage.docx" 2>/dev/null
"$bin" --store "$store" --format docx diff 2024-najaar 2025-voorjaar -o "$out/wijzigingen.docx" 2>/dev/null
for doc in bijlage wijzigingen; do
  rm -f "$out/$doc.pdf"
  timeout 180 soffice -env:UserInstallation="file://$profile" --headless \
    --convert-to pdf --outdir "$out" "$out/$doc.docx" >/dev/null 2>&1
  test -s "$out/$doc.pdf" || { echo "LibreOffice made no PDF of $doc.docx" >&2; exit 1; }
  rm -f "$out/$doc"-page-*.png
  pdftoppm -r 60 -png "$out/$doc.pdf" "$out/$doc-page"
done
digest=$("$bin" --store "$store" round digest 2025-voorjaar | awk '{print $NF}')
text=$(pdftotext -layout "$out/bijlage.pdf" - | tr -s ' ')
for want in "Stand van zaken moties en toezeggingen" "Legenda" "Verantwoordelijk" \
            "Kamerstukken II 2023/24, 39104, nr. 12" "Controlewaarde (SHA-256) van ronde 2025-voorjaar" \
            "$digest"; do
  grep -qF "$want" <<<"$text" || { echo "the annex's PDF lacks: $want" >&2; exit 1; }
done
text=$(pdftotext -layout "$out/wijzigingen.pdf" - | tr -s ' ')
for want in "Wijzigingen in de stand van zaken" "Status: van In uitvoering naar" \
            "Kamerstukken II 2024/25, 39104, nr. 38" "Voor controleurs"; do
  grep -qF "$want" <<<"$text" || { echo "the diff's PDF lacks: $want" >&2; exit 1; }
done
echo "converted the annex ($(ls "$out"/bijlage-page-*.png | wc -l) pages) and the diff ($(ls "$out"/wijzigingen-page-*.png | wc -l) pages)"
