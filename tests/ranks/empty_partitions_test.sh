#!/usr/bin/env bash
# Partitions without rows (plume-preprocess cuts only where utc changes: 3,000 synthetic rows are
# two hours, so 3 of 5 partitions are empty) at 6 ranks: the planner still takes the
# partition-local plan for a utc key (EXPLAIN says so), and every statement gives the same
# result whichever plan runs (auto = local, tree, exchange).
#   empty_partitions_test.sh MPIEXEC PLUME_BIN PREPROCESS_BIN
set -uo pipefail
mpiexec=$1 bin=$2 preprocess=$3
dir=$(mktemp -d /tmp/plume-empty-parts.XXXXXX)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; for f in "$dir"/*.txt; do echo "--- $f"; head -c 2000 "$f"; done; exit 1; }
run() {  # run OUT ARGS...
  local out=$1
  shift
  timeout -k 5 100 "$mpiexec" -n 6 --oversubscribe --allow-run-as-root --timeout 90 "$bin" \
    --data "$dir/data" --format csv --progress off --cache-size 0 "$@" >"$out" 2>"$out.err.txt"
}
"$preprocess" --synthetic 3000 --out "$dir/data" --partitions 5 >"$dir/preprocess.txt" ||
  fail "plume-preprocess"
empty=$(grep -c '"rows": 0' "$dir/data/manifest.json")
[ "$empty" -eq 3 ] || fail "expected 3 empty partitions, found $empty"
run "$dir/explain.txt" -c "EXPLAIN SELECT utc, count(*) FROM measurements GROUP BY utc" ||
  fail "EXPLAIN failed"
grep -q "groups are partition-local: GROUP BY utc" "$dir/explain.txt" ||
  fail "the planner did not take the partition-local plan"
statements=(
  -c "SELECT utc, count(*), max(aqi), avg(concentration) FROM measurements GROUP BY utc ORDER BY 1"
  -c "SELECT site_name, utc, max(aqi) FROM measurements GROUP BY site_name, utc ORDER BY 3 DESC, 1 LIMIT 3"
  -c "SELECT utc, parameter, count(*) AS n FROM measurements GROUP BY ALL HAVING count(*) > 100"
  -c "SELECT utc, count(*) FROM measurements WHERE false GROUP BY utc"
)
for plan in auto tree exchange; do
  run "$dir/$plan.csv" --merge "$plan" "${statements[@]}" || fail "--merge $plan failed"
done
[ "$(wc -l <"$dir/auto.csv")" -gt 10 ] || fail "too few result lines"
cmp -s "$dir/auto.csv" "$dir/tree.csv" || fail "local and tree results differ"
cmp -s "$dir/exchange.csv" "$dir/tree.csv" || fail "exchange and tree results differ"
echo "empty partitions: ok"
