#!/usr/bin/env bash
# Results to a fifo whose reader holds it open but does not read: rank 0 never blocks in
# write(2), so
#   1. in batch mode the statement fails at its --statement-timeout, and once the reader drains
#      the fifo the next statement answers (exit code 1: one statement failed);
#   2. at the prompt, Ctrl-C (the launcher's "\003" line) cancels the stuck statement and the
#      next statement answers;
#   3. at the prompt, \cancel of a background statement whose output is stuck (completed, its
#      rows queued for the output; or still running) drops them; the next statement answers.
#   stuck_output_test.sh MPIEXEC PLUME_BIN DATA_DIR
set -uo pipefail
mpiexec=$1 bin=$2 data=$(realpath "$3")
# PLUME_TIMEOUT_SCALE (an integer, the sanitizer steps set it): 3 -O0 ASan ranks start and load
# several times slower, so the run's limits scale; the 2 s statement timeout does not.
scale=${PLUME_TIMEOUT_SCALE:-1}
dir=$(mktemp -d /tmp/plume-stuck.XXXXXX)
trap 'exec 3>&- 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; for f in "$dir"/*.txt; do echo "--- $f"; cat "$f"; done; exit 1; }
run() {  # run ARGS...: plume on 3 ranks (the data set has 2 partitions)
  timeout -k 5 $((60 * scale)) "$mpiexec" -n 3 --oversubscribe --allow-run-as-root \
    --timeout $((50 * scale)) "$bin" \
    --data "$data" --output "$dir/fifo" --format csv --progress off "$@" 3>&-
}
drain_after() {  # drain_after FILE TEXT: once FILE shows TEXT, read the fifo into drained.txt
  for _ in $(seq 300); do
    grep -qF -- "$2" "$1" 2>/dev/null && break
    sleep 0.1
  done
  timeout $((20 * scale)) cat "$dir/fifo" >"$dir/drained.txt"
}

# 1. Batch mode: the deadline fires while the output is stuck.
mkfifo "$dir/fifo"
exec 3<>"$dir/fifo"  # a reader that never reads: plume's writes fill the pipe, then wait
drain_after "$dir/batch_err.txt" "timed out" 3>&- &
drainer=$!
SECONDS=0
run --statement-timeout 2 \
  -c "SELECT * FROM measurements; SELECT count(*) AS n FROM measurements" \
  >"$dir/batch_out.txt" 2>"$dir/batch_err.txt"
code=$?
elapsed=$SECONDS
exec 3>&-
wait $drainer
[ "$code" -eq 1 ] || fail "batch: exit code $code, expected 1 (the first statement failed)"
grep -qF "[statement 1] Error: statement timed out after 2 s" "$dir/batch_err.txt" ||
  fail "batch: no timeout message for statement 1"
grep -qF "[statement 2]" "$dir/batch_err.txt" && fail "batch: statement 2 failed"
tail -n 2 "$dir/drained.txt" | grep -qx "40000" || fail "batch: statement 2's answer is missing"
[ "$elapsed" -lt $((20 * scale)) ] || fail "batch: took ${elapsed}s"

# 2. The prompt: Ctrl-C cancels the stuck statement; the next one answers.
rm -f "$dir/fifo" && mkfifo "$dir/fifo"
exec 3<>"$dir/fifo"
drain_after "$dir/prompt_out.txt" "cancelled" 3>&- &
drainer=$!
{
  echo "SELECT * FROM measurements;"
  sleep 3
  printf '\003\n'
  sleep 1
  echo "SELECT count(*) AS n FROM measurements;"
  sleep 3
} | run >"$dir/prompt_out.txt" 2>"$dir/prompt_err.txt"
code=$?
exec 3>&-
wait $drainer
grep -qF "cancelled by user (Ctrl-C)" "$dir/prompt_out.txt" "$dir/prompt_err.txt" ||
  fail "prompt: the stuck statement was not cancelled"
tail -n 2 "$dir/drained.txt" | grep -qx "40000" || fail "prompt: the next statement's answer is missing"

# 3. The prompt, a background statement: it completes into its held output, which then waits
#    for the stuck reader; \cancel 1 drops what the output has not taken (also once completed),
#    and the next statement answers.
rm -f "$dir/fifo" && mkfifo "$dir/fifo"
exec 3<>"$dir/fifo"
drain_after "$dir/background_out.txt" "ancel" 3>&- &
drainer=$!
{
  echo "SELECT * FROM measurements &"
  sleep 3
  echo '\cancel 1'
  sleep 1
  echo "SELECT count(*) AS n FROM measurements;"
  sleep 3
} | run >"$dir/background_out.txt" 2>"$dir/background_err.txt"
exec 3>&-
wait $drainer
grep -qE "Cancelled request 1 after it completed|Cancelling request 1" \
  "$dir/background_out.txt" || fail "background: \\cancel 1 did not cancel the stuck statement"
tail -n 2 "$dir/drained.txt" | grep -qx "40000" ||
  fail "background: the next statement's answer is missing"
(($(grep -c "," "$dir/drained.txt") < 40000)) ||
  fail "background: every row of the cancelled statement was written"
echo "PASS (batch ${elapsed}s)"
