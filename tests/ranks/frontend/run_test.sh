#!/usr/bin/env bash
# scripts/run at a pseudo-terminal made by script(1) (issue 13 item 1), without installing or
# building (PLUME_RUN_BUILD: the ci build) and with its data sets in a temporary directory
# (PLUME_RUN_DATA):
# - the real files absent (PLUME_AIRNOW_DIR pointed away): the loud warning naming where it
#   looked and how to point it at the real files, before the prompt, and the banner's warning;
# - --synthetic: the banner's warning only (asked for, so no fallback warning);
# - PLUME_AIRNOW_DIR at AirNow files (a tiny set made here): they are ingested, no warning, the
#   banner names the AirNow files.
# Each session waits for the prompt, then leaves with \q (exit code 0).
#   run_test.sh SCRIPTS_RUN BUILD_DIR SYNTHETIC_DATA_DIR
set -uo pipefail
run=$1 build=$2 synthetic=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export PLUME_HISTFILE=/dev/null TERM=xterm PLUME_RUN_BUILD=$build
fail=0
problem() {
  echo "FAIL: $1"
  fail=1
}
# session NAME [run arguments...]: scripts/run --ranks 3 at a pty until its prompt, then \q;
# the screen in $dir/NAME.screen, the exit code in $dir/NAME.rc.
session() {
  local name=$1 out=$dir/$1.screen
  shift
  : >"$out"
  {
    for _ in $(seq 600); do
      grep -qaF "plume> " "$out" && break
      sleep 0.1
    done
    printf '\\q\r'
    sleep 1
  } | timeout 120 script -qfec "$run --ranks 3 $*" /dev/null >"$out"
  echo $? >"$dir/$name.rc"
}
screen() { tr -d '\r' <"$dir/$1.screen"; }
expect() {  # expect NAME TEXT: the session's screen shows TEXT (may hold line breaks)
  # grep reads a process substitution: under pipefail, grep -q leaving at the first match would
  # fail the pipeline when the writer, still writing, gets SIGPIPE
  grep -qaF -- "${2//$'\n'/$'\001'}" < <(screen "$1" | tr '\n' '\001') ||
    problem "$1: the screen does not show '$2'"
}
refuse() {  # refuse NAME TEXT: the session's screen does not show TEXT
  ! grep -qaF -- "$2" < <(screen "$1") || problem "$1: the screen shows '$2'"
}
left_cleanly() {
  [[ $(cat "$dir/$1.rc") == 0 ]] || problem "$1: exit code $(cat "$dir/$1.rc")"
  expect "$1" "plume> "
}

# The synthetic set scripts/run would make for 3 ranks, already made (the test fixture).
mkdir -p "$dir/data"
ln -s "$synthetic" "$dir/data/synthetic-p2"
export PLUME_RUN_DATA=$dir/data

PLUME_AIRNOW_DIR=$dir/no-airnow-here session fallback
left_cleanly fallback
expect fallback "run: WARNING: the real AirNow files were not found at
run:   $dir/no-airnow-here
run: so plume starts on SYNTHETIC data: generated rows, not real measurements.
run: Point it at the real files with PLUME_AIRNOW_DIR=/path/to/airnow-2020fire scripts/run"
expect fallback "WARNING: these rows are generated; do not publish results from them."
# The warning comes before the prompt, where a person still looks.
warning_line=$(screen fallback | grep -naF "run: WARNING" | head -1 | cut -d: -f1)
prompt_line=$(screen fallback | grep -naF "plume> " | head -1 | cut -d: -f1)
((${warning_line:-999999} < ${prompt_line:-0})) || problem "fallback: the warning is not above the prompt"

PLUME_AIRNOW_DIR=$dir/no-airnow-here session asked --synthetic
left_cleanly asked
refuse asked "run: WARNING"
expect asked "WARNING: these rows are generated; do not publish results from them."

# A tiny AirNow set: two hourly files of two sites.
mkdir -p "$dir/airnow/data/20200910"
for h in 01 03; do
  for site in 1 2; do
    printf '"4%s.5","-12%s.5","2020-09-10T%s:00","PM2.5","1%s.0","UG/M3","1%s.0","5%s","1","Site %s","Agency","84006000%s","84006000%s"\n' \
      "$site" "$site" "$h" "$site" "$site" "$site" "$site" "$site" "$site"
  done >"$dir/airnow/data/20200910/20200910-$h.csv"
done
PLUME_AIRNOW_DIR=$dir/airnow session real
left_cleanly real
expect real "run: ingesting $dir/airnow into $dir/data/airnow-p2"
expect real "4 rows in measurements, from the AirNow CSV files (real measurements)."
refuse real "WARNING"

PLUME_RUN_BUILD=$dir/no-build timeout 20 "$run" --ranks 3 </dev/null >"$dir/nobuild.screen" 2>&1
echo $? >"$dir/nobuild.rc"
expect nobuild "run: PLUME_RUN_BUILD=$dir/no-build has no ranks/plume (build it first)"
[[ $(cat "$dir/nobuild.rc") == 2 ]] || problem "nobuild: exit code $(cat "$dir/nobuild.rc"), not 2"

if ((fail)); then
  for s in fallback asked real nobuild; do
    echo "--- $s ---"
    cat -v "$dir/$s.screen"
  done
  exit 1
fi
echo "scripts/run at a terminal OK"
