# Option handling. Convention (docs/cli.md): anything wrong with the command line itself, bad
# option values included (level 0 or 10, unknown model or media, malformed sizes), is a usage
# error: exit 2 and one line "lmpack: message (try 'lmpack --help')", before any file is touched.
source "$(dirname "$0")/helpers.sh" "$@"

cp "$ROOT/samples/text/gpl-3.txt" a
cp a orig

expect_usage_error() {
  run 2 "$LMPACK" "$@"
  expect_one_line_error ""
  expect_stderr_contains "lmpack --help"
  [[ ! -s $WORK/out ]] || fail "usage error printed to stdout: $*"
  expect_same orig a
  expect_no_file a.lmp
  expect_no_temp_files "$WORK"
}

expect_usage_error -0 a
expect_usage_error -10 a
expect_usage_error --level=0 a
expect_usage_error --level 10 a
expect_usage_error --model no-such-model a
expect_usage_error --media no-such-media a
expect_usage_error -B 12Q a
expect_usage_error -B 0 a
expect_usage_error -B "" a
expect_usage_error -B 99999999999999999999999 a
expect_usage_error -T -1 a
expect_usage_error -T many a
expect_usage_error --no-such-option a
expect_usage_error -Z a
expect_usage_error -o x.lmp a orig
expect_usage_error -o x.lmp -c a
expect_usage_error -t -l a
expect_usage_error -c a orig
expect_usage_error - -
expect_usage_error bench
expect_usage_error bench --levels 0 a
expect_usage_error bench --levels 1,x a
expect_usage_error bench --peers nosuch a
expect_usage_error bench --runs 0 a
expect_usage_error bench --json --csv a

# Every level and the size suffixes are accepted.
head -c 2000 a >small
for level in 1 2 3 4 5 6 7 8 9; do
  run 0 "$LMPACK" -c "-$level" small
done
for size in 4096 4K 4k 1M 1G; do
  run 0 "$LMPACK" -c -1 -B "$size" small
done
run 0 "$LMPACK" -c -1 -T 0 small
run 0 "$LMPACK" -c -1 --threads=3 small
# Options may follow file names, and "--" ends the options.
run 0 "$LMPACK" a -1 -k
expect_file a.lmp
rm a.lmp
cp a ./-9
run 0 "$LMPACK" -1 -k -- -9
expect_file ./-9.lmp

# --help and --version exit 0 and print to stdout.
run 0 "$LMPACK" --help
expect_stdout_contains "Usage"
run 0 "$LMPACK" -h
run 0 "$LMPACK" --version
run 0 "$LMPACK" bench -h
expect_stdout_contains "--csv"

echo "options: OK"
