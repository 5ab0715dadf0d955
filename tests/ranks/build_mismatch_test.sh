#!/usr/bin/env bash
# Ranks of different plume builds refuse to start together, naming the ranks and hosts: rank 2
# claims another build (PLUME_BUILD_IDENTITY, an MPMD second app context) and the job ends at
# startup with exit code 1 and "rank 2 on HOST: runs ... but rank 0 runs ...". Also checks that
# the same job with one build answers (so the refusal is about the build, not the setup).
#   build_mismatch_test.sh MPIEXEC PLUME_BIN DATA_DIR (a 2-partition data set)
set -uo pipefail
mpiexec=$1 bin=$2 data=$3
dir=$(mktemp -d /tmp/plume-build-mismatch.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mpi=("$mpiexec" --oversubscribe --allow-run-as-root --timeout 60)
args=(--data "$data" --format csv -c "SELECT count(*) AS n FROM measurements;")
other="plume 0.0.1, protocol 0"

"${mpi[@]}" -n 2 "$bin" "${args[@]}" : -n 1 "$bin" "${args[@]}" >"$dir/same.out" 2>"$dir/same.err"
rc=$?
if ((rc != 0)) || ! grep -qx 'n' "$dir/same.out"; then
  echo "FAIL: one build did not answer (exit $rc): $(cat "$dir/same.err")"
  exit 1
fi

"${mpi[@]}" -n 2 "$bin" "${args[@]}" : -n 1 env PLUME_BUILD_IDENTITY="$other" "$bin" "${args[@]}" \
  >"$dir/mixed.out" 2>"$dir/mixed.err"
rc=$?
fail=0
((rc == 1)) || { echo "FAIL: mixed builds: exit code $rc, expected 1"; fail=1; }
grep -q "^Error: startup failed" "$dir/mixed.err" || { echo "FAIL: no startup error"; fail=1; }
grep -qF "rank 2 on $(hostname): runs $other but rank 0 runs plume " "$dir/mixed.err" ||
  { echo "FAIL: the error does not name rank 2, its host and both builds"; fail=1; }
grep -q "rank [01] on" "$dir/mixed.err" && { echo "FAIL: a rank of rank 0's build is blamed"; fail=1; }
[[ -s $dir/mixed.out ]] && { echo "FAIL: mixed builds answered: $(cat "$dir/mixed.out")"; fail=1; }
if ((fail)); then
  echo "--- stderr:"; cat "$dir/mixed.err"
  exit 1
fi
echo "build_mismatch: refused: $(grep 'rank 2 on' "$dir/mixed.err")"
