#!/bin/sh
# Starts the 6-rank system on a data set and prints the end-to-end figures (bench/ranks_e2e.cpp).
# usage: bench/ranks_e2e.sh BUILD_DIR DATA_DIR [ranks_e2e options...]
# Make a data set first, e.g.:
#   BUILD_DIR/preprocess/plume-preprocess --synthetic 1167525 --out /tmp/plume-data5 --partitions 5
set -eu
build=$1
data=$2
shift 2
parts=$(grep -c '"index"' "$data/manifest.json")
export OMPI_MCA_btl=self,vader OMPI_MCA_pml=ob1 OMPI_MCA_oob_tcp_if_include=lo
t0=$(date +%s.%N)
exec mpirun -n $((parts + 1)) --oversubscribe --allow-run-as-root --timeout 600 \
  "$build/bench/ranks_e2e" --data "$data" --t0 "$t0" "$@"
