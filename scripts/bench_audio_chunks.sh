#!/usr/bin/env bash
# The paper's 2048-byte protocol on audio ("Language Modeling Is Compression", Delétang et al.):
# the held-out recordings of samples/audio/ as 16 kHz mono audio at 8 and at 16 bits, each cut in
# 2048-byte chunks of Trilobyte tokens compressed on their own by lmpack (audio prior, prior-mix,
# the audio family) and by flac, gzip, xz, zstd, brotli (`lmpack bench --chunk 2048 --pcm`).
#
#   scripts/bench_audio_chunks.sh [LMPACK_BINARY] [MAX_CHUNKS]     default: 64 chunks per file
#
# BITS="8" or "16" runs one depth only (default "8 16"). With the prior's corpus at
# build/corpus/audio/corpus.raw (scripts/make_audio_corpus.sh) zstd also runs with a dictionary
# trained on it.
#
# The 16 kHz files are made with sox without dither (`sox -D`): the left channel (`remix 1`, no
# arithmetic), resampled with `rate -h` (the speech sample is 8 kHz, so it is upsampled), written
# at 16 bits, or at 8 bits (sox requantises without dither; 8-bit WAV is unsigned). Writes
# build/bench-audio/{8,16}bit/*.wav, the tables to stdout and
# build/bench-audio/chunk2048-{8,16}bit.csv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lmpack=${1:-build/release/lmpack}
max=${2:-64}
bits_list=${BITS:-8 16}
out=build/bench-audio
for bits in $bits_list; do
  mkdir -p "$out/${bits}bit"
  for f in samples/audio/*; do
    name=$(basename "${f%.*}")
    sox -D -V1 "$f" -b "$bits" -c 1 "$out/${bits}bit/$name-16k$bits.wav" remix 1 rate -h 16000
  done
done
dict=()
[[ -f build/corpus/audio/corpus.raw ]] && dict=(--dict-train build/corpus/audio/corpus.raw)
for bits in $bits_list; do
  echo "== 16 kHz, $bits-bit, mono"
  nice "$lmpack" bench --chunk 2048 --pcm --max-chunks "$max" --prior audio-pcm \
    --models prior:5,prior-pcm:5,cm:5 "${dict[@]}" --csv "$out/chunk2048-${bits}bit.csv" "$out/${bits}bit"/*.wav
done
