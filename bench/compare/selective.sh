#!/usr/bin/env bash
# Selective statements against the data size (issue 14 item 2): one site and one day, a
# lat/lon box and one hour. Medians of the warm executions (first dropped), 6 ranks.
#   bench/compare/selective.sh BUILD DATA... (each DATA a 5-partition data set)
set -euo pipefail
build=$1
shift
# shellcheck source=lib/local_mpi.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/local_mpi.sh"
site="SELECT * FROM measurements WHERE site_name = 'Albuquerque Airport' AND utc >= TIMESTAMP '2020-09-10 00:00:00' AND utc < TIMESTAMP '2020-09-11 00:00:00'"
box="SELECT * FROM measurements WHERE latitude BETWEEN 34.0 AND 35.0 AND longitude BETWEEN -107.0 AND -106.0 AND utc = TIMESTAMP '2020-09-10 13:00:00'"
printf 'data\trows_site\tsite_day_ms\trows_box\tbox_hour_ms\n'
for data in "$@"; do
  : >"$tmp/s.sql"
  for q in "$site" "$box"; do for _ in $(seq 8); do echo "$q;" >>"$tmp/s.sql"; done; done
  mpirun -n 6 --timeout 900 "$build/ranks/plume" --data "$data" -f "$tmp/s.sql" --format null \
    --report "$tmp/r.json" --progress off --cache-size 0 >/dev/null
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const pick = (k) => { const s = r.statements.filter((x) => x.sql.includes(k));
      const t = s.slice(1).map((x) => x.total_ms).sort((a, b) => a - b);
      return [s[0].rows, t[t.length >> 1].toFixed(2)]; };
    console.log([process.argv[2], ...pick("site_name ="), ...pick("latitude BETWEEN")].join("\t"));' \
    "$tmp/r.json" "$data"
done
