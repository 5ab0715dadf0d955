#!/usr/bin/env bash
# Starts the 6-rank system on a data set and prints the end-to-end figures (bench/ranks_e2e.cpp).
# usage: bench/ranks_e2e.sh BUILD_DIR DATA_DIR [ranks_e2e options...]
#   PLUME_E2E=bounded_e2e bench/ranks_e2e.sh ...: the bounded-work driver (bench/bounded_e2e.cpp)
# Make a data set first, e.g.:
#   BUILD_DIR/preprocess/plume-preprocess --synthetic 1167525 --out /tmp/plume-data5 --partitions 5
[[ ${1:-} == -h || ${1:-} == --help ]] && { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0; }
set -eu
build=$1
data=$2
shift 2
parts=$(grep -c '"index"' "$data/manifest.json")
source "$(dirname "$0")/../scripts/common.sh"
plume_mpi_env  # the same mpirun settings as scripts/run and scripts/test
t0=$(date +%s.%N)
exec mpirun -n $((parts + 1)) --timeout 600 \
  "$build/bench/${PLUME_E2E:-ranks_e2e}" --data "$data" --t0 "$t0" "$@"
