#!/usr/bin/env bash
# Start-up against the data size (issue 14 item 1): mpirun to ready with lazy columns (what
# the default auto picks above 64 MiB) and, with EAGER=1, --load-columns eager; the peak RSS of
# each rank (the job is one `SELECT count(*)`, which needs no column); then what the first
# statement needing a column pays to load it: `avg(concentration)` cold (first execution) against warm (median of the rest).
#   bench/compare/ready.sh BUILD DATA...   (each DATA a 5-partition data set: 6 ranks)
set -euo pipefail
build=$1
shift
# shellcheck source=lib/local_mpi.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/local_mpi.sh"
ready() {  # ready DATA LOAD: prints "ms max_rss_of_a_data_rank_MiB"
  local t0
  t0=$(date +%s%N)
  mpirun -n 6 --timeout 900 sh -c 'exec /usr/bin/time -f "%M" -o "$0.$OMPI_COMM_WORLD_RANK" "$@"' \
    "$tmp/rss" "$build/ranks/plume" --data "$1" --load-columns "$2" \
    -c "SELECT count(*) FROM measurements;" --format null --progress off >/dev/null
  local ms=$((($(date +%s%N) - t0) / 1000000)) rss=0 r
  for r in 1 2 3 4 5; do rss=$(( $(cat "$tmp/rss.$r") > rss ? $(cat "$tmp/rss.$r") : rss )); done
  echo "$ms $((rss / 1024))"
}
printf 'data\tready_lazy_ms\trss_lazy_MiB\tready_eager_ms\trss_eager_MiB\tfirst_avg_ms\twarm_avg_ms\n'
for data in "$@"; do
  read -r lazy_ms lazy_rss < <(ready "$data" lazy)
  eager_ms=- eager_rss=-
  [[ ${EAGER:-0} == 1 ]] && read -r eager_ms eager_rss < <(ready "$data" eager)
  : >"$tmp/s.sql"
  for _ in $(seq 5); do echo "SELECT avg(concentration) FROM measurements;" >>"$tmp/s.sql"; done
  mpirun -n 6 --timeout 900 "$build/ranks/plume" --data "$data" -f "$tmp/s.sql" --format null \
    --report "$tmp/r.json" --progress off --cache-size 0 >/dev/null
  read -r first warm < <(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const t = r.statements.map((x) => x.total_ms);
    const w = t.slice(1).sort((a, b) => a - b);
    console.log(t[0].toFixed(1), w[w.length >> 1].toFixed(1));' "$tmp/r.json")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$data" "$lazy_ms" "$lazy_rss" "$eager_ms" "$eager_rss" \
    "$first" "$warm"
done
