# `lmpack bench` on a tiny directory: the table, the CSV and JSON forms, hidden files skipped,
# and a peer that corrupts data or fails is reported and makes the exit code 1. Then audio: the
# flac/wavpack rows, bits per sample, --bits copies and their errors.
source "$(dirname "$0")/helpers.sh" "$@"
# The bench's scratch directories go here, so leftovers can be checked without races.
mkdir "$WORK/tmp"
export TMPDIR="$WORK/tmp"

mkdir -p corpus/sub corpus/.hiddendir
head -c 6000 "$ROOT/samples/text/gpl-3.txt" >corpus/a.txt
head -c 3000 "$ROOT/samples/text/kjv-genesis-ruth.txt" >corpus/sub/b.txt
echo "skip me" >corpus/.hidden
echo "skip me" >corpus/.hiddendir/c.txt

peers=()
for p in gzip bzip2 xz zstd brotli; do
  if command -v "$p" >/dev/null; then peers+=("$p"); fi
done
codecs=$((1 + ${#peers[@]}))  # lmpack -1 plus every peer on PATH

run 0 "$LMPACK" bench --levels 1 corpus
expect_stdout_contains "# lmpack "
expect_stdout_contains "# machine: "
expect_stdout_contains "# command: "
expect_stdout_contains "bench --levels 1 corpus"
grep -qE '^file +codec +size +rate% +bits/B +comp MB/s +dec MB/s +RSS MiB +vs xz$' "$WORK/out" ||
  fail "table header: $(head -6 "$WORK/out")"
for f in corpus/a.txt corpus/sub/b.txt; do
  grep -qE "^$f +lmpack -1 +[0-9]+ " "$WORK/out" || fail "no lmpack row for $f"
  for p in gzip xz; do
    if command -v $p >/dev/null; then
      grep -qE "^$f +$p -9e? +[0-9]+ " "$WORK/out" || fail "no $p row for $f"
    else
      echo "SKIP: $p not on PATH"
    fi
  done
done
grep -qE '^TOTAL +lmpack -1 +[0-9]+ ' "$WORK/out" || fail "no TOTAL row"
if command -v xz >/dev/null; then
  grep -qE '^corpus/a.txt +lmpack -1 +.* [0-9]+\.[0-9]{3}$' "$WORK/out" || fail "no vs xz figure"
fi
if grep -q hidden "$WORK/out"; then fail "hidden files were benchmarked"; fi
rows=$(grep -cE '^corpus/' "$WORK/out")
[[ $rows -eq $((2 * codecs)) ]] || fail "expected $((2 * codecs)) rows, got $rows"
grep -q 'bench: \[1/' "$WORK/err" || fail "no progress on stderr"
[[ -z $(ls -A "$WORK/tmp") ]] || fail "scratch files left behind: $(ls -A "$WORK/tmp")"

# CSV: a header line and one line per file x codec, to stdout or to --output.
run 0 "$LMPACK" bench -q --levels 1 --csv corpus
head -1 "$WORK/out" | grep -q '^file,codec,original_bytes,compressed_bytes,rate_percent,' ||
  fail "CSV header: $(head -1 "$WORK/out")"
[[ $(wc -l <"$WORK/out") -eq $((1 + 2 * codecs)) ]] || fail "CSV lines: $(cat "$WORK/out")"
grep -q '^corpus/a.txt,lmpack -1,6000,' "$WORK/out" || fail "CSV lmpack row"
[[ ! -s $WORK/err ]] || fail "-q still printed progress"
run 0 "$LMPACK" bench -q --levels 1 --peers gzip --csv -o results.csv corpus/a.txt
[[ $(wc -l <results.csv) -eq 3 ]] || fail "--output CSV: $(cat results.csv)"
expect_stdout_contains "gzip -9"  # the table still goes to stdout

# JSON parses and carries the same records.
run 0 "$LMPACK" bench -q --levels 1,2 --peers xz --json corpus/a.txt
python3 - "$WORK/out" <<'PY' || fail "JSON check failed"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["lmpack_version"] and doc["machine"]["cores"] >= 1 and "bench" in doc["command"]
codecs = [r["codec"] for r in doc["results"]]
assert codecs[:2] == ["lmpack -1", "lmpack -2"], codecs
for r in doc["results"]:
    assert r["ok"] and r["original_bytes"] == 6000 and 0 < r["compressed_bytes"], r
    assert abs(r["bits_per_byte"] - r["compressed_bytes"] * 8 / 6000) < 1e-3, r
if "xz -9e" in codecs:
    assert doc["results"][0]["vs_xz"] is not None
PY

# A peer whose round trip returns different bytes is reported loudly; a crashing one fails.
mkdir fakebin
cat >fakebin/gzip <<'SH'
#!/bin/sh
case " $* " in
  *" -d "*) cat; printf 'X' ;;
  *) cat ;;
esac
SH
cat >fakebin/xz <<'SH'
#!/bin/sh
exit 3
SH
chmod +x fakebin/gzip fakebin/xz
run 1 env PATH="$WORK/fakebin:$PATH" "$LMPACK" bench -q --levels 1 --peers gzip,xz corpus/a.txt
expect_stderr_contains "MISMATCH"
expect_stderr_contains "exited with status 3"
expect_stdout_contains "FAILED"
grep -qE '^corpus/a.txt +lmpack -1 +[0-9]+ ' "$WORK/out" || fail "good rows missing after failures"

# Missing inputs are errors; an empty directory has nothing to run.
mkdir emptydir
run 1 "$LMPACK" bench -q --levels 1 --peers none emptydir
expect_stderr_contains "no files"
run 1 "$LMPACK" bench -q --levels 1 --peers none missing corpus/a.txt
expect_stderr_contains "lmpack: missing: No such file or directory"
expect_stdout_contains "lmpack -1"

# Audio: a tiny 16-bit stereo WAV (a decaying tone with noise: deterministic, not silence).
python3 - <<'PY'
import math, random, struct, wave
rng = random.Random(5)
frames = []
for i in range(4000):
    v = 9000 * math.exp(-i / 1500) * math.sin(i * 0.07)
    frames.append(struct.pack("<hh", int(v + rng.randint(-40, 40)), int(0.6 * v + rng.randint(-40, 40))))
with wave.open("tone.wav", "wb") as w:
    w.setnchannels(2)
    w.setsampwidth(2)
    w.setframerate(16000)
    w.writeframes(b"".join(frames))
PY
audio_peers=()
command -v flac >/dev/null && audio_peers+=(flac)
command -v wavpack >/dev/null && command -v wvunpack >/dev/null && audio_peers+=(wavpack)
run 0 "$LMPACK" bench -q --levels 1 --peers xz,flac,wavpack --bits 8 tone.wav corpus/a.txt
grep -qE '^file +codec +size +rate% +bits/B +bits/smp +comp MB/s +dec MB/s +RSS MiB +vs xz +vs flac$' \
  "$WORK/out" || fail "audio table header: $(grep '^file' "$WORK/out")"
expect_stdout_contains "# audio: bits/smp"
# 4000 frames x 2 channels: bits/smp is bits/B times 2 (2 bytes per sample, less the header).
grep -qE '^tone.wav +lmpack -1 +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9]+\.[0-9]{3} ' "$WORK/out" ||
  fail "no bits/smp for the WAV: $(cat "$WORK/out")"
grep -qE '^tone.wav@8bit +lmpack -1 +[0-9]+ ' "$WORK/out" || fail "no @8bit row"
grep -qE '^corpus/a.txt +lmpack -1 +[0-9]+ +[0-9.]+ +[0-9.]+ +- ' "$WORK/out" ||
  fail "text file should have no bits/smp"
for p in "${audio_peers[@]}"; do
  label=$([[ $p == flac ]] && echo "flac -8" || echo "wavpack -hhx6")
  grep -qE "^tone.wav +$label +[0-9]+ " "$WORK/out" || fail "no $label row"
  grep -qE "^tone.wav@8bit +$label +[0-9]+ " "$WORK/out" || fail "no $label row at 8 bits"
  if grep -qE "^corpus/a.txt +$label" "$WORK/out"; then fail "$label ran on text"; fi
done
[[ ${#audio_peers[@]} -gt 0 ]] || echo "SKIP: flac and wavpack not on PATH"
if [[ " ${audio_peers[*]} " == *" flac "* ]]; then
  grep -qE '^tone.wav +lmpack -1 +.* [0-9]+\.[0-9]{3}$' "$WORK/out" || fail "no vs flac figure"
fi
expect_stderr_contains "corpus/a.txt: note: not integer PCM audio, --bits skips it"
if grep -q MISMATCH "$WORK/err"; then fail "audio round trip: $(cat "$WORK/err")"; fi

# The 8-bit copy is the top 8 bits of every sample, unsigned as 8-bit WAV is; CSV and JSON carry
# the sample count and bits per sample.
run 0 "$LMPACK" bench -q --levels 1 --peers none --bits 8 --csv tone.wav
head -1 "$WORK/out" | grep -q ',bits_per_byte,bits_per_sample,' || fail "CSV header: $(head -1 "$WORK/out")"
python3 - "$WORK/out" <<'PY' || fail "CSV audio check failed"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [r["file"] for r in rows] == ["tone.wav", "tone.wav@8bit"], rows
for r in rows:
    assert r["audio_samples"] == "8000", r
    assert abs(float(r["bits_per_sample"]) - int(r["compressed_bytes"]) * 8 / 8000) < 1e-3, r
assert rows[0]["original_bytes"] == "16044" and rows[1]["original_bytes"] == "8044", rows
PY
run 0 "$LMPACK" bench -q --levels 1 --peers none --bits 8 --json tone.wav
python3 - "$WORK/out" <<'PY' || fail "JSON audio check failed"
import json, sys
r = json.load(open(sys.argv[1]))["results"]
assert r[0]["audio_samples"] == 8000 and r[0]["bits_per_sample"] > 0, r
assert r[1]["file"] == "tone.wav@8bit", r
PY

# Only 8, 16 and 24; depths at or above the file's own are skipped with a note.
run 2 "$LMPACK" bench -q --levels 1 --bits 12 tone.wav
expect_stderr_contains "invalid --bits '12'"
run 2 "$LMPACK" bench -q --levels 1 --bits 8,x tone.wav
expect_stderr_contains "invalid --bits"
run 0 "$LMPACK" bench -q --levels 1 --peers none --bits 16,24 tone.wav
expect_stderr_contains "tone.wav: note: 16-bit audio, --bits 16 skips it (only reductions)"
expect_stderr_contains "--bits 24 skips it"
if grep -qE '^tone.wav@' "$WORK/out"; then fail "no reduced copy expected: $(cat "$WORK/out")"; fi

# A FLAC input: lmpack may give back a new FLAC file of the same samples, which passes; flac and
# wavpack do not run on it.
if [[ " ${audio_peers[*]} " == *" flac "* ]]; then
  flac -s -8 -o tone.flac tone.wav
  run 0 "$LMPACK" bench -q --levels 1 --peers flac,wavpack tone.flac
  grep -qE '^tone.flac +lmpack -1 +[0-9]+ ' "$WORK/out" || fail "no lmpack row for FLAC input"
  if grep -qE '^tone.flac +(flac|wavpack)' "$WORK/out"; then fail "audio peer ran on FLAC"; fi
fi

# An audio peer that changes a sample is a mismatch, as for the byte compressors.
if [[ " ${audio_peers[*]} " == *" flac "* ]]; then
  cat >fakebin/flac <<'SH'
#!/bin/sh
REAL_FLAC "$@" || exit $?
case " $* " in
  *" -d "*)
    prev= out=
    for a in "$@"; do
      [ "$prev" = "-o" ] && out=$a
      prev=$a
    done
    printf 'Z' | dd of="$out" bs=1 seek=100 conv=notrunc status=none ;;
esac
SH
  sed -i "s|^REAL_FLAC|$(command -v flac)|" fakebin/flac
  chmod +x fakebin/flac
  run 1 env PATH="$WORK/fakebin:$PATH" "$LMPACK" bench -q --levels 1 --peers flac tone.wav
  expect_stderr_contains "ROUND TRIP MISMATCH: tone.wav with flac -8"
fi

[[ -z $(ls -A "$WORK/tmp") ]] || fail "scratch files left behind: $(ls -A "$WORK/tmp")"
echo "bench: OK"
