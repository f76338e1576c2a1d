# `lmpack bench` on a tiny directory: the table, the CSV and JSON forms, hidden files skipped,
# and a peer that corrupts data or fails is reported and makes the exit code 1.
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

[[ -z $(ls -A "$WORK/tmp") ]] || fail "scratch files left behind: $(ls -A "$WORK/tmp")"
echo "bench: OK"
