#!/usr/bin/env bash
# One command: builds the audio corpus from Debian packages (scripts/make_audio_corpus.sh) and
# trains the shipped universal audio prior models/audio-pcm.lmw with `lmpack train` on its
# Trilobyte byte tokens (speech and music at 8, 16 and 24 bits). An interrupted run resumes from
# build/corpus/audio/audio-pcm.ckpt: run the script again with RESUME=1 (a resumed run writes the
# same bytes as a straight one).
#
#   scripts/train_audio_prior.sh [LMPACK_BINARY]      STEPS=N overrides the step count
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lmpack=${1:-build/release/lmpack}
corpus=build/corpus/audio/corpus.raw
# The corpus takes minutes to build; a resumed run (or REUSE_CORPUS=1) reuses the one there (its
# sha256 is printed).
[[ ("${RESUME:-0}" == 1 || "${REUSE_CORPUS:-0}" == 1) && -f "$corpus" ]] ||
  corpus=$(scripts/make_audio_corpus.sh build/corpus/audio)
resume=()
[[ "${RESUME:-0}" == 1 ]] && resume=(--resume)
sha256sum "$corpus"
time nice "$lmpack" train "$corpus" -o models/audio-pcm.lmw --name audio-pcm \
  --d-model 96 --layers 2 --heads 4 --d-ff 192 --segment 64 --memory 64 --streams 8 \
  --lr 2e-3 --lr-min 2e-4 --lr-decay 2e-4 --steps "${STEPS:-40000}" \
  --checkpoint build/corpus/audio/audio-pcm.ckpt --checkpoint-every 500 --eval-every 500 \
  --heldout 0.02 --eval-bytes 65536 -T 1 "${resume[@]}"
