#!/usr/bin/env bash
# plume-launcher's end-grace (launcher/end_grace.h), at a pseudo-terminal (script(1)) and with
# --pipe: a job that prints plume's "...; ending the job" on stderr and then does not end (as
# mpirun waiting for a host out of reach) is stopped PLUME_END_GRACE seconds later, the launcher
# says so and exits 1; the line passes through unchanged. A job that ends by itself exits with its
# own code, and one that printed the line and exited 0 still gives 1 (never 0 once plume ended
# the job).
#   end_grace_test.sh PLUME_LAUNCHER
set -uo pipefail
launcher=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
problem() {
  echo "FAIL: $*"
  fail=1
}
export PLUME_END_GRACE=1
hang='trap "" TERM HUP INT; echo "plume: rank 5 on team4-host has not answered for 3 s; ending the job" >&2; echo $$ >'"$dir"'/pid; exec sleep 60'

# check NAME RC EXPECTED_RC SECONDS OUTPUT_FILE [TEXT...]: exit code, time, texts in the output.
check() {
  local name=$1 rc=$2 want=$3 took=$4 out=$5
  shift 5
  ((rc == want)) || problem "$name: exit code $rc, expected $want"
  ((took <= 6)) || problem "$name: took $took s (grace 1 s)"
  local text
  for text in "$@"; do
    grep -aqF -- "$text" "$out" || problem "$name: no '$text' in: $(cat -v "$out")"
  done
}

for mode in pipe terminal; do
  : >"$dir/pid"
  start=$SECONDS
  if [[ $mode == pipe ]]; then
    "$launcher" --pipe -- bash -c "$hang" </dev/null >"$dir/$mode.out" 2>&1
  else
    # stdin: a terminal's that stays open (nothing typed).
    mkfifo "$dir/in"
    sleep 30 >"$dir/in" &
    sleeper=$!
    timeout 30 script -qfec "$launcher --history /dev/null -- bash -c '$hang'" /dev/null \
      <"$dir/in" >"$dir/$mode.out"
  fi
  rc=$?
  [[ $mode == terminal ]] && kill "$sleeper" 2>/dev/null
  check "$mode" "$rc" 1 $((SECONDS - start)) "$dir/$mode.out" "has not answered for 3 s; ending the job" \
    "plume-launcher: Error: the job had not ended 1 s after plume ended it"
  pid=$(cat "$dir/pid")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && problem "$mode: the job still runs" &&
    kill -KILL "$pid"
done

start=$SECONDS
"$launcher" --pipe -- bash -c 'echo out; echo err >&2; exit 3' </dev/null >"$dir/own.out" 2>&1
check own_code $? 3 $((SECONDS - start)) "$dir/own.out" out err
start=$SECONDS
"$launcher" --pipe -- bash -c 'echo "plume: x; ending the job" >&2; exit 0' </dev/null \
  >"$dir/zero.out" 2>&1
check never_zero $? 1 $((SECONDS - start)) "$dir/zero.out" "ending the job"
grep -q "had not ended" "$dir/zero.out" && problem "never_zero: a job that ended was 'stopped'"
# stdin and stdout are the launcher's own in --pipe mode.
[[ $(printf 'abc\n' | "$launcher" --pipe -- cat) == abc ]] || problem "--pipe: stdin/stdout"

((fail)) && exit 1
echo "end_grace OK"
