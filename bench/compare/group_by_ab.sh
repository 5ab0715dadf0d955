#!/usr/bin/env bash
# GROUP BY parameter (the size series' group_by case) for one or more plume binaries and DuckDB,
# alternated in rounds on one data set, so that their ratios come from the same load:
#   bench/compare/group_by_ab.sh ROUNDS DATA PLUME_BIN...
# Each round: every binary in one job (8 executions, the first, which loads the columns,
# dropped), then DuckDB (7 warm runs) on a database file loaded once from the first binary's CSV
# export of DATA. Prints each side's median over all rounds and its ratio to DuckDB's.
set -euo pipefail
rounds=$1 data=$2
shift 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=../../scripts/common.sh
source "$here/../../scripts/common.sh"
plume_mpi_env  # one host: mpirun as root, oversubscribed, shared memory
sql="SELECT parameter, count(*), avg(concentration), min(aqi), max(aqi) FROM measurements GROUP BY parameter ORDER BY parameter"
mpirun -n 6 --timeout 900 "$1" --data "$data" -c "SELECT * FROM measurements;" --format csv \
  --output "$tmp/all.csv" --progress off --cache-size 0 >/dev/null
duck() {
  node "$here/duckdb_side.mjs" --source plume-csv "$tmp/all.csv" --out "$tmp/duck" --runs 7 \
    --cases group_by --no-expected --db "$tmp/t.duckdb" --scan file >/dev/null 2>&1
  node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log("duckdb", j.cases[0].runs_ms.join(" "));' "$tmp/duck/duckdb.json"
}
duck >/dev/null  # loads the table
for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    mpirun -n 6 --timeout 900 "$bin" --data "$data" -c "$sql;" --repeat 8 --cache-size 0 \
      --progress off --format null --report "$tmp/report.json" >/dev/null
    node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      console.log(process.argv[2], r.statements.slice(1).map((s) => s.total_ms).join(" "));' \
      "$tmp/report.json" "$bin"
  done
  duck
done >"$tmp/raw"
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
  const by = new Map();
  for (const l of lines) {
    const [k, ...v] = l.split(" ");
    by.set(k, (by.get(k) || []).concat(v.map(Number)));
  }
  const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
  const d = med(by.get("duckdb"));
  for (const [k, v] of by)
    console.log(`${k}\tmedian ${med(v).toFixed(1)} ms of ${v.length}\t${(med(v) / d).toFixed(2)}x DuckDB`);' \
  "$tmp/raw"
