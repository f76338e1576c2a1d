# Damaged and hostile inputs: every case must fail with exit 1, exactly one stderr line naming
# the file, no output (not even a temporary), and the input left as it was.
source "$(dirname "$0")/helpers.sh" "$@"

# A model-coded archive with several blocks: header, a 5-entry table, payloads, trailer.
cp "$ROOT/samples/text/gpl-3.txt" text
run 0 "$LMPACK" -k -1 -B 8K text
cp text.lmp good.lmp
size=$(stat -c %s good.lmp)
[[ $size -gt 200 ]] || fail "test archive unexpectedly small ($size bytes)"

# expect_rejected FILE [STDERR_TEXT]: -d, -t, -c and -o all refuse FILE the same way.
expect_rejected() {
  local file=$1 text=${2:-}
  local base=${file%.lmp}
  cp "$file" "$file.before"
  run 1 "$LMPACK" -d "$file"
  expect_one_line_error "$file"
  [[ -z $text ]] || expect_stderr_contains "$text"
  expect_no_file "$base"
  expect_same "$file.before" "$file"
  run 1 "$LMPACK" -d -k "$file"
  expect_no_file "$base"
  run 1 "$LMPACK" -t "$file"
  expect_one_line_error "$file"
  run 1 "$LMPACK" -d -c "$file"
  expect_one_line_error "$file"
  [[ ! -s $WORK/out ]] || fail "$file: -d -c wrote data before failing"
  run 1 "$LMPACK" -d -o "$base.out" "$file"
  expect_no_file "$base.out"
  run_in 1 "$file" "$LMPACK" -d
  expect_one_line_error "(stdin)"
  [[ ! -s $WORK/out ]] || fail "$file: stdin decompression wrote data before failing"
  expect_same "$file.before" "$file"
  expect_no_temp_files "$WORK"
  rm -f "$file.before"
}

# Truncated at several cut points, from inside the magic to the last trailer byte.
for cut in 1 3 4 5 8 16 32 64 $((size / 2)) $((size - 9)) $((size - 8)) $((size - 1)); do
  head -c "$cut" good.lmp >"cut$cut.lmp"
  expect_rejected "cut$cut.lmp"
done
# Trailing garbage after a complete archive.
{ cat good.lmp; printf 'extra'; } >longer.lmp
expect_rejected longer.lmp

# One flipped bit in the magic, version, header, block table, payloads and trailer.
for offset in 0 3 4 5 6 8 12 16 20 24 28 32 40 $((size / 3)) $((size / 2)) $((size - 20)) \
  $((size - 8)) $((size - 4)) $((size - 1)); do
  cp good.lmp "flip$offset.lmp"
  flip_bit "flip$offset.lmp" "$offset"
  expect_rejected "flip$offset.lmp"
done
# The last bytes of a block's payload may be coder flush padding the decoder never reads (true
# of the current coder: the last 3 bytes). A flip there must never yield wrong output: either
# it is rejected, or the output is exactly the original.
for back in 9 10 11 12; do
  offset=$((size - back))
  cp good.lmp "tail$offset.lmp"
  flip_bit "tail$offset.lmp" "$offset"
  code=0
  "$LMPACK" -d -c "tail$offset.lmp" >"$WORK/out" 2>"$WORK/err" || code=$?
  if [[ $code -eq 0 ]]; then
    expect_same text "$WORK/out"
  else
    expect_rejected "tail$offset.lmp"
  fi
done

# Wrong magic (a zip header) and a future format version. docs/format.md: the archive starts
# with the 4-byte magic 89 'L' 'M' 'P', then the format version as a varint (1 today).
cp good.lmp magic.lmp
printf 'PK\x03\x04' | dd of=magic.lmp bs=1 seek=0 conv=notrunc status=none
expect_rejected magic.lmp "not an lmpack archive"
[[ $(od -An -tx1 -j4 -N1 good.lmp | tr -d ' ') == 01 ]] || fail "version byte is not at offset 4"
cp good.lmp future.lmp
patch_byte future.lmp 4 02
expect_rejected future.lmp "version"

# Random bytes, with and without a valid magic in front.
make_random noise.lmp 4096 11
expect_rejected noise.lmp
{ printf '\x89LMP'; head -c 4096 noise.lmp; } >noisy.lmp
expect_rejected noisy.lmp
make_random bigger.lmp 70000 12
expect_rejected bigger.lmp

# Decompressing an empty file is an error (compressing one works: see roundtrip.sh).
: >empty.lmp
expect_rejected empty.lmp "empty"

# Other files compressed with another tool.
gzip -c text >gz.lmp
expect_rejected gz.lmp "not an lmpack archive"

# A directory, for both directions; a missing file.
mkdir dir.lmp
run 1 "$LMPACK" -d dir.lmp
expect_one_line_error dir.lmp
expect_stderr_contains "is a directory"
run 1 "$LMPACK" dir.lmp
expect_one_line_error dir.lmp
expect_stderr_contains "is a directory"
run 1 "$LMPACK" -l dir.lmp
expect_one_line_error dir.lmp
[[ -d dir.lmp ]] || fail "directory removed"
run 1 "$LMPACK" -d missing.lmp
expect_one_line_error missing.lmp
expect_stderr_contains "No such file or directory"
run 1 "$LMPACK" missing
expect_one_line_error missing
expect_stderr_contains "No such file or directory"
expect_no_file missing.lmp

# -l reads headers: it rejects what the header check catches.
for f in cut3.lmp cut16.lmp magic.lmp future.lmp noise.lmp empty.lmp flip8.lmp; do
  run 1 "$LMPACK" -l "$f"
  expect_one_line_error "$f"
done
# -t on a mix: the good archive passes, the damaged ones fail, exit 1, one line each.
run 1 "$LMPACK" -t good.lmp flip20.lmp cut64.lmp
[[ $(wc -l <"$WORK/err") -eq 2 ]] || fail "-t on two bad archives: $(cat "$WORK/err")"

# Unreadable input (skipped when running as root, who can read anything).
if [[ $(id -u) -ne 0 ]]; then
  cp good.lmp locked.lmp
  chmod 000 locked.lmp
  run 1 "$LMPACK" -d locked.lmp
  expect_one_line_error locked.lmp
  expect_stderr_contains "Permission denied"
  chmod 600 locked.lmp
fi

# An unwritable destination directory: error, no output, input kept.
if [[ $(id -u) -ne 0 ]]; then
  mkdir ro
  cp text ro/text
  chmod 555 ro
  run 1 "$LMPACK" ro/text
  expect_one_line_error ro/text
  expect_file ro/text
  chmod 755 ro
fi

# Write failures: a file size limit hit mid-write (compressing and decompressing) and a full
# stdout. Each is one error line, no output file, no temporary, input kept.
rm -f text.lmp
(
  ulimit -f 8  # 8 KiB: the archive (~12 KB) and the text (35 KB) both exceed it
  code=0
  "$LMPACK" -k text 2>"$WORK/err" || code=$?
  [[ $code -eq 1 ]] || fail "file size limit while compressing: exit $code"
  code=0
  "$LMPACK" -d -o limited good.lmp 2>>"$WORK/err" || code=$?
  [[ $code -eq 1 ]] || fail "file size limit while decompressing: exit $code"
)
[[ $(wc -l <"$WORK/err") -eq 2 ]] || fail "size limit errors: $(cat "$WORK/err")"
[[ $(grep -c "File too large" "$WORK/err") -eq 2 ]] || fail "size limit errors: $(cat "$WORK/err")"
expect_file text
expect_no_file text.lmp
expect_no_file limited
expect_no_temp_files "$WORK"
if [[ -w /dev/full ]]; then
  code=0
  "$LMPACK" -c text >/dev/full 2>"$WORK/err" || code=$?
  [[ $code -eq 1 ]] || fail "write to /dev/full: exit $code"
  expect_one_line_error text
  expect_stderr_contains "No space left on device"
fi

expect_no_temp_files "$WORK"
echo "bad_inputs: OK"
