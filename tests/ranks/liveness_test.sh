#!/usr/bin/env bash
# A rank stopped with SIGSTOP (MPI never notices one) is declared lost after --peer-timeout:
# the job ends by itself, non-zero, with "rank 2 on HOST has not answered for 1 s", in
#   1. batch mode mid-statement,
#   2. at the prompt mid-statement (stdin stays open: nobody types),
#   2b. in batch mode in the middle of a hash exchange between the data ranks (--merge exchange),
#   3. at the prompt while quitting (\q right after the rank stopped: MPI_Finalize cannot
#      complete, and a watchdog ends the job with a message instead of a hang),
#   4. during startup, while the data ranks load their partitions (PLUME_TEST_LOAD_DELAY_S makes
#      the load last 30 s; startup.h) and rank 2 stops: named as lost "while starting",
#   6. at the prompt, a \cancel while the leader (rank 1) is stopped mid-statement: the direct
#      cancel reaches member rank 2, which stops, but the leader never confirms, so the job ends
#      naming rank 1 (the cancelled answer is printed first),
#   5. at the communicators' split after the startup (PLUME_TEST_SPLIT_DELAY_S makes the data
#      ranks arrive there 30 s late) rank 2 stops: named as lost "at the communicators' split"
#      (a blocking MPI_Comm_split used to be ended by its deadline without naming the rank),
# and a load that lasts longer than the peer timeout, nobody stopped, is not taken for a loss.
#   liveness_test.sh MPIEXEC PLUME_BIN DATA_DIR
set -uo pipefail
mpiexec=$1 bin=$2 data=$(realpath "$3")
# PLUME_TIMEOUT_SCALE (an integer, the sanitizer steps set it): an -O0 ASan rank starts and
# answers several times slower; the stop must land mid-statement, not during the start-up.
scale=${PLUME_TIMEOUT_SCALE:-1}
peer_timeout=$scale slack=$((8 * scale))
# The data set under a path of this run's own, so rank_pid finds only this run's ranks.
link=$(mktemp -u /tmp/plume-liveness-data.XXXXXX)
ln -s "$data" "$link"
dir=$(mktemp -d /tmp/plume-liveness.XXXXXX)
stopped=
cleanup() {
  [[ -n $stopped ]] && kill -KILL "$stopped" 2>/dev/null
  rm -rf "$dir" "$link"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$dir"/*.err; do echo "--- $f"; tail -20 "$f"; done; exit 1; }
host=$(hostname)

rank_pid() {  # rank_pid R: this run's world rank R
  local pid
  for pid in $(pgrep -x plume); do
    grep -qF -- "$link" < <(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || continue
    grep -qx "OMPI_COMM_WORLD_RANK=$1" < <(tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ") &&
      echo "$pid" && return 0
  done
  return 1
}

# run_case NAME SECONDS_BEFORE_STOP EXPECTED PLUME_ARGS...: stdin from the caller.
run_case() {
  local name=$1 before=$2 expected=$3 t0 rc pid
  shift 3
  PLUME_TEST_LOAD_DELAY_S=$load_delay PLUME_TEST_SPLIT_DELAY_S=$split_delay \
    timeout -k 5 $((60 * scale)) "$mpiexec" -n 3 --oversubscribe --allow-run-as-root \
    --timeout $((50 * scale)) "$bin" \
    --data "$link" --peer-timeout $peer_timeout --progress off "$@" \
    <&0 >"$dir/$name.out" 2>"$dir/$name.err" &  # <&0: a background job's stdin is /dev/null
  local job=$!
  for _ in $(seq 300); do
    pid=$(rank_pid "$stop_rank") && break
    sleep 0.1
  done
  [[ -n $pid ]] || fail "$name: rank $stop_rank never started"
  if [[ -n $wait_for ]]; then  # past MPI_Init, in its load (or at the split)
    for _ in $(seq 300); do
      grep -q "rank 2: $wait_for" "$dir/$name.err" && break
      sleep 0.1
    done
  fi
  if [[ -n $wait_out ]]; then  # the prompt said it (the statements run)
    for _ in $(seq 300); do
      grep -qF "$wait_out" "$dir/$name.out" && break
      sleep 0.1
    done
  fi
  sleep "$(awk -v b="$before" -v s="$scale" 'BEGIN { print b * s }')"
  kill -STOP "$pid"
  stopped=$pid
  touch "$dir/stopped"
  t0=$SECONDS
  wait "$job"
  rc=$?
  kill -KILL "$pid" 2>/dev/null  # SIGKILL ends a stopped process too
  stopped=
  rm -f "$dir/stopped"
  ((rc != 0 && rc != 110 && rc != 124)) || fail "$name: exit code $rc"
  ((SECONDS - t0 <= peer_timeout + slack)) || fail "$name: took $((SECONDS - t0)) s"
  grep -qF "$expected" "$dir/$name.err" "$dir/$name.out" || fail "$name: no '$expected'"
}

long=(-c "SELECT * FROM measurements" --repeat 100000 --chunk 100 --format csv
      --output /dev/null)
lost="rank 2 on $host has not answered for $peer_timeout s"
load_delay= split_delay= wait_for= stop_rank=2 wait_out=
run_case batch 1.5 "$lost" "${long[@]}" </dev/null
run_case exchange 1.5 "$lost" -c "SELECT utc, site_name, parameter, count(*) FROM measurements \
  GROUP BY ALL" --merge exchange --repeat 100000 --format csv --output /dev/null </dev/null
run_case prompt 1.5 "$lost" --output /dev/null < <(
  for _ in $(seq 100); do echo "SELECT * FROM measurements;"; sleep 0.3; done)
# Nothing runs when \q comes, so the shutdown completes and MPI_Finalize is what waits.
run_case quit 1.5 "rank 0 on $host: MPI_Finalize did not complete within" --output /dev/null < <(
  echo "SELECT count(*) FROM measurements;"
  until [[ -e $dir/stopped ]]; do sleep 0.1; done
  echo '\q'; sleep 30)
# \chunk 1: each SELECT * takes about 1 s alone (40,000 chunks), 8 of them (4 running at once)
# keep the ranks busy for several seconds; rank 1 stops 0.5 s after the 8th started, then
# request 2 (running) is cancelled.
stop_rank=1 wait_out="[8] started"
run_case cancel_leader 0.5 "rank 1 on $host has not answered for $peer_timeout s" \
  --output /dev/null < <(
  echo '\chunk 1'
  for _ in $(seq 8); do echo "SELECT * FROM measurements &"; done
  until [[ -e $dir/stopped ]]; do sleep 0.1; done
  echo '\cancel 2'; sleep 0.3; echo '\status 2'; sleep 30)
grep -q "request 2: cancelled" "$dir/cancel_leader.out" ||
  fail "cancel_leader: the cancel was not answered: $(cat "$dir/cancel_leader.out")"
stop_rank=2 wait_out=
load_delay=30 wait_for=loading
run_case startup 1.5 "$lost (while starting: loading its partition)" -c "SELECT 1;" </dev/null
load_delay= split_delay=30 wait_for="at the communicators' split"
run_case split 1.5 "$lost (while starting: at the communicators' split)" -c "SELECT 1;" </dev/null
# 2.5 s of loading with a 1 s peer timeout: the heartbeats go on meanwhile, the job answers.
load_delay=2.5
PLUME_TEST_LOAD_DELAY_S=$load_delay timeout -k 5 60 "$mpiexec" -n 3 --oversubscribe \
  --allow-run-as-root --timeout 50 "$bin" --data "$link" --peer-timeout $peer_timeout \
  --format csv -c "SELECT count(*) AS n FROM measurements;" >"$dir/slow_load.out" \
  2>"$dir/slow_load.err" </dev/null || fail "slow_load: exit code $?"
grep -qx '[0-9][0-9]*' "$dir/slow_load.out" || fail "slow_load: no count: $(cat "$dir/slow_load.out")"
# The same for ranks 2.5 s late at the split: rank 0 waits for them with heartbeats going on.
PLUME_TEST_SPLIT_DELAY_S=2.5 timeout -k 5 60 "$mpiexec" -n 3 --oversubscribe \
  --allow-run-as-root --timeout 50 "$bin" --data "$link" --peer-timeout $peer_timeout \
  --format csv -c "SELECT count(*) AS n FROM measurements;" >"$dir/slow_split.out" \
  2>"$dir/slow_split.err" </dev/null || fail "slow_split: exit code $?"
grep -qx '[0-9][0-9]*' "$dir/slow_split.out" || fail "slow_split: no count: $(cat "$dir/slow_split.out")"
echo "PASS: every stopped rank ended the job within $peer_timeout + $slack s, naming it"
