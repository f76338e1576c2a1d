#!/usr/bin/env bash
# Installs what lmpack needs to build, test, fuzz and benchmark on Debian 12, then configures and
# builds the given CMake presets (default: release).
#
#   scripts/setup.sh [PRESET...]      presets: release native debug asan fuzz (CMakePresets.json)
#
# Only missing packages are installed, so a second run does no apt work at all.
# LMPACK_JOBS overrides the build parallelism (default: nproc).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }

packages=(
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libxxhash-dev libsndfile1-dev googletest libgtest-dev libbenchmark-dev
  clang                                # libFuzzer (-fsanitize=fuzzer)
  gzip bzip2 xz-utils zstd brotli time # peers for `lmpack bench`, and /usr/bin/time
  flac wavpack                         # audio peers for `lmpack bench`
  sox                                  # audio samples, corpus and protocol inputs (scripts/)
  libpng-dev zlib1g-dev                # image front end (PNG)
  optipng webp libjxl-tools            # image peers for `lmpack bench`
  libpocketsphinx-dev pocketsphinx-en-us flite1-dev # lossy speech mode (recognise, resynthesise)
  bible-kjv bible-kjv-text             # text prior corpus (scripts/make_text_corpus.sh)
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  say "all ${#packages[@]} packages already installed"
else
  say "installing missing packages: ${missing[*]}"
  as_root=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1; then
      as_root=(sudo)
    else
      say "not root and no sudo: install these packages yourself: ${missing[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

presets=("$@")
((${#presets[@]} > 0)) || presets=(release)
jobs=${LMPACK_JOBS:-$(nproc)}

for preset in "${presets[@]}"; do
  say "configuring preset '$preset'"
  cmake --preset "$preset" --log-level=WARNING >/dev/null
  say "building preset '$preset' with $jobs jobs"
  cmake --build --preset "$preset" -j"$jobs"
done
say "done: ${presets[*]}"
