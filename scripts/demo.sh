#!/usr/bin/env bash
# Builds the release preset and compares lmpack with the usual compressors on the samples.
#
#   scripts/demo.sh [BENCH ARGS...]     default: samples/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh release
(($# > 0)) || set -- samples/
echo "demo: build/release/lmpack bench $*"
exec build/release/lmpack bench "$@"
