#!/usr/bin/env bash
# Whether two plume binaries write the same csv and json output for statements that exercise
# the data ranks' lines (plain, ordered, computed columns):
#   bench/compare/csv_same.sh DATA PLUME_BIN_A PLUME_BIN_B
# Ordered statements must be byte-identical; unordered ones the same lines (their order is the
# frames' arrival order). Exits 1 on a difference.
set -euo pipefail
data=$1 a=$2 b=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
# shellcheck source=../../scripts/common.sh
source "$here/../../scripts/common.sh"
plume_mpi_env
stmts=("SELECT * FROM measurements WHERE parameter = 'PM2.5' AND aqi BETWEEN 0 AND 150"
  "SELECT * FROM measurements"
  "SELECT * FROM measurements WHERE aqi > 100 ORDER BY site_name, utc, parameter, concentration, latitude"
  "SELECT concentration * 1.5 AS c, upper(site_name) AS u, utc, aqi IS NULL AS n, latitude / 7 AS l FROM measurements WHERE parameter = 'OZONE' ORDER BY c, u, utc, l")
status=0
for fmt in csv json; do
  for i in "${!stmts[@]}"; do
    for bin in a b; do
      mpirun -n 6 --timeout 900 "${!bin}" --data "$data" -c "${stmts[$i]};" --format "$fmt" \
        --output "$d/$bin.$fmt.$i" --progress off --cache-size 0 >/dev/null
    done
    if ((i >= 2)); then
      cmp -s "$d/a.$fmt.$i" "$d/b.$fmt.$i" && r=identical || r=DIFFERENT
    else
      [[ $(sort "$d/a.$fmt.$i" | md5sum) == $(sort "$d/b.$fmt.$i" | md5sum) ]] && r="same lines" || r=DIFFERENT
    fi
    [[ $r == DIFFERENT ]] && status=1
    echo "$fmt statement $i: $(wc -c <"$d/a.$fmt.$i") bytes, $r"
  done
done
exit $status
