#!/usr/bin/env bash
# Renders the sample annex the docx writer makes (landscape A4: title,
# legend, a table whose header repeats on the second page, shaded status
# cells, section rows, Word footnotes, header and footer with page number)
# through LibreOffice to PDF, and the PDF pages to PNG, so a person can look
# at them. Checks the PDF's text for the table header and a footnote, and
# that the file LibreOffice saves again as .docx reads back to the same model.
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
    echo "needs soffice and pdftoppm: apt-get install libreoffice-writer-nogui poppler-utils" >&2
    exit 2
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
