#!/usr/bin/env bash
# scripts/plume-shell at a (pseudo-)terminal made by script(1), through plume-launcher: a
# statement over two lines (one history entry in the history file), a background statement
# announced while a line is typed (the line still runs whole), a resize (the table width
# follows), Ctrl-C on a half-typed line (cleared, never run), then Ctrl-D: exit code 0, no rank
# left. (tests/launcher/launcher_test.sh checks the editing itself against a fake rank 0.)
# Then one-shot mode into a pipe whose reader goes away (| head): it ends quietly, exit code 0,
# no "Broken pipe", no crash. Then --help at once, on stdout, and the rank count from the
# manifest. Then the prompt with stdout redirected: results only in the file, the rest on the
# terminal.
#   launcher_test.sh PLUME_SHELL PLUME_BIN DATA_DIR
set -uo pipefail
shell=$1 bin=$2 data=$3
out=$(mktemp)
# The data set under a path of this run's own, so "no rank left" looks only at our ranks (other
# tests may run plume on the same data at the same time).
link=$(mktemp -u /tmp/plume-launcher-data.XXXXXX)
ln -s "$data" "$link"
data=$link
hist=$(mktemp)
trap 'rm -f "$out" "$link" "$hist"' EXIT
export PLUME_HISTFILE=$hist TERM=xterm
# Types only once the screen shows what a person would wait for (a loaded machine can take
# seconds to start 3 ranks or to answer), never on a fixed schedule.
wait_for() {  # wait_for TEXT [N]: until the session output shows TEXT N times (30 s at most)
  for _ in $(seq 300); do
    (($(tr -d '\r' <"$out" | grep -aoF -- "$1" | wc -l) >= ${2:-1})) && return 0
    sleep 0.1
  done
  return 1
}
{
  wait_for "plume> "
  printf 'SELECT count(*)\r'
  wait_for "   ...> "
  printf 'AS n FROM measurements;\r'
  wait_for "(1 row)"
  wait_for "1 row | 1 chunk | "
  printf 'SELECT count(*) AS bg FROM measurements &\r'
  printf 'SELECT max(aqi)'
  wait_for "] completed: 1 row"
  printf ' AS worst FROM measurements;\r'
  wait_for " worst"
  wait_for "(1 row)" 3
  lpid=$(pgrep -f -- "plume-launcher --history $hist" | head -1)
  stty -F "/proc/$lpid/fd/0" cols 123 2>/dev/null
  sleep 0.3  # the columns line is on its way before the next one
  printf '\\maxwidth\r'
  wait_for "The table may take"
  sleep 0.3
  printf 'SELECT never_run'
  sleep 0.5
  printf '\003'  # Ctrl-C
  sleep 0.5
  printf '\004'  # Ctrl-D
  sleep 1.5
} | timeout 60 script -qfec "$shell --ranks 3 --bin $bin --data $data" /dev/null >"$out"
rc=$?
text=$(tr -d '\r' <"$out")
fail=0
check() {
  if ! grep -qF -- "$1" <<<"$text"; then
    echo "FAIL: missing '$1'"
    fail=1
  fi
}
check "plume> "
check "   ...> "
check " 20000"
check "(1 row)"
check "1 row | 1 chunk | "  # progress is on for a person
check "^C"
check "The table may take 123 characters at the screen."
check " bg"
# The line typed while the background statement ended ran whole.
check " worst"
if ! grep -a "SELECT" "$hist" | grep -q 'count(\*)\\012AS\\040n\\040FROM'; then
  echo "FAIL: the two-line statement is not one history entry"
  cat -v "$hist"
  fail=1
fi
if grep -q "Error" <<<"$text"; then
  echo "FAIL: the cleared line ran"
  fail=1
fi
if ((rc != 0)); then
  echo "FAIL: exit code $rc"
  fail=1
fi
for _ in $(seq 100); do  # ranks leave within a moment of Ctrl-D; allow a loaded machine 10 s
  pgrep -f -- "--data $data" >/dev/null || break
  sleep 0.1
done
if pgrep -f -- "--data $data" >/dev/null; then
  echo "FAIL: ranks still running"
  fail=1
fi
if ((fail)); then
  echo "--- session ---"
  cat -v "$out"
  exit 1
fi
[[ -n ${LAUNCHER_TEST_SHOW:-} ]] && cat -v "$out"
echo "launcher session OK"

err=$(mktemp)
trap 'rm -f "$out" "$err" "$link"' EXIT
first=$(timeout 60 "$shell" --ranks 3 --bin "$bin" --data "$data" --format csv \
  -c "SELECT * FROM measurements; SELECT count(*) FROM measurements;" 2>"$err" | head -1)
rc=${PIPESTATUS[0]}
if [[ $first != latitude,longitude,utc,* ]] || ((rc != 0)) || [[ -s $err ]]; then
  echo "FAIL: | head in one-shot mode: rc=$rc first line '$first'"
  cat "$err"
  exit 1
fi
echo "launcher | head OK"

help=$(timeout 10 "$shell" --help 2>"$err")
if [[ $help != *"Usage: scripts/plume-shell"* ]] || [[ $help != *"--ranks N"* ]] || [[ -s $err ]]; then
  echo "FAIL: plume-shell --help must print its usage on stdout"
  echo "$help"
  cat "$err"
  exit 1
fi
# Every script answers --help at once: with only bash, sed and coreutils on PATH, installing
# (dpkg, apt), building (cmake) or running anything would fail instead.
tools=$(mktemp -d)
trap 'rm -rf "$out" "$err" "$link" "$hist" "$tools"' EXIT
for t in bash sed dirname cat; do ln -s "$(command -v $t)" "$tools/$t"; done
root=$(dirname "$(dirname "$shell")")
for s in scripts/run scripts/test scripts/setup scripts/bench-compare scripts/plume-hostfiles \
  bench/compare/run bench/multihost/run bench/multistage/run bench/ranks_e2e.sh; do
  help=$(PATH=$tools "$(command -v timeout)" 10 "$root/$s" --help 2>"$err")
  if (($? != 0)) || [[ $(wc -l <<<"$help") -lt 2 ]] || [[ -s $err ]]; then
    echo "FAIL: $s --help must answer at once on stdout"
    echo "$help"
    cat "$err"
    exit 1
  fi
done
# No --ranks: the manifest's 2 partitions make 3 ranks (the banner says so).
ranks=$(timeout 60 "$shell" --bin "$bin" --data "$data" -c "SELECT count(*) FROM measurements" \
  --format csv 2>"$err")
if [[ $ranks != *"20000"* ]]; then
  echo "FAIL: ranks from the manifest: '$ranks'"
  cat "$err"
  exit 1
fi
echo "launcher --help and ranks from the manifest OK"

# At a terminal with stdout redirected (plume-shell > FILE), as psql: the file gets the results
# only (complete, no prompt, no banner, no closing line); the prompt, the typed line, messages
# and errors stay on the terminal.
file=$(mktemp)
trap 'rm -rf "$out" "$err" "$link" "$hist" "$tools" "$file"' EXIT
: >"$out"
{
  wait_for "plume> "
  printf 'SELECT count(*) AS n FROM measurements;\r'
  wait_for "1 row | 1 chunk"
  printf 'SELECT nope FROM measurements;\r'
  wait_for "unknown column 'nope'"
  printf '\004'
  sleep 1.5
} | timeout 60 script -qfec "$shell --ranks 3 --bin $bin --data $data >$file" /dev/null >"$out"
rc=$?
text=$(tr -d '\r' <"$out")
expected=$'     n\n-------\n 20000\n(1 row)'
if ((rc != 0)) || [[ $(cat "$file") != "$expected" ]] ||
  [[ $text != *"plume> SELECT count(*) AS n FROM measurements;"* ]] ||
  [[ $text != *"Error: unknown column 'nope'"* ]] || [[ $text == *$'\n 20000'* ]]; then
  echo "FAIL: stdout redirected at a terminal: rc=$rc"
  echo "--- file ---"
  cat -v "$file"
  echo "--- terminal ---"
  cat -v "$out"
  exit 1
fi
echo "launcher with stdout redirected OK"
