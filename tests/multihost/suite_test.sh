#!/usr/bin/env bash
# ctest multihost.suite: the statement suite (tests/duckdb/suite.sql without its ${NAME}
# placeholders and @subset statements) on one host and twice across three namespace hosts
# (--compress auto and zstd; their reports must say which links compressed)
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

# PLUME_TIMEOUT_SCALE (an integer, the sanitizer steps set it): mpirun's limit and the hosts'
# watchdog scale, as a sanitizer build runs several times slower.
scale=${PLUME_TIMEOUT_SCALE:-1}
export MPIEXEC_TIMEOUT=$((90 * scale)) PLUME_HISTFILE=/dev/null
mh_test_hosts "$preprocess" $((135 * scale)) || exit  # sets work, fail and failed(), or exits 77 / 1

# Runs: one host; three hosts with the default --compress auto (LZ4 from the leaders to the
# gateway, none inside a host); three hosts with zstd on every link (members' frames compressed
# too, forwarded compressed, decoded by the leaders that merge).
runs=(one three zstd)
for run in "${runs[@]}"; do
  mkdir -p "$work/$run"
  awk -v dir="$work/$run" -f "$here/suite_script.awk" "$src/tests/duckdb/suite.sql" >"$work/$run.sql"
done
count=$(wc -l <"$work/one/kinds")
batch=(--format csv --progress off)

t0=$SECONDS
"$shell" --bin "$plume" --data "$work/data" -f "$work/one.sql" "${batch[@]}" >"$work/one.out" \
  2>"$work/one.err"
t1=$SECONDS
# The hosts see their own files at $work/srv; nothing is there outside them.
[[ -z $(ls -A "$work/srv") ]] || failed "$work/srv is not empty outside the hosts"
across() {  # across RUN [plume options]: the RUN's script across the three hosts
  local run=$1
  shift
  (mh_mpi_env
   mh_exec gateway-host "$shell" --hostfile "$work/hostfile" --bin "$plume" \
     --data "$work/srv/data" -f "$work/$run.sql" "${batch[@]}" --report "$work/$run.json" "$@" \
     >"$work/$run.out" 2>"$work/$run.err")
}
across three
t2=$SECONDS
across zstd --compress zstd
echo "suite: $count statements; one host $((t1 - t0)) s, three hosts $((t2 - t1)) s"

# The reports say which links compressed and how many frames were.
compressed() { grep -o '"frames_compressed": [0-9]*' "$work/$1.json" | tail -1 | awk '{print $2}'; }
grep -q '"compression": "lz4 on 2 of 5 links (--compress auto)"' "$work/three.json" ||
  failed "three hosts, auto: the report does not say LZ4 on the 2 leader links"
grep -q '"compression": "zstd on 5 of 5 links (--compress zstd)"' "$work/zstd.json" ||
  failed "three hosts, zstd: the report does not say zstd on all 5 links"
(($(compressed three) > 0 && $(compressed zstd) > 0)) ||
  failed "no compressed frames reached the gateway ($(compressed three), $(compressed zstd))"

# The "[statement N] ..." lines of a run's stderr for statement N.
# Which data rank reports a data error first, and so which row, depends on timing (sqrt of a
# negative longitude fails on every partition; aqi + 2^63-1 overflows on many rows), so
# "rank R (partition P, FILE): ", the operands "(4 and 9223372036854775807)" and a failed cast's
# "with value -94" are not compared.
message() {
  grep -F "[statement $((10#$2))] " "$work/$1.err" |
    sed -E 's/rank [0-9]+ \(partition [0-9]+, [^)]*\): //; s/\(-?[0-9.e+]+ and -?[0-9.e+]+\)/(...)/g
      s/with value -?[0-9.e+]+ /with value ... /g'
}
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
  for run in "${runs[@]:1}"; do
    a=$work/one/$id.csv b=$work/$run/$id.csv
    case $kind in
      error)
        [[ -n $(message one "$id") && $(message one "$id") == "$(message "$run" "$id")" ]] ||
          failed "$run: statement $id: one host says '$(message one "$id")', three hosts" \
            "'$(message "$run" "$id")'" ;;
      ordered) same_rows "$a" "$b" || failed "$run: statement $id (ordered): results differ" ;;
      *)
        [[ -s $a ]] || failed "statement $id: no result on one host"
        same_sorted_rows "$a" "$b" || failed "$run: statement $id: results differ ($(wc -l <"$a")" \
          "vs $(wc -l <"$b") lines)" ;;
    esac
  done
  ((compared++))
done <"$work/one/kinds"
((count > 150 && compared == count)) || failed "compared $compared of $count statements"
if ((fail)); then
  echo "--- one host stderr"; tail -5 "$work/one.err"
  echo "--- three hosts stderr"; tail -20 "$work/three.err"
  echo "--- three hosts, zstd, stderr"; tail -20 "$work/zstd.err"
fi

# One-shot across the hosts: the answer on stdout (rank 0 is on this host: through the fifo).
answer=$(mh_mpi_env
  mh_exec gateway-host "$shell" --hostfile "$work/hostfile" --bin "$plume" \
    --data "$work/srv/data" -c "SELECT count(*) AS n FROM measurements;" --format csv \
    2>"$work/oneshot.err")
[[ $answer == $'n\n200000' ]] ||
  failed "one-shot across the hosts answered: $answer $(cat "$work/oneshot.err")"

# scripts/plume-hostfiles lists what hosts.sh gave each host, and copies it over "ssh"
# (stand-ins that enter the hosts' namespaces) into each host's own folder.
listing=$("$src/scripts/plume-hostfiles" --hostfile "$work/hostfile" --data "$work/data")
[[ $listing == "gateway-host ranks 0: manifest.json
team1-host ranks 1-3: manifest.json part-00000.h5 part-00001.h5 part-00002.h5
team4-host ranks 4-5: manifest.json part-00003.h5 part-00004.h5" ]] ||
  failed "plume-hostfiles listed: $listing"
cat >"$work/nscp" <<EOF
#!/usr/bin/env bash
# scp stand-in: nscp -q FILES... HOST:DIR
shift
target=\${*: -1}
source "$here/hosts.sh"
mh_prefix=$mh_prefix mh_work=$work
mh_exec "\${target%%:*}" cp "\${@:1:\$#-1}" "\${target#*:}"
EOF
chmod +x "$work/nscp"
(mh_mpi_env
 PLUME_SSH=$work/nsrsh PLUME_SCP=$work/nscp mh_exec gateway-host \
   "$src/scripts/plume-hostfiles" --hostfile "$work/hostfile" --data "$work/data" --copy \
   --dest "$work/srv/copy" >/dev/null) || failed "plume-hostfiles --copy failed"
for h in "${mh_hosts[@]}"; do
  [[ $(ls "$work/hosts/$h/copy" 2>&1) == "$(ls "$work/hosts/$h/data")" ]] ||
    failed "plume-hostfiles --copy gave $h: $(ls "$work/hosts/$h/copy" 2>&1 | tr '\n' ' ')"
done

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
echo "multihost.suite: $compared statements identical on one host and three hosts (auto, zstd)"
exit 0
