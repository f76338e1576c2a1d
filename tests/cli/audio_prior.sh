# Audio with a prior: a tiny prior trained on a WAV's bytes codes the audio stream (Trilobyte
# tokens) of another WAV with --model prior, prior-mix and prior-pcm (the prior mixed with linear
# prediction of the samples) and back byte for byte; the archive
# names the prior and a decoder without it refuses. Then the paper's protocol on audio
# (`bench --chunk --pcm`): chunks of whole frames, every lmpack row round-trips, the FLAC and
# audio-family rows, the table over all files and the CSV.
source "$(dirname "$0")/helpers.sh" "$@"
mkdir "$WORK/tmp"
export TMPDIR="$WORK/tmp"

speech=$ROOT/samples/audio/speech-allison-8k16-mono.wav
head -c 40000 "$speech" | tail -c 30000 >corpus.raw
tiny=(--d-model 16 --layers 1 --heads 2 --d-ff 32 --segment 16 --memory 16 --streams 2
  --eval-every 10 --eval-bytes 2048 --checkpoint-every 10)
mkdir -p models
run 0 "$LMPACK" train corpus.raw -o models/tiny-audio.lmw "${tiny[@]}" --steps 10 -T 1

# A short 16-bit mono WAV: the sample's header with 3000 frames (its data size patched).
python3 - "$speech" clip.wav <<'PY'
import sys, wave
with wave.open(sys.argv[1]) as r:
    params = r.getparams()
    r.readframes(20000)
    frames = r.readframes(3000)
with wave.open(sys.argv[2], "wb") as w:
    w.setparams(params)
    w.writeframes(frames)
PY
for model in prior prior-mix prior-pcm; do
  run 0 "$LMPACK" -k -f --model "$model" --prior tiny-audio --model-dir models clip.wav
  run 0 "$LMPACK" -l clip.wav.lmp
  expect_stdout_contains "audio"
  expect_stdout_contains "$model"
  run 0 "$LMPACK" -d -c --model-dir models clip.wav.lmp
  expect_same clip.wav "$WORK/out"
  run 1 "$LMPACK" -d -c clip.wav.lmp
  expect_one_line_error clip.wav.lmp
  expect_stderr_contains "archive needs prior model 'tiny-audio'"
  cp clip.wav.lmp "clip.$model.lmp"
done
# Linear prediction knows speech far better than a prior trained for ten steps.
pcm_size=$(wc -c <clip.prior-pcm.lmp) prior_size=$(wc -c <clip.prior.lmp)
((pcm_size * 10 < prior_size * 9)) || fail "prior-pcm $pcm_size bytes, prior $prior_size"

# The protocol on audio: 16-bit mono, so 2048-byte chunks hold 1024 frames; 3000 frames make 2
# chunks. A second file (an 8-bit copy, when sox is here) adds the table over all files.
inputs=(clip.wav)
if command -v sox >/dev/null; then
  sox -D clip.wav -b 8 clip8.wav
  inputs+=(clip8.wav)
fi
run 0 "$LMPACK" bench --chunk 2048 --pcm --max-chunks 0 --prior tiny-audio --model-dir models \
  --models prior:1,prior-mix:1,prior-pcm:1,cm:1 --csv rows.csv "${inputs[@]}"
expect_stdout_contains "clip.wav: WAV, 16-bit PCM, 1 ch, 8000 Hz, 3000 frames; 2 chunks of 2048 token bytes"
expect_stdout_contains "lmpack prior-mix -1"
expect_stdout_contains "lmpack prior-pcm -1"
expect_stdout_contains "lmpack audio -5 (archive of the chunk's WAV)"
! grep -q FAILED "$WORK/out" || fail "a chunk bench row failed: $(cat "$WORK/out")"
if command -v flac >/dev/null; then
  expect_stdout_contains "flac -8 --no-padding --no-seektable"
  expect_stdout_contains "flac -8, frames only"
fi
head -1 rows.csv | grep -q '^file,compressor,chunks,chunk_bytes,original_bytes,compressed_bytes,' ||
  fail "CSV header: $(head -1 rows.csv)"
grep -q '^clip.wav,lmpack prior -1,2,2048,4096,' rows.csv || fail "CSV prior row: $(cat rows.csv)"
if ((${#inputs[@]} > 1)); then
  # 8-bit: one byte a frame, 3000 bytes make one whole chunk.
  expect_stdout_contains "clip8.wav: WAV, 8-bit PCM, 1 ch, 8000 Hz, 3000 frames; 1 chunks"
  expect_stdout_contains "all files: 3 chunks, 6144 bytes"
  grep -q '^all files,lmpack prior -1,3,2048,6144,' rows.csv || fail "CSV total row"
  if command -v flac >/dev/null; then
    # The FLAC rows are flac's real file for the chunk (its first 2048 samples), and that file
    # less "fLaC" and its metadata blocks.
    sox clip8.wav first.wav trim 0s 2048s
    flac -8 --no-padding --no-seektable -s -o first.flac first.wav
    size=$(wc -c <first.flac)
    frames=$(python3 - first.flac <<'PY'
import sys
f = open(sys.argv[1], "rb").read()
at = 4
while True:
    last, n = f[at] & 0x80, int.from_bytes(f[at + 1:at + 4], "big")
    at += 4 + n
    if last:
        break
print(len(f) - at)
PY
)
    grep -q "^clip8.wav,flac -8 --no-padding --no-seektable,1,2048,2048,$size," rows.csv ||
      fail "FLAC file row is not $size bytes: $(grep flac rows.csv)"
    grep -q "^clip8.wav,\"flac -8, frames only (no fLaC/metadata)\",1,2048,2048,$frames," rows.csv ||
      fail "FLAC frames row is not $frames bytes: $(grep flac rows.csv)"
  fi
fi
# A file the audio front end does not read is an error; --pcm and --records conflict.
head -c 5000 "$ROOT/samples/text/gpl-3.txt" >text
run 1 "$LMPACK" bench --chunk 2048 --pcm --prior tiny-audio --model-dir models --models cm:1 text
expect_stderr_contains "is not a PCM audio file"
run 2 "$LMPACK" bench --chunk 2048 --pcm --records --models cm:1 clip.wav
[[ -z $(ls -A "$WORK/tmp") ]] || fail "scratch files left behind: $(ls -A "$WORK/tmp")"
echo "audio_prior: ok"
