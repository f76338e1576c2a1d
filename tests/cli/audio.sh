# Audio through the command: WAV/AIFF come back byte for byte with the audio model, -l names the
# audio layout, FLAC comes back as FLAC (or WAV with --to-wav) with the same samples, --media
# bytes forces the byte path, and a file that only looks like audio takes the byte path.
source "$(dirname "$0")/helpers.sh" "$@"

command -v sox >/dev/null || { echo "sox not installed: skipping audio CLI checks"; exit 0; }

# Two seconds of a chord with a little noise: stereo 16-bit WAV, mono 24-bit AIFF, 8-bit WAV.
sox -n -r 44100 -b 16 -c 2 tone.wav synth 2 sine 440 sine 660 remix 1 2 gain -6 2>/dev/null
sox -n -r 48000 -b 24 -c 1 tone.aiff synth 2 sine 330 gain -3 2>/dev/null
sox -n -r 8000 -b 8 -c 1 tone8.wav synth 2 sine 300 gain -3 2>/dev/null

for f in tone.wav tone.aiff tone8.wav; do
  cp "$f" "$f.orig"
  run 0 "$LMPACK" -v "$f"
  expect_stderr_contains "audio"
  expect_file "$f.lmp"
  run 0 "$LMPACK" -l -v "$f.lmp"
  expect_stdout_contains "audio"
  expect_stdout_contains "comes back byte for byte"
  run 0 "$LMPACK" -t "$f.lmp"
  run 0 "$LMPACK" -d "$f.lmp"
  expect_same "$f.orig" "$f"
done

# The audio model beats the byte model on audio.
run 0 "$LMPACK" -c tone.wav.orig
audio_size=$(wc -c <"$WORK/out")
run 0 "$LMPACK" -c --media bytes tone.wav.orig
bytes_size=$(wc -c <"$WORK/out")
((audio_size < bytes_size)) || fail "audio model ($audio_size) not smaller than bytes ($bytes_size)"

# FLAC: back as FLAC with the same samples; --to-wav writes FILE.wav.
sox tone.wav.orig tone.flac
sox tone.flac tone-flac.raw.wav
run 0 "$LMPACK" -k tone.flac
run 0 "$LMPACK" -l -v tone.flac.lmp
expect_stdout_contains "FLAC"
mv tone.flac tone.flac.orig
run 0 "$LMPACK" -d -k tone.flac.lmp
expect_file tone.flac
[[ $(head -c 4 tone.flac) == "fLaC" ]] || fail "tone.flac is not a FLAC file"
sox tone.flac back.wav
sox tone-flac.raw.wav -t raw a.raw
sox back.wav -t raw b.raw
expect_same a.raw b.raw
rm -f tone.wav
run 0 "$LMPACK" -d --to-wav tone.flac.lmp
expect_file tone.wav
[[ $(head -c 4 tone.wav) == "RIFF" ]] || fail "--to-wav did not write a WAV"
sox tone.wav -t raw c.raw
expect_same a.raw c.raw

# A WAV header with a lying data size still round-trips (whatever path it takes).
cp tone.wav.orig liar.wav
printf '\xff\xff\xff\x7f' | dd of=liar.wav bs=1 seek=40 conv=notrunc 2>/dev/null
cp liar.wav liar.orig
run 0 "$LMPACK" liar.wav
run 0 "$LMPACK" -d liar.wav.lmp
expect_same liar.orig liar.wav

# Headers only (no samples) and a truncated header.
head -c 44 tone.wav.orig >header-only.wav
head -c 30 tone.wav.orig >cut.wav
for f in header-only.wav cut.wav; do
  cp "$f" "$f.orig"
  run 0 "$LMPACK" "$f"
  run 0 "$LMPACK" -d "$f.lmp"
  expect_same "$f.orig" "$f"
done

echo "cli.audio: ok"
