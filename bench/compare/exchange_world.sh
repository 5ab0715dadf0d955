#!/usr/bin/env bash
# The hash exchange against the world size (docs/SCALING.md "The exchange between data ranks"):
# at each world size N (one gateway, N - 1 data ranks, one partition each) a many-group
# statement merged through the exchange (--merge exchange) and through the tree (--merge tree),
# medians of REPEAT - 1 warm executions, plus the CPU of all ranks per execution (the job's CPU
# with --repeat REPEAT minus a --repeat 1 job's, divided by REPEAT - 1, 10 ms ticks), and the
# exchange's links between data ranks: (N - 1)(N - 2), each at least one frame and one end.
#   bench/compare/exchange_world.sh BUILD ROOT [rREPEAT] SIZES...   (e.g. r6 2 3 6 8 12)
# ROOT/pK: a data set of K partitions (made there with BUILD's plume-preprocess --synthetic
# 1167525 --seed 1 when missing). The statements: GROUP BY site_name, utc (partition-cut keys
# are not local on the synthetic cut) and SELECT DISTINCT site_name, concentration
# (STATEMENTS="site_utc_top3 distinct" by default: set it to run fewer).
set -euo pipefail
build=$1 root=$2
shift 2
repeat=6
if [[ ${1:-} =~ ^r[0-9]+$ ]]; then repeat=${1#r}; shift; fi
# shellcheck source=lib/local_mpi.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/local_mpi.sh"
sqls=("SELECT site_name, utc, max(aqi) FROM measurements GROUP BY site_name, utc ORDER BY 3 DESC LIMIT 3"
      "SELECT DISTINCT site_name, concentration FROM measurements")
names=(site_utc_top3 distinct)
cpu_of() {  # cpu_of N DATA MERGE SQL REPEAT: prints "cpu_ms" of the job, all ranks
  local t0 t1 me=$BASHPID  # this subshell: its cutime/cstime grow by the waited-for mpirun
  t0=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$me/stat")
  mpirun -n "$1" --timeout 900 "$build/ranks/plume" --data "$2" --merge "$3" -c "$4;" \
    --repeat "$5" --format null --report "$tmp/r.json" --progress off --cache-size 0 \
    --peer-timeout 60 >/dev/null
  t1=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$me/stat")
  echo $(((t1 - t0) * 10))
}
printf 'ranks\tstatement\tgroups\texchange_ms\ttree_ms\texchange_cpu_ms\ttree_cpu_ms\texchange_links\n'
for n in "$@"; do
  data=$root/p$((n - 1))
  if [[ ! -f $data/manifest.json ]]; then
    "$build/preprocess/plume-preprocess" --synthetic 1167525 --seed 1 --out "$data" \
      --partitions $((n - 1)) >/dev/null
  fi
  for i in "${!sqls[@]}"; do
    [[ " ${STATEMENTS:-${names[*]}} " == *" ${names[$i]} "* ]] || continue
    row=()
    for merge in exchange tree; do
      base=$(cpu_of "$n" "$data" "$merge" "${sqls[$i]}" 1)
      all=$(cpu_of "$n" "$data" "$merge" "${sqls[$i]}" "$repeat")
      read -r groups ms < <(node -e '
        const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const t = r.statements.slice(1).map((s) => s.total_ms).sort((a, b) => a - b);
        console.log(r.statements[0].rows, t[t.length >> 1].toFixed(1));' "$tmp/r.json")
      row+=("$ms" $(((all - base) / (repeat - 1))))
    done
    d=$((n - 1))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "${names[$i]}" "$groups" "${row[0]}" "${row[2]}" \
      "${row[1]}" "${row[3]}" $((d * (d - 1)))
  done
done
