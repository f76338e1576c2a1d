#!/usr/bin/env bash
# Determinism rule 6: two builds of lmpack (e.g. the portable x86-64 baseline and -march=native)
# must write byte-identical archives and decode each other's archives.
#
#   tests/cross_build_check.sh LMPACK_A LMPACK_B SAMPLES_DIR
#
# Every regular file under SAMPLES_DIR is compressed by both binaries at -1, the default level and
# -9 (for audio files: the audio model's levels). The neural models run on prefixes of the
# largest text file (the scalar kernels make them slow): 48 KB with --best, --model lstm and
# --model mix, 12 KB with --model transformer; 4000 frames of a WAV with --model prior-pcm.
# LMPACK_A runs with the scalar reference kernels (LMPACK_SIMD=scalar), LMPACK_B with the fastest
# its CPU supports, so the check covers both the build flags and the kernel variants.
# The archives must be identical (cmp), and each binary's archive must decompress with the other
# binary to the original. Prints one summary line; exits 1 on any failure.
set -uo pipefail

if (($# != 3)); then
  echo "usage: $0 LMPACK_A LMPACK_B SAMPLES_DIR" >&2
  exit 2
fi
a=$1 b=$2 samples=$3
for bin in "$a" "$b"; do
  [[ -x "$bin" ]] || { echo "cross_build_check: not an executable: $bin" >&2; exit 2; }
done
[[ -d "$samples" ]] || { echo "cross_build_check: not a directory: $samples" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lmpack-cross.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

mapfile -d '' files < <(find "$samples" -type f -print0 | sort -z)
if ((${#files[@]} == 0)); then
  echo "cross_build_check: FAILED: no files under $samples" >&2
  exit 1
fi

# Empty string = the default level.
cm_settings=("-1" "" "-9")
# The neural models' prefixes come from the largest text sample (audio has its own model).
text_files=()
for f in "${files[@]}"; do [[ $f == */text/* ]] && text_files+=("$f"); done
((${#text_files[@]} > 0)) || text_files=("${files[@]}")
largest=$(ls -S "${text_files[@]}" | head -n1)
head -c 48000 "$largest" >"$tmp/prefix-48k"
head -c 12000 "$largest" >"$tmp/prefix-12k"
files+=("$tmp/prefix-48k" "$tmp/prefix-12k")
# prior-pcm (the shipped audio prior + linear prediction in double) on 4000 frames of the first
# WAV Python's wave module reads (it refuses WAVE_FORMAT_EXTENSIBLE).
mapfile -t wavs < <(find "$samples" -name '*.wav' -print | sort)
if ((${#wavs[@]} > 0)) && python3 - "$tmp/clip.wav" "${wavs[@]}" <<'PY'; then
import sys, wave
for path in sys.argv[2:]:
    try:
        with wave.open(path) as r:
            params = r.getparams()
            frames = r.readframes(4000)
    except wave.Error:
        continue
    with wave.open(sys.argv[1], "wb") as w:
        w.setparams(params)
        w.writeframes(frames)
    sys.exit(0)
sys.exit(1)
PY
  files+=("$tmp/clip.wav")
fi
checks=0
failures=0

fail() {
  echo "cross_build_check: FAIL: $*" >&2
  failures=$((failures + 1))
}

for f in "${files[@]}"; do
  settings=("${cm_settings[@]}")
  [[ $f == "$tmp/prefix-48k" ]] && settings=("--best" "--model=lstm" "--model=mix")
  [[ $f == "$tmp/prefix-12k" ]] && settings=("--model=transformer")
  [[ $f == "$tmp/clip.wav" ]] && settings=("--model=prior-pcm")
  for s in "${settings[@]}"; do
    label="${f} ${s:-(default)}"
    args=()
    [[ -n "$s" ]] && args=("$s")
    checks=$((checks + 1))
    failures_before=$failures
    # The two builds run side by side: the check is about their outputs, not their timing.
    LMPACK_SIMD=scalar "$a" --no-verify "${args[@]}" -c "$f" </dev/null >"$tmp/a.lmp" 2>"$tmp/a.err" &
    pid_a=$!
    "$b" --no-verify "${args[@]}" -c "$f" </dev/null >"$tmp/b.lmp" 2>"$tmp/b.err"
    rc_b=$?
    wait "$pid_a"
    rc_a=$?
    if ((rc_a != 0 || rc_b != 0)); then
      fail "$label: compress exit codes A=$rc_a B=$rc_b: $(cat "$tmp/a.err" "$tmp/b.err")"
      continue
    fi
    if ! cmp -s "$tmp/a.lmp" "$tmp/b.lmp"; then
      fail "$label: archives differ ($(stat -c %s "$tmp/a.lmp") vs $(stat -c %s "$tmp/b.lmp") bytes;" \
        "first difference: $(cmp "$tmp/a.lmp" "$tmp/b.lmp" 2>&1 | head -n1))"
    fi
    # Cross-decode: B reads A's archive, A reads B's.
    "$b" -d -c "$tmp/a.lmp" </dev/null >"$tmp/a.out" 2>"$tmp/ba.err" &
    pid_b=$!
    LMPACK_SIMD=scalar "$a" -d -c "$tmp/b.lmp" </dev/null >"$tmp/b.out" 2>"$tmp/ab.err"
    rc_ab=$?
    wait "$pid_b"
    rc_ba=$?
    if ((rc_ba != 0)) || ! cmp -s "$f" "$tmp/a.out"; then
      fail "$label: B failed to restore A's archive (exit $rc_ba) $(cat "$tmp/ba.err")"
    fi
    if ((rc_ab != 0)) || ! cmp -s "$f" "$tmp/b.out"; then
      fail "$label: A failed to restore B's archive (exit $rc_ab) $(cat "$tmp/ab.err")"
    fi
    if ((failures == failures_before)); then
      printf 'cross_build_check: ok %s (%s -> %s bytes)\n' "$label" "$(stat -c %s "$f")" \
        "$(stat -c %s "$tmp/a.lmp")"
    fi
  done
done

if ((failures > 0)); then
  echo "cross_build_check: FAILED: $failures problem(s) in $checks checks (${#files[@]} files)"
  exit 1
fi
echo "cross_build_check: PASSED: $checks checks (${#files[@]} files), archives identical and cross-decoded"
