#!/usr/bin/env bash
# CPU per statement (user + sys of all 6 ranks) for one or more plume binaries, alternated in
# rounds on one data set: a busy machine moves wall times by more than a kernel change, CPU time
# far less. Per round and binary: one job with --repeat 1 and one with --repeat 1+N; the
# difference over N is one warm execution's CPU (start-up, loading and the first execution cancel).
#   bench/compare/cpu_ab.sh ROUNDS DATA N SQL PLUME_BIN...
# Prints each binary's median over the rounds and its ratio to the first binary's.
set -euo pipefail
rounds=$1 data=$2 n=$3 sql=$4
shift 4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=../../scripts/common.sh
source "$here/../../scripts/common.sh"
plume_mpi_env
cpu_ms() {  # BIN REPEAT -> CPU seconds of the job
  /usr/bin/time -f "%U %S" -o "$tmp/t" mpirun -n 6 --timeout 900 "$1" --data "$data" \
    -c "$sql;" --repeat "$2" --cache-size 0 --progress off --format null >/dev/null
  awk '{ print $1 + $2 }' "$tmp/t"
}
for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    one=$(cpu_ms "$bin" 1)
    many=$(cpu_ms "$bin" $((n + 1)))
    awk -v b="$bin" -v a="$one" -v m="$many" -v n="$n" 'BEGIN { print b, (m - a) * 1000 / n }'
  done
done >"$tmp/raw"
awk '{ v[$1] = v[$1] " " $2; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
  END {
    for (i = 1; i <= k; ++i) {
      c = split(substr(v[order[i]], 2), a, " ")
      for (x = 1; x <= c; ++x) for (y = x + 1; y <= c; ++y) if (a[y] < a[x]) { t = a[x]; a[x] = a[y]; a[y] = t }
      med = a[int((c + 1) / 2)]
      if (i == 1) base = med
      printf "%s\tmedian CPU %.1f ms a statement of %d rounds\t%.2fx the first\n", order[i], med, c, med / base
    }
  }' "$tmp/raw"
