# Shared by scripts/run and scripts/test: configure + build one preset with the cores we have.
# shellcheck shell=bash
plume_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

plume_build() {  # plume_build PRESET [targets...]
  local preset=$1
  shift
  cmake --preset "$preset" -S "$plume_root" >/dev/null
  local targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build --preset "$preset" -j "$(nproc)" "${targets[@]}"
}

# The AirNow files, when this machine has them (CI and development machines do).
plume_airnow_dir() {
  local d=${PLUME_AIRNOW_DIR:-$plume_root/../shared/data/airnow-2020fire}
  [[ -d $d ]] && echo "$d"
  return 0
}

# Everything mpirun needs on this machine: root permission, oversubscription, one host.
plume_mpi_env() {
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  export OMPI_MCA_rmaps_base_oversubscribe=1
  export OMPI_MCA_btl=${OMPI_MCA_btl:-self,vader} OMPI_MCA_pml=${OMPI_MCA_pml:-ob1}
  export OMPI_MCA_oob_tcp_if_include=${OMPI_MCA_oob_tcp_if_include:-lo}
}
