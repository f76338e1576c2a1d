#!/usr/bin/env bash
# Builds the text prior's training corpus from Debian packages, into DIR (default
# build/corpus/text): modern English and technical prose, and the KJV Bible *without* Genesis to
# Ruth, so that none of samples/text/* (the held-out evaluation texts: kjv-genesis-ruth.txt,
# jargon-4.0.0.txt, gpl-3.txt) is in it.
#
#   fortunes             the fortune-mod English collections (package fortunes)
#   kjv-1sam-rev.txt     bible 1sam1:1-rev22:21 (packages bible-kjv, bible-kjv-text)
#   debian-reference.txt Debian Reference, plain-text edition (package debian-reference-en)
#
# Prints the corpus path; the file is the same bytes on every run with the same package versions
# (its sha256 goes into models/PROVENANCE.md).
set -euo pipefail
dir=${1:-build/corpus/text}
mkdir -p "$dir/debs"
command -v bible >/dev/null || { echo "make_text_corpus: needs bible-kjv (scripts/setup.sh)" >&2; exit 1; }
(cd "$dir/debs" && for p in fortunes debian-reference-en; do
  ls "${p}"_*.deb >/dev/null 2>&1 || apt-get download -qq "$p" >/dev/null 2>&1 ||
    { echo "make_text_corpus: apt-get download $p failed" >&2; exit 1; }
done)
rm -rf "$dir/x" && mkdir -p "$dir/x"
for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/x"; done
out="$dir/corpus.txt"
{
  for f in "$dir"/x/usr/share/games/fortunes/*; do
    case "$f" in *.dat | *.u8) continue ;; esac
    [[ -f "$f" ]] && cat "$f"
  done
  bible 1sam1:1-rev22:21 </dev/null
  zcat "$dir"/x/usr/share/debian-reference/debian-reference.en.txt.gz
} >"$out"
echo "$out"
