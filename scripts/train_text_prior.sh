#!/usr/bin/env bash
# One command: builds the text corpus from Debian packages and trains the shipped text prior
# models/text-en.lmw with `lmpack train` (43 minutes on this shared two-core machine). Interrupted runs
# resume from build/corpus/text/text-en.ckpt: run the script again with RESUME=1.
#
#   scripts/train_text_prior.sh [LMPACK_BINARY]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lmpack=${1:-build/release/lmpack}
corpus=$(scripts/make_text_corpus.sh build/corpus/text)
resume=()
[[ "${RESUME:-0}" == 1 ]] && resume=(--resume)
sha256sum "$corpus"
time nice "$lmpack" train "$corpus" -o models/text-en.lmw --name text-en \
  --d-model 128 --layers 2 --heads 4 --d-ff 256 --segment 64 --memory 64 --streams 8 \
  --lr 2e-3 --lr-min 2e-4 --lr-decay 2e-4 --steps ${STEPS:-11000} \
  --checkpoint build/corpus/text/text-en.ckpt --checkpoint-every 1000 --eval-every 1000 \
  --heldout 0.02 --eval-bytes 65536 -T 2 "${resume[@]}"
