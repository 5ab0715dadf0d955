#!/usr/bin/env bash
# ctest multihost.faults (issue 9 items 4 and 7): across the three namespace hosts of hosts.sh,
#   1. team4-host's link taken down mid-statement (batch mode),
#   2. rank 5 stopped with SIGSTOP mid-statement (batch mode),
#   3. team4-host's link taken down while a statement runs at the prompt,
#   4. rank 5 stopped while the prompt is idle (a statement answered, stdin open, nothing typed),
#   5. team4-host's link taken down mid-statement under plain mpirun (no plume-shell: plume's
#      own watcher stops mpirun, whose abort waits for the lost host's daemon; ranks/job_end.h),
#   6. team4-host's link taken down during startup, while the ranks load their partitions
#      (PLUME_TEST_LOAD_DELAY_S), under plain mpirun,
# must each end the job within the peer timeout plus a few seconds, with a non-zero exit code and
# the message "rank N on team4-host has not answered for 3 s" naming a rank of the lost host
# (the 3 s and the few seconds times PLUME_TIMEOUT_SCALE).
# Each fault comes once results stream (the reader of a fifo saw its first byte), not at a fixed
# delay after the ranks started: a loaded machine can take seconds to start, and a rank stopped
# during startup is another case (MPI's startup collectives). Skips (77) with a message where
# namespaces cannot be made; removes its hosts and processes on every exit (trap).
#   fault_test.sh SOURCE_DIR PLUME PREPROCESS
set -uo pipefail
src=$1 plume=$2 preprocess=$3
shell=$src/scripts/plume-shell
source "$src/tests/multihost/hosts.sh"

# PLUME_TIMEOUT_SCALE (an integer, the sanitizer steps set it): a sanitizer build's ranks answer
# and end several times slower, so the peer timeout, the slack and every limit below scale.
scale=${PLUME_TIMEOUT_SCALE:-1}
peer_timeout=$((3 * scale))
slack=$((10 * scale))  # seconds allowed beyond the peer timeout for the job to end
# mpirun's own --timeout only as a last resort (exit code 110, which check() rejects).
export MPIEXEC_TIMEOUT=$((90 * scale)) PLUME_HISTFILE=/dev/null PLUME_TEST_LOAD_DELAY_S=0
mh_test_hosts "$preprocess" $((270 * scale)) || exit  # sets work, fail and failed(), or exits 77 / 1

# A statement that keeps every rank streaming for far longer than a test case lasts.
long=(-c "SELECT * FROM measurements;" --repeat 100000 --chunk 100 --format csv)

# pid (on HOST, default team4-host) of world rank R, from the environment Open MPI gives each rank.
rank_pid() {
  local pid
  for pid in $(ip netns pids "$(mh_ns "${2:-team4-host}")"); do
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == plume ]] || continue
    grep -qx "OMPI_COMM_WORLD_RANK=$1" < <(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null) &&
      echo "$pid" && return 0
  done
  return 1
}

# check NAME RC ELAPSED_S STDERR_FILE: ended by plume itself, on time, naming the lost rank.
check() {
  local name=$1 rc=$2 elapsed=$3 err=$4
  ((rc != 0 && rc != 110)) || failed "$name: exit code $rc (110: mpirun's --timeout ended it)"
  ((elapsed <= peer_timeout + slack)) ||
    failed "$name: took ${elapsed} s (peer timeout $peer_timeout s + $slack s)"
  grep -Eq "rank [45] on team4-host has not answered for $peer_timeout s" "$err" ||
    failed "$name: no message naming the rank and host: $(tail -5 "$err")"
  [[ -z $expect_also ]] || grep -qF -- "$expect_also" "$err" ||
    failed "$name: no '$expect_also': $(tail -5 "$err")"
  echo "$name: exit code $rc, ended ${elapsed} s after the fault; stderr:"
  sed 's/^/    /' "$err" | sort | uniq -c | sort -rn | head -6
}

# The launcher of a case: scripts/plume-shell (launch=shell) or plain mpirun (launch=mpirun).
launch=shell expect_also=
launch_cmd() {
  if [[ $launch == shell ]]; then
    echo "$shell" --hostfile "$work/hostfile" --bin "$plume"
  else
    echo mpirun --allow-run-as-root -q -n 6 --hostfile "$work/hostfile" \
      -x PLUME_TEST_LOAD_DELAY_S "$plume"
  fi
}

# run_case NAME ACTION INPUT [plume options]: starts plume across the hosts with stdin from the
# command INPUT, results into a fifo whose reader notes the first byte; does ACTION once results
# stream (60 s x scale at most; with $startup_fault set, once rank 5 said it loads: startup.h) and
# checks how the job ended.
# $MH_FAULT_CASES (names, blank-separated): run only those cases (by hand, to retry one).
startup_fault=
run_case() {
  local name=$1 action=$2 input=$3 t0 rc
  shift 3
  [[ -z ${MH_FAULT_CASES:-} || " $MH_FAULT_CASES " == *" $name "* ]] || return 0
  local fifo=$work/$name.fifo started=$work/$name.started
  mkfifo "$fifo"
  { head -c 1 >/dev/null && : >"$started"; cat >/dev/null; } <"$fifo" &
  local reader=$!
  # 2>>: plume's watcher appends its message to mpirun's stderr through /proc; a shared offset
  # (2>) would let this shell's "Killed" report overwrite it.
  # shellcheck disable=SC2046 # launch_cmd's words (paths without blanks: mktemp's)
  (mh_mpi_env
   mh_exec gateway-host $(launch_cmd) \
     --data "$work/srv/data" --peer-timeout "$peer_timeout" --progress off --output "$fifo" \
     "$@" < <(eval "$input") >"$work/$name.out" 2>>"$work/$name.err") &
  local job=$!
  for _ in $(seq $((600 * scale))); do
    [[ -e $started ]] && break
    # Past MPI_Init (a link cut inside it is Open MPI's to notice, not plume's), in the load.
    [[ -n $startup_fault ]] && grep -q "rank 5: loading" "$work/$name.err" &&
      : >"$started" && break
    kill -0 "$job" 2>/dev/null || break
    sleep 0.1
  done
  if [[ ! -e $started ]]; then
    failed "$name: no result arrived within $((60 * scale)) s: $(tail -5 "$work/$name.err")"
  else
    sleep 0.5
    t0=$SECONDS
    eval "$action"
    wait "$job"
    rc=$?
    check "$name" "$rc" $((SECONDS - t0)) "$work/$name.err"
  fi
  mh_kill  # what a failed case left behind (orted daemons cut off from mpirun)
  kill "$reader" 2>/dev/null
  wait "$job" "$reader" 2>/dev/null
  ip -n "$(mh_ns team4-host)" link set eth0 up
}

link_down='ip -n "$(mh_ns team4-host)" link set eth0 down'
stop_rank5='kill -STOP "$(rank_pid 5)"'
# stdin of the batch cases: empty; of the prompt cases: statements, then open and silent (a
# person who types nothing more) for longer than a case lasts.
no_input='true'
prompt_streams='for _ in $(seq 100); do echo "SELECT * FROM measurements;"; done; sleep 60'
prompt_idle='echo "SELECT count(*) FROM measurements;"; sleep 60'

run_case link_down_batch "$link_down" "$no_input" "${long[@]}"
run_case stalled_batch "$stop_rank5" "$no_input" "${long[@]}"
run_case link_down_prompt "$link_down" "$prompt_streams" --chunk 100 --format csv
run_case stalled_prompt_idle "$stop_rank5" "$prompt_idle" --format csv
launch=mpirun
expect_also="plume: mpirun had not ended the job"  # plume's watcher (ranks/job_end.h)
run_case link_down_plain_mpirun "$link_down" "$no_input" "${long[@]}"
startup_fault=1
export PLUME_TEST_LOAD_DELAY_S=60
run_case link_down_startup "$link_down" "$no_input" -c "SELECT 1;"
grep -qF "(while starting: loading its partition)" "$work/link_down_startup.err" 2>/dev/null ||
  [[ -n ${MH_FAULT_CASES:-} && " $MH_FAULT_CASES " != *" link_down_startup "* ]] ||
  failed "link_down_startup: the message does not say the rank was loading"

((fail)) && exit 1
echo "multihost.faults: every fault ended the job within $peer_timeout + $slack s, naming the rank"
exit 0
