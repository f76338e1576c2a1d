#!/usr/bin/env bash
# Lossy speech mode: `lmpack speech encode|decode|show`, how the lossless paths treat a .lms
# archive, damaged archives, silence, and the speech quality report on a short real clip.
source "$(dirname "$0")/helpers.sh" "$@"

# wav_seconds FILE: duration of a PCM WAV.
wav_seconds() {
  python3 -c "import sys, wave; w = wave.open(sys.argv[1]); print(w.getnframes() / w.getframerate())" "$1"
}

# The first 4 s of the Allison prompts (real speech, 8 kHz mono), and 3 s of stereo silence.
python3 - "$ROOT/samples/audio/speech-allison-8k16-mono.wav" <<'PY'
import sys, wave
src = wave.open(sys.argv[1])
with wave.open("clip.wav", "wb") as out:
    out.setparams(src.getparams())
    out.writeframes(src.readframes(4 * src.getframerate()))
with wave.open("silence.wav", "wb") as out:
    out.setnchannels(2)
    out.setsampwidth(2)
    out.setframerate(44100)
    out.writeframes(bytes(4 * 44100 * 3))
PY

run 0 "$LMPACK" speech --help
expect_stdout_contains "encode"
expect_stdout_contains "NOT kept"

# Encode and decode a short clip; the input stays, the output has the input's duration.
run 0 "$LMPACK" speech encode -v clip.wav
expect_file clip.wav
expect_file clip.wav.lms
expect_stderr_contains "lossy"
size=$(stat -c %s clip.wav.lms)
wav_size=$(stat -c %s clip.wav)
((size * 200 < wav_size)) || fail "archive of $size bytes is not below 0.5% of $wav_size"
run 0 "$LMPACK" speech show clip.wav.lms
expect_stdout_contains "lossy speech, 4.00 s"
words=$(sed -n 's/.*s, \([0-9]*\) words.*/\1/p' "$WORK/out")
((words >= 3)) || fail "only $words words recognised in the clip"
run 0 "$LMPACK" speech decode clip.wav.lms
expect_file clip.speech.wav
secs=$(wav_seconds clip.speech.wav)
python3 -c "import sys; sys.exit(0 if abs($secs - 4.0) <= 0.2 else 1)" ||
  fail "decoded duration $secs s is not within 5% of 4 s"

# Usual habits: no overwrite without -f, -o, -c, missing input.
run 1 "$LMPACK" speech decode clip.wav.lms
expect_one_line_error clip.wav.lms
expect_stderr_contains "already exists (use -f to overwrite)"
run 0 "$LMPACK" speech decode -f clip.wav.lms
run 0 "$LMPACK" speech decode clip.wav.lms -o other.wav
expect_same clip.speech.wav other.wav
run 0 "$LMPACK" speech decode -c clip.wav.lms
cmp -s "$WORK/out" other.wav || fail "-c output differs from -o output"
run 1 "$LMPACK" speech encode clip.wav
expect_stderr_contains "clip.wav.lms already exists"
run 1 "$LMPACK" speech encode missing.wav
expect_one_line_error missing.wav
run 2 "$LMPACK" speech encode
run 2 "$LMPACK" speech frobnicate clip.wav

# Not audio: a clear error and nothing written.
printf 'hello, this is text\n' >text.txt
run 1 "$LMPACK" speech encode text.txt
expect_one_line_error text.txt
expect_stderr_contains "not an audio file"
expect_no_file text.txt.lms

# The lossless paths: -d refuses naming the speech command, -t verifies, -l describes it.
cp clip.wav.lms copy.lms
run 1 "$LMPACK" -d copy.lms
expect_one_line_error copy.lms
expect_stderr_contains "lmpack speech decode"
run 1 "$LMPACK" -dc copy.lms
expect_stderr_contains "lmpack speech decode"
run 1 "$LMPACK" -d -o x.out copy.lms
expect_stderr_contains "lmpack speech decode"
expect_no_file x.out
expect_file copy.lms
run 0 "$LMPACK" -t copy.lms
run 0 "$LMPACK" -lv copy.lms
expect_stdout_contains "speech"
expect_stdout_contains "LOSSY"
# A lossless archive is not a speech archive.
run 0 "$LMPACK" -k clip.wav
run 1 "$LMPACK" speech decode clip.wav.lmp -o y.wav
expect_stderr_contains "lmpack -d"
expect_no_file y.wav

# Damage: a flipped bit, a truncation, an empty file: exit 1, one clear line, no output left.
cp clip.wav.lms bad.lms
flip_bit bad.lms 40
run 1 "$LMPACK" speech decode bad.lms -o bad.wav
expect_one_line_error bad.lms
expect_stderr_contains "damaged"
expect_no_file bad.wav
run 1 "$LMPACK" -t bad.lms
expect_stderr_contains "damaged"
run 1 "$LMPACK" -l bad.lms
head -c 50 clip.wav.lms >short.lms
run 1 "$LMPACK" speech decode short.lms -o bad.wav
expect_stderr_contains "truncated"
expect_no_file bad.wav
: >empty.lms
run 1 "$LMPACK" speech decode empty.lms -o bad.wav
expect_one_line_error empty.lms
expect_no_temp_files .

# Silence: a valid near-empty archive that decodes to silence of the same length.
run 0 "$LMPACK" speech encode silence.wav
size=$(stat -c %s silence.wav.lms)
((size < 120)) || fail "silence gave a $size-byte archive"
run 0 "$LMPACK" speech show silence.wav.lms
expect_stdout_contains "0 words"
run 0 "$LMPACK" speech decode silence.wav.lms
secs=$(wav_seconds silence.speech.wav)
[[ $secs == 3.0 ]] || fail "silence decoded to $secs s"

# The quality report: sizes, WER and duration ratio of the same clip, as CSV.
run 0 "$LMPACK" bench --speech clip.wav --csv report.csv
expect_stdout_contains "WER"
python3 - report.csv <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#"))]
assert len(rows) == 1, rows
r = rows[0]
assert abs(float(r["duration_ratio"]) - 1.0) <= 0.05, r
assert float(r["wer"]) <= 0.5, r
assert int(r["lms_bytes"]) * 200 < int(r["wav16_bytes"]), r
PY

echo "speech: OK"
