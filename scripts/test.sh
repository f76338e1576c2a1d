#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run):
#   1. scripts/setup.sh builds the release, native and asan presets;
#   2. every ctest test of the release build;
#   3. the asan build's unit, round-trip and fuzz-replay tests (slow tests left out);
#   4. tests/cross_build_check.sh: release and native builds write identical archives and
#      decode each other's.
# Every test step runs even if an earlier one failed; the last line is the verdict and the exit
# status is non-zero on any failure. LMPACK_JOBS overrides build/test parallelism (default nproc).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

jobs=${LMPACK_JOBS:-$(nproc)}
start=$SECONDS
failed=()
timings=()

step() {
  local name=$1
  shift
  printf '\n==== test.sh: %s\n' "$name"
  local t0=$SECONDS
  "$@"
  local rc=$?
  local dt=$((SECONDS - t0))
  timings+=("$name ${dt}s")
  if ((rc != 0)); then
    failed+=("$name")
    printf '==== test.sh: %s FAILED (exit %d, %ds)\n' "$name" "$rc" "$dt"
  else
    printf '==== test.sh: %s ok (%ds)\n' "$name" "$dt"
  fi
  return "$rc"
}

summary() {
  printf '\n==== test.sh: timings:\n'
  printf '  %s\n' "${timings[@]}"
  local total=$((SECONDS - start))
  if ((${#failed[@]} > 0)); then
    local joined
    joined=$(printf '%s; ' "${failed[@]}")
    printf 'test.sh: FAILED: %d step(s): %s (%ds total)\n' "${#failed[@]}" "${joined%; }" "$total"
    exit 1
  fi
  printf 'test.sh: ALL PASSED (%d steps, %ds total)\n' "${#timings[@]}" "$total"
}

# Nothing can be tested without the builds.
if ! step "setup+build (release native asan)" scripts/setup.sh release native asan; then
  summary
fi

# Keep ctest from waiting on a terminal that CI does not have.
exec </dev/null

step "ctest release" ctest --test-dir build/release --output-on-failure -j"$jobs"

# ASan/UBSan is ~3x slower, so some tests only run in the release build: the level-monotonicity
# sweep, anything labelled slow, the CLI scripts, and the round trips of the two ~1 MB text samples
# and of the audio samples (the small text sample, the generated WAV/FLAC round trips and every
# generated edge case still run under the sanitizers).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
step "ctest asan (unit, roundtrip, fuzz replay)" \
  ctest --test-dir build/asan --output-on-failure -j"$jobs" -LE slow \
  -E 'LevelMonotonicity|ThreadsAndKernelsDoNotChange|^cli\.|SampleRoundTrip\..*/(text_(jargon|kjv)|audio_)'

step "cross-build check (release vs native)" \
  tests/cross_build_check.sh build/release/lmpack build/native/lmpack samples

summary
