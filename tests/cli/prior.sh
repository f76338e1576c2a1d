# Priors: `lmpack train` writes a weights file, a resumed run ends with the very same bytes as a
# straight one, the prior families round-trip with it, and a decoder without the prior refuses
# the archive with exit 1 and one line naming the missing model.
source "$(dirname "$0")/helpers.sh" "$@"

# A corpus with some structure (the GPL, twice) and a tiny model: a few seconds in all.
cat "$ROOT/samples/text/gpl-3.txt" "$ROOT/samples/text/gpl-3.txt" >corpus.txt
tiny=(--d-model 16 --layers 1 --heads 2 --d-ff 32 --segment 16 --memory 16 --streams 2
  --eval-every 10 --eval-bytes 2048 --checkpoint-every 10)

mkdir -p models
run 0 "$LMPACK" train corpus.txt -o models/tiny.lmw "${tiny[@]}" --steps 20 --checkpoint straight.ckpt -T 2
grep -q "held-out" "$WORK/err" || fail "train logged no held-out figures"
[[ $(head -c 4 models/tiny.lmw) == LMPW ]] || fail "weights file has no LMPW magic"

# Resume: 10 steps, then 10 more from the checkpoint (on one thread) == 20 straight.
run 0 "$LMPACK" train corpus.txt -o half.lmw "${tiny[@]}" --steps 10 --checkpoint resumed.ckpt -T 2
run 0 "$LMPACK" train corpus.txt -o resumed.lmw "${tiny[@]}" --steps 20 --checkpoint resumed.ckpt --resume -T 1
expect_same models/tiny.lmw resumed.lmw
expect_same straight.ckpt resumed.ckpt
# A checkpoint made with other settings is refused.
run 1 "$LMPACK" train corpus.txt -o x.lmw "${tiny[@]}" --seed 7 --steps 20 --checkpoint resumed.ckpt --resume
expect_stderr_contains "other model or training settings"

# The prior families round-trip, the archive names the prior, and decoding needs it.
head -c 6000 "$ROOT/samples/text/gpl-3.txt" >text
for model in prior prior-mix; do
  run 0 "$LMPACK" -k -f --model "$model" --prior tiny --model-dir models text
  run 0 "$LMPACK" -l text.lmp
  grep -q "$model" "$WORK/out" || fail "-l does not show model $model"
  run 0 "$LMPACK" -d -c --model-dir models text.lmp
  expect_same text "$WORK/out"
  LMPACK_MODEL_DIR="$WORK/models" run 0 "$LMPACK" -t text.lmp
  # Without the prior: exit 1, one line that names the missing model.
  run 1 "$LMPACK" -d -c text.lmp
  expect_one_line_error text.lmp
  expect_stderr_contains "archive needs prior model 'tiny'"
  # A different file under the same name is not used.
  mkdir -p other && cp half.lmw other/tiny.lmw
  run 1 "$LMPACK" -d -c --model-dir other text.lmp
  expect_stderr_contains "archive needs prior model 'tiny'"
  expect_stderr_contains "is another model"
done

# Compressing with a prior that does not exist is a usage error naming it.
run 2 "$LMPACK" -k --model prior --prior nosuch text
expect_stderr_contains "prior model 'nosuch' not found"
# A damaged weights file is refused with a clear message.
cp models/tiny.lmw bad.lmw
printf 'X' | dd of=bad.lmw bs=1 seek=100 conv=notrunc 2>/dev/null
run 2 "$LMPACK" -k --model prior --prior "$WORK/bad.lmw" text
expect_stderr_contains "damaged or truncated"
# The paper protocol and small records run the prior through RecordCodec (round-tripped).
run 0 "$LMPACK" bench --chunk 512 --max-chunks 3 --prior tiny --model-dir models \
  --models prior:1,prior-mix:1,cm:1 text
expect_stdout_contains "3 chunks of 512 bytes"
expect_stdout_contains "lmpack prior-mix -1"
! grep -q FAILED "$WORK/out" || fail "a chunk bench row failed"
run 0 "$LMPACK" bench --records --max-chunks 4 --prior tiny --model-dir models --models prior:1 text
expect_stdout_contains "4 records"
echo "prior: ok"
