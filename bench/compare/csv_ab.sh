#!/usr/bin/env bash
# One statement to a CSV file with several plume binaries, alternated in rounds on one data set,
# so that their ratios come from the same load (DuckDB's side: format_rows.sh):
#   bench/compare/csv_ab.sh ROUNDS REPEAT DATA SQL PLUME_BIN...
# Each round: every binary in one job of REPEAT executions (the first, which loads the columns,
# dropped). Prints each binary's median warm total_ms over all rounds.
set -euo pipefail
rounds=$1 repeat=$2 data=$3 sql=$4
shift 4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=../../scripts/common.sh
source "$here/../../scripts/common.sh"
plume_mpi_env  # one host: mpirun as root, oversubscribed, shared memory
bins=("$@")
for ((r = 0; r < rounds; r++)); do
  for i in "${!bins[@]}"; do
    mpirun -n 6 --timeout 1800 "${bins[$i]}" --data "$data" -c "$sql;" --format csv \
      --output "$tmp/out.csv" --report "$tmp/rep.json" --progress off --cache-size 0 \
      --repeat "$repeat" >/dev/null
    node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      for (const s of r.statements.slice(1)) console.log(s.total_ms);' "$tmp/rep.json" >>"$tmp/t.$i"
    rm -f "$tmp/out.csv"
  done
done
for i in "${!bins[@]}"; do
  sort -n "$tmp/t.$i" | awk -v b="${bins[$i]}" '{ a[NR] = $1 }
    END { printf "%s\tmedian %.1f ms of %d (min %.1f, max %.1f)\n", b, a[int((NR + 1) / 2)], NR, a[1], a[NR] }'
done
