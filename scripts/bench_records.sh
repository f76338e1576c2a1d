#!/usr/bin/env bash
# Small records: many short independent messages, each compressed alone, lmpack's text prior
# (RecordCodec: prior and prior-mix) against zstd -19 with a dictionary trained by `zstd --train`
# on the prior's own training corpus, and brotli. Three record sets, none in that corpus:
#   log    lines of Debian changelogs (/usr/share/doc/{bash,coreutils,tar}/changelog.Debian.gz)
#   json   lines of a CMake flag table (/usr/share/cmake-*/Templates/MSBuild/FlagTables/v143_CL.json)
#   text   lines of the GPL v3 (samples/text/gpl-3.txt)
#
#   scripts/bench_records.sh [LMPACK_BINARY] [MAX_RECORDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lmpack=${1:-build/release/lmpack}
max=${2:-300}
dir=build/corpus/records
mkdir -p "$dir"
corpus=$(scripts/make_text_corpus.sh build/corpus/text)
for p in bash coreutils tar; do zcat "/usr/share/doc/$p/changelog.Debian.gz"; done >"$dir/log.txt"
cat /usr/share/cmake-*/Templates/MSBuild/FlagTables/v143_CL.json >"$dir/json.txt"
cp samples/text/gpl-3.txt "$dir/text.txt"
"$lmpack" bench --records --chunk 256 --max-chunks "$max" --dict-train "$corpus" \
  --models prior:9,prior-mix:5,cm:5 "$dir/log.txt" "$dir/json.txt" "$dir/text.txt"
