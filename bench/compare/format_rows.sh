#!/usr/bin/env bash
# Who formats csv: the data ranks (--format-rows ranks) or rank 0 (--format-rows gateway),
# against DuckDB's COPY ... TO in the same run (issue 14 item 1). One data set, 6 ranks.
#   bench/compare/format_rows.sh BUILD DATA [REPEAT (>= 5, default 6)]
# BUILD: a build directory with ranks/plume; DATA: a plume data set (5 partitions). Prints the
# median warm total_ms (first execution dropped) per case and mode, and DuckDB's median.
set -euo pipefail
build=$1 data=$2 repeat=${3:-6}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=../../scripts/common.sh
source "$here/../../scripts/common.sh"
plume_mpi_env  # one host: mpirun as root, oversubscribed, shared memory
seed="SELECT * FROM measurements WHERE parameter = 'PM2.5' AND aqi BETWEEN 0 AND 150"
all="SELECT * FROM measurements"
plume() {  # plume SQL MODE REPEAT OUT
  mpirun -n 6 --timeout 900 "$build/ranks/plume" --data "$data" -c "$1;" --format csv \
    --output "$4" --report "$tmp/report.json" --progress off --cache-size 0 --format-rows "$2" \
    --repeat "$3" >/dev/null
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const s = r.statements.length > 1 ? r.statements.slice(1) : r.statements;
    const t = s.map((x) => x.total_ms).sort((a, b) => a - b);
    console.log(t[t.length >> 1].toFixed(1));' "$tmp/report.json"
}
plume "$all" ranks 1 "$tmp/all.csv" >/dev/null
node "$here/duckdb_side.mjs" --source plume-csv "$tmp/all.csv" --out "$tmp/duck" --runs "$repeat" \
  --cases seed_csv,select_all_csv --no-expected >/dev/null
rm -f "$tmp/all.csv"
printf 'case\tranks_ms\tgateway_ms\tduckdb_ms\tranks/duckdb\tgateway/duckdb\n'
for c in seed_csv select_all_csv; do
  sql=$seed
  [[ $c == select_all_csv ]] && sql=$all
  r=$(plume "$sql" ranks "$repeat" "$tmp/out.csv")
  g=$(plume "$sql" gateway "$repeat" "$tmp/out.csv")
  rm -f "$tmp/out.csv"
  d=$(node -e '
    const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(j.cases.find((x) => x.name === process.argv[2]).median_ms.toFixed(1));' \
    "$tmp/duck/duckdb.json" "$c")
  awk -v c="$c" -v r="$r" -v g="$g" -v d="$d" \
    'BEGIN { printf "%s\t%s\t%s\t%s\t%.2fx\t%.2fx\n", c, r, g, d, r / d, g / d }'
done
