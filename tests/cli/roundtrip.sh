# Round trips through the command: every file in samples/, plus edge cases (empty, one byte,
# incompressible data, several blocks, several threads). Level 1 and 64K blocks keep it quick.
source "$(dirname "$0")/helpers.sh" "$@"

mapfile -t samples < <(find "$ROOT/samples" -type f ! -name '.*' ! -name '*.md' ! -name 'LICENSE*' | sort)
[[ ${#samples[@]} -gt 0 ]] || fail "no files under $ROOT/samples"

for sample in "${samples[@]}"; do
  name=$(basename "$sample")
  cp "$sample" "$name"
  run 0 "$LMPACK" -1 -B 64K -T 2 "$name"
  expect_no_file "$name"  # removed without -k
  expect_file "$name.lmp"
  run 0 "$LMPACK" -d -T 2 "$name.lmp"
  expect_no_file "$name.lmp"
  expect_same "$sample" "$name"
  rm -f "$name"
done

# Edge cases at the default level and block size.
: >empty
printf 'x' >one
make_random random 50000 7
python3 -c "import sys; sys.stdout.write('lmpack round trip line\\n' * 5000)" >repetitive
for f in empty one random repetitive; do
  cp "$f" "$f.orig"
  run 0 "$LMPACK" -k "$f"
  [[ -s $f.lmp ]] || fail "$f.lmp is empty"
  run 0 "$LMPACK" -d -c "$f.lmp"
  expect_same "$f.orig" "$WORK/out"
done
# Incompressible data may not grow by more than the documented kMaxExpansion (64 bytes).
[[ $(stat -c %s random.lmp) -le $((50000 + 64)) ]] || fail "random.lmp grew too much"
[[ $(stat -c %s repetitive.lmp) -lt 20000 ]] || fail "repetitive.lmp did not compress"

# Several blocks and threads give the same archive as one thread.
run 0 "$LMPACK" -c -1 -B 16K -T 1 repetitive.orig
mv "$WORK/out" t1.lmp
run 0 "$LMPACK" -c -1 -B 16K -T 0 repetitive.orig
cmp -s t1.lmp "$WORK/out" || fail "archive depends on the thread count"
run 0 "$LMPACK" -d -c t1.lmp
expect_same repetitive.orig "$WORK/out"

# --best, --model and --media go through too.
run 0 "$LMPACK" -c --best one.orig
mv "$WORK/out" best.lmp
run_in 0 best.lmp "$LMPACK" -d
expect_same one.orig "$WORK/out"
run 0 "$LMPACK" -c --model cm --media bytes -9 one.orig
mv "$WORK/out" nine.lmp
run_in 0 nine.lmp "$LMPACK" -d
expect_same one.orig "$WORK/out"

expect_no_temp_files "$WORK"
echo "roundtrip: OK (${#samples[@]} samples)"
