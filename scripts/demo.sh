#!/usr/bin/env bash
# Builds the release preset and compares lmpack with the usual compressors on the samples: the
# text first, then the audio against flac -8 and wavpack -hhx6, then the images against optipng,
# WebP lossless and JPEG XL (xz -9e as the byte baseline in both).
#
#   scripts/demo.sh [BENCH ARGS...]     default: the two tables below
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh release
if (($# > 0)); then
  echo "demo: build/release/lmpack bench $*"
  exec build/release/lmpack bench "$@"
fi
echo "demo: build/release/lmpack bench samples/text samples/README.md"
build/release/lmpack bench samples/text samples/README.md
echo
# --best runs at about 0.1 MB/s on audio: this table takes a few minutes.
audio_args=(--levels "default,best" --peers "xz,flac,wavpack" samples/audio)
echo "demo: build/release/lmpack bench ${audio_args[*]}"
build/release/lmpack bench "${audio_args[@]}"
echo
# cjxl -e 9 is the slow one here (about a minute for the five photographs).
image_args=(--levels "default,best" --peers "xz,optipng,cwebp,cjxl" samples/image)
echo "demo: build/release/lmpack bench ${image_args[*]}"
build/release/lmpack bench "${image_args[@]}"
