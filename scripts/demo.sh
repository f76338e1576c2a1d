#!/usr/bin/env bash
# Builds the release preset and compares lmpack with the usual compressors on the samples: the
# text first, then the audio against flac -8 and wavpack -hhx6 (xz -9e as the byte baseline).
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
