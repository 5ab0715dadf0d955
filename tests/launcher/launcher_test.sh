#!/usr/bin/env bash
# plume-launcher at a pseudo-terminal (script(1)), in front of fake_plume.sh, which makes
# announcements, progress bars and prompts arrive when this test says so (files, not time):
# a typed line survives a background announcement (printed above, the line redrawn, Enter
# sends it whole); type-ahead while a statement runs is not echoed into the progress bar and
# becomes the next input; Ctrl-C while it runs sends the interrupt line; Tab completes words,
# meta commands and quoted file names, but not inside a string literal; history recalls a
# statement of two lines as one entry and keeps it in the history file; Ctrl-L clears the
# screen and redraws prompt and line; a resize sends a columns line; Ctrl-D ends, exit code 0.
#   launcher_test.sh PLUME_LAUNCHER FAKE_PLUME
set -uo pipefail
launcher=$1 fake=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
out=$dir/out
touch "$dir/my results.csv" "$dir/received" "$out"
export TERM=xterm  # the editor's clear-screen and cursor sequences

screen() { tr -d '\r' <"$out"; }
# until TEXT shows N times in the session (N default 1); 30 s at most (a loaded machine)
wait_for() {
  local n=${2:-1}
  for _ in $(seq 300); do
    (($(screen | grep -aoF -- "$1" | wc -l) >= n)) && return 0
    sleep 0.1
  done
  echo "TIMEOUT waiting for '$1' x$n" >>"$dir/timeouts"
  return 1
}
received_has() {  # until the fake has received a line holding TEXT
  for _ in $(seq 300); do
    grep -qaF -- "$1" "$dir/received" && return 0
    sleep 0.1
  done
  echo "TIMEOUT waiting to receive '$1'" >>"$dir/timeouts"
  return 1
}
{
  wait_for "plume> "
  # An announcement while a line is half typed.
  printf 'BG\r'
  wait_for "plume> " 2
  printf 'SELECT par'
  wait_for "plume> SELECT par"
  touch "$dir/go"
  wait_for "[1] completed"
  printf 'tial;\r'
  wait_for "got: SELECT partial;"
  # A result line cut by a prompt: drawn again whole above the prompt when the rest comes.
  printf 'SPLIT\r'
  wait_for "row twplume> "
  touch "$dir/go"
  wait_for "row three"
  # Type-ahead while a statement runs, then Ctrl-C while one runs.
  printf 'RUN\r'
  wait_for "[#####"
  printf 'SELECT ahead;\r'
  sleep 0.5  # lets the keys reach the terminal before the statement ends (no effect on passing)
  touch "$dir/go"
  wait_for "got: SELECT ahead;"
  printf 'RUN\r'
  wait_for "5 rows | 1 chunk" 1
  wait_for "plume> RUN" 2
  printf '\003'
  wait_for "cancelled by user (Ctrl-C)"
  # Tab completion (keys are taken in order: no need to wait between them).
  printf 'sel\tsite_\t'
  wait_for "site_name"
  printf "i\tFROM x WHERE a LIKE 'R\t';\r"
  wait_for "got: select site_id FROM x WHERE a LIKE 'R';"
  printf "\\\\outp\t'%s/my r\t\r" "$dir"
  wait_for "fake: meta \\output '$dir/my results.csv'"
  # History: one entry per statement.
  printf 'SELECT 2\r'
  wait_for "   ...> "
  printf 'FROM y;\r'
  wait_for "got: FROM y;"
  printf '\020\r'  # Ctrl-P: the previous entry
  wait_for "got: FROM y;" 2
  # Ctrl-L, then Ctrl-C at the prompt.
  printf 'abc\014'
  wait_for $'\e[2Jplume> abc'
  printf '\003'
  wait_for "fake: interrupt at the prompt"
  # A resize: the columns line.
  lpid=$(pgrep -f -- "^$launcher --history $dir/hist" | head -1)
  stty -F "/proc/$lpid/fd/0" cols 123 2>/dev/null
  received_has $'\e]plume;columns;123'
  printf '\004'
  wait_for "fake: end of input"
} | timeout 120 script -qfec "$launcher --history $dir/hist -- $fake $dir" /dev/null >"$out"
rc=$?
text=$(screen)
fail=0
problem() {
  echo "FAIL: $1"
  fail=1
}
[[ -s $dir/timeouts ]] && problem "$(cat "$dir/timeouts")"
((rc == 0)) || problem "exit code $rc"
# The announcement is followed by the prompt and the half-typed line, redrawn.
grep -aA1 -F "[1] completed" <<<"$text" | tail -1 | grep -qF "plume> SELECT par" ||
  problem "the half-typed line was not redrawn under the announcement"
grep -qxF "SELECT partial;" "$dir/received" || problem "the line typed around the announcement"
# After the erase of the prompt's screen line, the cut line is drawn whole: "row tw" again.
grep -aqF $'\e[Jrow two end\nrow three\nplume> ' <<<"$text" ||
  problem "a result line cut by a prompt was not drawn again whole"
# Nothing typed ahead shows before the statement's closing line; then it is the next input.
run=$(sed -n '/^plume> RUN$/,/5 rows | 1 chunk/p' <<<"$text" | head -n 3)
grep -qF "ahead" <<<"$run" && problem "type-ahead was echoed while the statement ran: $run"
grep -qF "plume> SELECT ahead;" <<<"$text" || problem "type-ahead did not become the next input"
grep -qxF "select site_id FROM x WHERE a LIKE 'R';" "$dir/received" ||
  problem "Tab: keywords, columns, nothing inside a literal"
grep -qxF "\\output '$dir/my results.csv'" "$dir/received" ||
  problem "Tab: meta command and a quoted file name with a space"
(($(grep -cxF "SELECT 2" "$dir/received") == 2)) ||
  problem "Ctrl-P did not recall the two-line statement as one entry"
(($(grep -cxF "abc" "$dir/received") == 0)) || problem "a line cleared by Ctrl-C was sent"
grep -qF "early: " "$dir/received" && problem "type-ahead was sent while the statement ran"
grep -qx $'\003' "$dir/received" || problem "Ctrl-C while a statement ran sent no interrupt line"
grep -aqF "SELECT" "$dir/hist" && grep -a "SELECT" "$dir/hist" | grep -qF "FROM" ||
  problem "the history file does not keep the statement as one entry"
if ((fail)); then
  echo "--- session ---"
  cat -v "$out"
  echo "--- received ---"
  cat -v "$dir/received"
  echo "--- history ---"
  cat -v "$dir/hist"
  exit 1
fi
# A history file of plain lines (the bash launcher's) is read too, and saved in libedit's format.
printf 'SELECT from_before;\n' >"$dir/plain"
: >"$out"
{
  wait_for "plume> "
  printf '\020\r'
  wait_for "got: SELECT from_before;"
  printf '\004'
  wait_for "fake: end of input"
} | timeout 60 script -qfec "$launcher --history $dir/plain -- $fake $dir" /dev/null >"$out"
if ! grep -qF "got: SELECT from_before;" <(screen) || ! grep -q "^_HiStOrY_V2_" "$dir/plain"; then
  echo "FAIL: a plain history file was not read, or not saved in libedit's format"
  cat -v "$out" "$dir/plain"
  exit 1
fi
[[ -n ${LAUNCHER_TEST_SHOW:-} ]] && cat -v "$out" "$dir/received"
echo "launcher OK"
