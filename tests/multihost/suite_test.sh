#!/usr/bin/env bash
# ctest multihost.suite: the statement suite (tests/duckdb/suite.sql without its ${NAME}
# placeholders and @subset statements) on one host and across three namespace hosts
# (tests/multihost/hosts.sh: gateway-host, team1-host, team4-host, each holding only its own
# ranks' partitions) through `scripts/plume-shell --hostfile`; every answer must be the same:
# @ordered results line by line, the others as sorted lines (DOUBLE cells within a relative
# 1e-9: sums merged in another order), failing statements with the same message. Also: a
# one-shot statement answers on stdout across the hosts, and a hostfile that puts ranks on the
# wrong hosts fails at startup naming each rank and its host. Skips (77) where namespaces cannot
# be made; removes its hosts and processes on every exit (trap).
#   suite_test.sh SOURCE_DIR PLUME PREPROCESS
set -uo pipefail
src=$1 plume=$2 preprocess=$3
here=$src/tests/multihost
shell=$src/scripts/plume-shell
source "$here/hosts.sh"

export MPIEXEC_TIMEOUT=90 PLUME_HISTFILE=/dev/null
mh_test_hosts "$preprocess" || exit  # sets work, fail and failed(), or exits 77 / 1

for run in one three; do
  mkdir -p "$work/$run"
  awk -v dir="$work/$run" -f "$here/suite_script.awk" "$src/tests/duckdb/suite.sql" >"$work/$run.sql"
done
count=$(wc -l <"$work/one/kinds")
batch=(--format csv --progress off)

t0=$(date +%s.%N)
"$shell" --bin "$plume" --data "$work/data" -f "$work/one.sql" "${batch[@]}" >"$work/one.out" \
  2>"$work/one.err"
t1=$(date +%s.%N)
# The hosts see their own files at $work/srv; nothing is there outside them.
[[ -z $(ls -A "$work/srv") ]] || failed "$work/srv is not empty outside the hosts"
(mh_mpi_env
 mh_exec gateway-host "$shell" --hostfile "$work/hostfile" --bin "$plume" --data "$work/srv/data" \
   -f "$work/three.sql" "${batch[@]}" >"$work/three.out" 2>"$work/three.err")
t2=$(date +%s.%N)
awk -v n="$count" -v a="$t0" -v b="$t1" -v c="$t2" \
  'BEGIN { printf "suite: %d statements; one host %.1f s, three hosts %.1f s\n", n, b - a, c - b }'

# The "[statement N] ..." lines of a run's stderr for statement N.
message() { grep -F "[statement $((10#$2))] " "$work/$1.err"; }
# same_rows A B: lines equal in order, numeric cells within a relative 1e-9.
same_rows() {
  awk -F, 'NR == FNR { a[FNR] = $0; n = FNR; next }
    { m = FNR
      if ($0 == a[FNR]) next
      k = split(a[FNR], x, ",")
      if (k != NF) exit 1
      for (i = 1; i <= NF; i++) {
        if ($i == x[i]) continue
        if ($i !~ /^-?[0-9.e+-]+$/ || x[i] !~ /^-?[0-9.e+-]+$/) exit 1
        d = $i - x[i]; s = ($i < 0 ? -$i : $i) + (x[i] < 0 ? -x[i] : x[i])
        if ((d < 0 ? -d : d) > 1e-9 * s) exit 1
      } }
    END { if (m != n) exit 1 }' "$1" "$2"
}
same_sorted_rows() { same_rows <(sort "$1") <(sort "$2"); }

compared=0
while read -r id kind; do
  a=$work/one/$id.csv b=$work/three/$id.csv
  case $kind in
    error)
      [[ -n $(message one "$id") && $(message one "$id") == "$(message three "$id")" ]] ||
        failed "statement $id: one host says '$(message one "$id")', three hosts" \
          "'$(message three "$id")'" ;;
    ordered) same_rows "$a" "$b" || failed "statement $id (ordered): results differ" ;;
    *)
      [[ -s $a ]] || failed "statement $id: no result on one host"
      same_sorted_rows "$a" "$b" || failed "statement $id: results differ ($(wc -l <"$a") vs" \
        "$(wc -l <"$b") lines)" ;;
  esac
  ((compared++))
done <"$work/one/kinds"
((count > 150 && compared == count)) || failed "compared $compared of $count statements"
if ((fail)); then
  echo "--- one host stderr"; tail -5 "$work/one.err"
  echo "--- three hosts stderr"; tail -20 "$work/three.err"
fi

# One-shot across the hosts: the answer on stdout (rank 0 is on this host: through the fifo).
answer=$(mh_mpi_env
  mh_exec gateway-host "$shell" --hostfile "$work/hostfile" --bin "$plume" \
    --data "$work/srv/data" -c "SELECT count(*) AS n FROM measurements;" --format csv \
    2>"$work/oneshot.err")
[[ $answer == $'n\n200000' ]] ||
  failed "one-shot across the hosts answered: $answer $(cat "$work/oneshot.err")"

# Ranks 1-3 on team4-host, which holds partitions 3 and 4 only: rank 1 (partition 0) fails
# there, and the message says where.
printf 'gateway-host slots=1\nteam4-host slots=3\nteam1-host slots=2\n' >"$work/hostfile.wrong"
wrong=$(mh_mpi_env
  mh_exec gateway-host "$shell" --hostfile "$work/hostfile.wrong" --bin "$plume" \
    --data "$work/srv/data" -c "SELECT 1;" 2>&1)
rc=$?
((rc == 1)) || failed "misplaced ranks: exit code $rc, expected 1"
grep -q "rank 1 on team4-host: cannot load partition 0" <<<"$wrong" ||
  failed "misplaced ranks: no message naming the ranks and their host: $wrong"

((fail)) && exit 1
echo "multihost.suite: $compared statements identical on one host and three hosts"
exit 0
