# gzip/xz/zstd habits: -k, -f, -c, -o, stdin/stdout, input removal, existing outputs, metadata,
# -t, -l, -v, and the subcommand-style aliases.
source "$(dirname "$0")/helpers.sh" "$@"

cp "$ROOT/samples/text/gpl-3.txt" orig
cp orig a

# Without -k the input goes once the archive is in place; the archive keeps mode and mtime.
chmod 640 a
touch -d '2001-02-03 04:05:06' a
run 0 "$LMPACK" a
expect_no_file a
expect_file a.lmp
[[ $(stat -c %a a.lmp) == 640 ]] || fail "mode not copied: $(stat -c %a a.lmp)"
[[ $(stat -c %Y a.lmp) == $(date -d '2001-02-03 04:05:06' +%s) ]] || fail "mtime not copied"
[[ ! -s $WORK/out && ! -s $WORK/err ]] || fail "compression without -v printed something"

# -d restores the file with the same metadata and removes the archive.
run 0 "$LMPACK" -d a.lmp
expect_no_file a.lmp
expect_same orig a
[[ $(stat -c %a a) == 640 ]] || fail "mode not restored"
[[ $(stat -c %Y a) == $(date -d '2001-02-03 04:05:06' +%s) ]] || fail "mtime not restored"

# -k keeps the input.
run 0 "$LMPACK" -k a
expect_same orig a
expect_file a.lmp
cp a.lmp a.lmp.saved

# An existing output without -f: exit 1, one line naming the input, output and input untouched.
echo "precious" >a.lmp
run 1 "$LMPACK" -k a
expect_one_line_error a
expect_stderr_contains "a.lmp already exists"
[[ $(cat a.lmp) == precious ]] || fail "existing output was modified"
expect_same orig a
run 1 "$LMPACK" a
[[ $(cat a.lmp) == precious ]] || fail "existing output was modified (no -k)"
expect_file a
# -f overwrites.
run 0 "$LMPACK" -k -f a
expect_same a.lmp.saved a.lmp

# The same for decompression.
cp a.lmp b.lmp
echo "precious" >b
run 1 "$LMPACK" -d b.lmp
expect_one_line_error b.lmp
[[ $(cat b) == precious ]] || fail "existing output was modified by -d"
expect_file b.lmp
run 0 "$LMPACK" -d -f -k b.lmp
expect_same orig b
expect_file b.lmp

# -c writes stdout and keeps the input; several archives with -d -c concatenate.
run 0 "$LMPACK" -c a
expect_file a
cmp -s "$WORK/out" a.lmp.saved || fail "-c output differs from the file output"
run 0 "$LMPACK" -d -c a.lmp b.lmp
cat orig orig >twice
expect_same twice "$WORK/out"
expect_file a.lmp
expect_file b.lmp

# -o names the output (input removed unless -k, like the default).
run 0 "$LMPACK" -k -o named.lmp a
expect_same a.lmp.saved named.lmp
run 0 "$LMPACK" -d -o named.out named.lmp
expect_same orig named.out
expect_no_file named.lmp
run 1 "$LMPACK" -d -o named.out b.lmp
expect_one_line_error b.lmp
expect_stderr_contains "named.out already exists"

# stdin -> stdout: with no FILE and with "-".
run_in 0 a "$LMPACK"
mv "$WORK/out" stdin.lmp
cmp -s stdin.lmp a.lmp.saved || fail "stdin archive differs from the file archive"
run_in 0 stdin.lmp "$LMPACK" -d -
expect_same orig "$WORK/out"
run_in 0 stdin.lmp "$LMPACK" -dc
expect_same orig "$WORK/out"
# stdin to a named output.
run_in 0 a "$LMPACK" -o fromstdin.lmp
expect_same a.lmp.saved fromstdin.lmp

# A name without .lmp is refused by -d unless -c or -o says where to write.
cp a.lmp.saved noext
run 1 "$LMPACK" -d noext
expect_one_line_error noext
expect_stderr_contains ".lmp"
expect_file noext
run 0 "$LMPACK" -d -c noext
expect_same orig "$WORK/out"
# Compressing a .lmp file again is refused unless -f.
cp a.lmp.saved again.lmp
run 1 "$LMPACK" -k again.lmp
expect_one_line_error again.lmp

# -o with the input's own name is refused even with -f (it would destroy the input).
run 1 "$LMPACK" -f -o a a
expect_one_line_error a
expect_same orig a

# -t: good archive passes silently; -v says OK.
run 0 "$LMPACK" -t a.lmp.saved
[[ ! -s $WORK/out && ! -s $WORK/err ]] || fail "-t printed something without -v"
run 0 "$LMPACK" -tv a.lmp.saved
expect_stderr_contains "a.lmp.saved: OK"
expect_file a.lmp.saved

# -l shows both sizes; -v -l adds per-block lines.
run 0 "$LMPACK" -l a.lmp.saved
expect_stdout_contains "$(stat -c %s a.lmp.saved)"
expect_stdout_contains "$(stat -c %s orig)"
expect_stdout_contains "a.lmp.saved"
expect_stdout_contains "bytes"
[[ $(wc -l <"$WORK/out") -eq 2 ]] || fail "-l on one file: expected header + 1 line"
run 0 "$LMPACK" -1 -B 8K -c orig
mv "$WORK/out" blocks.lmp
run 0 "$LMPACK" -lv blocks.lmp
blocks=$(grep -c '^ *block ' "$WORK/out" || true)
[[ $blocks -eq 5 ]] || fail "-lv: expected 5 block lines (35149 bytes / 8K), got $blocks"
run 0 "$LMPACK" -l a.lmp.saved blocks.lmp
expect_stdout_contains "2 files"
run_in 0 blocks.lmp "$LMPACK" -l
expect_stdout_contains "(stdin)"

# -v summary: "NAME: R% (IN -> OUT bytes, X MB/s, MODEL)"; neural models also name the kernel.
run 0 "$LMPACK" -v -k -f a
grep -qE "^a: [0-9]+\.[0-9]% \($(stat -c %s orig) -> $(stat -c %s a.lmp) bytes, [0-9.]+ MB/s, cm\)$" \
  "$WORK/err" || fail "-v summary: $(cat "$WORK/err")"
head -c 3000 orig >small
run 0 "$LMPACK" -v -k -f --model=lstm --simd=scalar small
grep -qE "^small: .*, lstm, nn kernels scalar\)$" "$WORK/err" || fail "-v lstm summary: $(cat "$WORK/err")"
run 2 "$LMPACK" --simd=avx9 small
grep -q "unknown kernel variant 'avx9'" "$WORK/err" || fail "--simd=avx9: $(cat "$WORK/err")"
# -q prints nothing on success.
run 0 "$LMPACK" -q -k -f a
[[ ! -s $WORK/err ]] || fail "-q printed: $(cat "$WORK/err")"

# Several files: an error in one does not stop the others; exit 1 at the end.
cp orig x1
cp orig x2
run 1 "$LMPACK" x1 missing x2
expect_one_line_error missing
expect_file x1.lmp
expect_file x2.lmp
expect_no_file x1
expect_no_file x2

# Subcommand-style aliases.
run 0 "$LMPACK" compress -k -o alias.lmp a
run 0 "$LMPACK" test alias.lmp
run 0 "$LMPACK" list alias.lmp
expect_stdout_contains "alias.lmp"
run 0 "$LMPACK" decompress -c alias.lmp
expect_same orig "$WORK/out"

# Compressed data is never written to a terminal, nor read from one, unless -f.
if command -v script >/dev/null; then
  run 1 script -qec "'$LMPACK' -c a" /dev/null
  expect_stdout_contains "refusing to write compressed data to a terminal"
  run_in 1 /dev/null script -qec "'$LMPACK' -d" /dev/null
  expect_stdout_contains "refusing to read compressed data from a terminal"
else
  echo "SKIP: terminal checks (no script(1))"
fi

# SIGTERM or SIGINT in the middle of the work: the process dies of the signal, the input stays,
# and neither the output nor its temporary exists.
cat "$ROOT/samples/text/"* >big
cp big big.orig
for sig in TERM INT; do
  code=0
  set -m  # job control: otherwise bash starts background jobs with SIGINT ignored
  "$LMPACK" -1 -B 64K big 2>/dev/null &
  pid=$!
  set +m
  sleep 0.3
  if ! kill -s $sig $pid 2>/dev/null; then
    wait $pid || true
    echo "SKIP: SIG$sig test, compression finished within 0.3 s"
    rm -f big.lmp
    cp big.orig big
    continue
  fi
  wait $pid || code=$?
  [[ $code -gt 128 ]] || fail "SIG$sig: exit code $code, expected death by signal"
  expect_no_file big.lmp
  expect_same big.orig big
  expect_no_temp_files "$WORK"
done

expect_no_temp_files "$WORK"
echo "habits: OK"
