#!/usr/bin/env bash
# The per-statement floor of the tree against the world size (docs/SCALING.md): medians of
# small statements (count(*), GROUP BY parameter) and of a plain SELECT of 1,000 rows, at
# world sizes 2..N, one partition per data rank, plus mpirun-to-ready time.
#   bench/compare/world_floor.sh BUILD ROOT SIZES...
# ROOT/pK: data sets of K partitions (plume-preprocess --partitions K), K = size - 1.
set -euo pipefail
build=$1 root=$2
shift 2
# shellcheck source=lib/local_mpi.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/local_mpi.sh"
printf 'ranks\tready_ms\tcount_ms\tgroup_by_ms\tselect_1000_ms\n'
for n in "$@"; do
  data=$root/p$((n - 1))
  sqls=("SELECT count(*) FROM measurements" \
        "SELECT parameter, count(*), avg(concentration) FROM measurements GROUP BY 1" \
        "SELECT * FROM measurements LIMIT 1000")
  script=$tmp/s.sql
  : >"$script"
  for q in "${sqls[@]}"; do for _ in $(seq 10); do echo "$q;" >>"$script"; done; done
  t0=$(date +%s%N)
  mpirun -n "$n" --timeout 600 "$build/ranks/plume" --data "$data" -c "SELECT count(*) FROM measurements WHERE aqi < -1;" \
    --format null --progress off >/dev/null
  ready=$((($(date +%s%N) - t0) / 1000000))
  mpirun -n "$n" --timeout 600 "$build/ranks/plume" --data "$data" -f "$script" \
    --format null --report "$tmp/r.json" --progress off --cache-size 0 >/dev/null
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const med = (k) => { const t = r.statements.filter((s) => s.sql.startsWith(k)).slice(1)
        .map((s) => s.total_ms).sort((a, b) => a - b); return t[t.length >> 1].toFixed(2); };
    console.log([process.argv[2], process.argv[3], med("SELECT count"), med("SELECT parameter"),
                 med("SELECT * FROM")].join("\t"));' "$tmp/r.json" "$n" "$ready"
done
