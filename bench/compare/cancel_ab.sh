#!/usr/bin/env bash
# Cancel latency A/B in one run (issue 12 item 2): bench/bounded_e2e --cases cancel of two builds
# in interleaved rounds, so both see the same load; prints each round's figures and, per case,
# the median over the rounds of each build's "all ranks idle" median and their ratio.
#   bench/compare/cancel_ab.sh BASE_BUILD NEW_BUILD DATA_DIR [ROUNDS] [RUNS]
# A build is a directory with bench/bounded_e2e (e.g. build/ci, or a copy of it elsewhere).
[[ ${1:-} == -h || ${1:-} == --help || $# -lt 3 ]] && { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0; }
set -eu
base=$1 new=$2 data=$3 rounds=${4:-5} runs=${5:-9}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp /tmp/plume-cancel-ab.XXXXXX)
trap 'rm -f "$out"' EXIT
for r in $(seq "$rounds"); do
  for side in base new; do
    build=$base
    [[ $side == new ]] && build=$new
    echo "== round $r $side $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    PLUME_E2E=bounded_e2e "$here/ranks_e2e.sh" "$build" "$data" --cases cancel --runs "$runs" |
      grep -E '^  (while|after)' | sed 's/answered.*all ranks idle/idle/' |
      while IFS= read -r line; do echo "$line"; echo "$side|$line" >>"$out"; done
  done
done
echo "median over $rounds rounds of the 'all ranks idle' medians (ms): base / new / new:base"
for c in "5 ms in" "200 ms in" "first chunk"; do
  med() {  # med SIDE: the median of that side's medians for case $c
    grep "^$1|" "$out" | grep -F "$c" | sed 's/.*idle \([0-9.]*\) ms.*/\1/' | sort -n |
      awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
  }
  b=$(med base) n=$(med new)
  printf '  %-12s %8.2f / %8.2f / %.2f\n' "$c" "$b" "$n" "$(awk -v b="$b" -v n="$n" 'BEGIN { print n / b }')"
done
