# Shared helpers for the CLI tests. Sourced by the other scripts:
#   source "$(dirname "$0")/helpers.sh" "$@"
# Run directly (ctest does, as cli.helpers), it checks the binary answers --version and --help.
#
# After sourcing: $LMPACK (binary), $ROOT (repo root), $WORK (scratch dir, removed at exit), and
# the functions below. Every check prints what failed and exits non-zero.

set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 <path-to-lmpack> <repo-root>" >&2
  exit 2
fi
LMPACK=$(readlink -f "$1")
ROOT=$(readlink -f "$2")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lmpack-cli-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# run CODE CMD...: runs CMD with stdout/stderr captured in $WORK/out and $WORK/err and checks
# its exit code.
run() {
  local want=$1
  shift
  local got=0
  "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
  if [[ $got -ne $want ]]; then
    echo "--- stderr:" >&2
    head -c 2000 "$WORK/err" >&2 || true
    fail "exit code $got, expected $want: $*"
  fi
}

# run_in CODE INPUT CMD...: like run, with INPUT as stdin.
run_in() {
  local want=$1 input=$2
  shift 2
  local got=0
  "$@" <"$input" >"$WORK/out" 2>"$WORK/err" || got=$?
  if [[ $got -ne $want ]]; then
    echo "--- stderr:" >&2
    head -c 2000 "$WORK/err" >&2 || true
    fail "exit code $got, expected $want: $* < $input"
  fi
}

# expect_one_line_error NAME: the last command's stderr is exactly one line
# "lmpack: NAME: message" (NAME empty: "lmpack: message").
expect_one_line_error() {
  local name=$1 lines prefix
  lines=$(wc -l <"$WORK/err")
  [[ $lines -eq 1 ]] || { cat "$WORK/err" >&2; fail "expected one stderr line, got $lines"; }
  if [[ -n $name ]]; then prefix="lmpack: $name: "; else prefix="lmpack: "; fi
  [[ $(head -c ${#prefix} "$WORK/err") == "$prefix" ]] ||
    fail "stderr does not start with '$prefix': $(cat "$WORK/err")"
}

# expect_stderr_contains TEXT
expect_stderr_contains() {
  grep -qF -- "$1" "$WORK/err" || fail "stderr lacks '$1': $(cat "$WORK/err")"
}

expect_stdout_contains() {
  grep -qF -- "$1" "$WORK/out" || fail "stdout lacks '$1': $(head -c 2000 "$WORK/out")"
}

expect_file() { [[ -f $1 ]] || fail "missing file $1"; }
expect_no_file() { [[ ! -e $1 ]] || fail "file should not exist: $1"; }
expect_same() { cmp -s "$1" "$2" || fail "files differ: $1 $2"; }

# expect_no_temp_files DIR: no ".*.tmp*" leftovers from an interrupted or failed write.
expect_no_temp_files() {
  local left
  left=$(find "$1" -maxdepth 1 -name '.*.tmp*' | head -5)
  [[ -z $left ]] || fail "temporary files left behind: $left"
}

# Repeatable pseudo-random bytes: make_random FILE SIZE SEED
make_random() {
  python3 -c "import random, sys; sys.stdout.buffer.write(random.Random($3).randbytes($2))" >"$1"
}

# patch_byte FILE OFFSET HEXBYTE
patch_byte() {
  printf "\\x$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# flip_bit FILE OFFSET: inverts the lowest bit of the byte at OFFSET.
flip_bit() {
  local byte
  byte=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  patch_byte "$1" "$2" "$(printf '%02x' $((byte ^ 1)))"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  run 0 "$LMPACK" --version
  grep -qE '^lmpack [0-9]+\.[0-9]+\.[0-9]+' "$WORK/out" || fail "--version: $(cat "$WORK/out")"
  run 0 "$LMPACK" -V
  run 0 "$LMPACK" --help
  expect_stdout_contains "--decompress"
  expect_stdout_contains "--block-size"
  run 0 "$LMPACK" bench --help
  expect_stdout_contains "--levels"
  echo "helpers: OK"
fi
