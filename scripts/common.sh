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
# plume_mpi_env HOSTFILE (a hostfile given): only root permission. Across hosts Open MPI picks its
# transports itself (shared memory between ranks of one host, TCP between hosts); slots come
# from the hostfile, so too many ranks is an error instead of a silent oversubscription, and
# shared memory and the out-of-band channel are not pinned to this machine's loopback.
plume_mpi_env() {
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  [[ -n ${1:-} ]] && return 0
  export OMPI_MCA_rmaps_base_oversubscribe=1
  export OMPI_MCA_btl=${OMPI_MCA_btl:-self,vader} OMPI_MCA_pml=${OMPI_MCA_pml:-ob1}
  export OMPI_MCA_oob_tcp_if_include=${OMPI_MCA_oob_tcp_if_include:-lo}
}

# The number of partitions listed by DIR/manifest.json (empty when there is none to read).
plume_manifest_partitions() {
  [[ -r $1/manifest.json ]] || return 0
  grep -o '"index"[[:space:]]*:' "$1/manifest.json" | wc -l
}

# "INDEX FILE" for each partition of DIR/manifest.json (any key order, one line or many).
plume_manifest_files() {
  tr -d '\n' <"$1/manifest.json" | tr '}' '\n' | awk '
    match($0, /"index"[[:space:]]*:[[:space:]]*[0-9]+/) {
      i = substr($0, RSTART, RLENGTH); sub(/.*:[[:space:]]*/, "", i)
      if (match($0, /"file"[[:space:]]*:[[:space:]]*"[^"]*"/)) {
        f = substr($0, RSTART, RLENGTH); sub(/^"file"[[:space:]]*:[[:space:]]*"/, "", f)
        sub(/"$/, "", f); print i, f
      }
    }'
}

# The hosts of a hostfile in order (first word of each line without comments).
plume_hostfile_hosts() {
  sed 's/#.*//' "$1" | awk 'NF {print $1}'
}

# Whether HOST names the machine this runs on (where mpirun starts rank 0 when it is the
# hostfile's first host).
plume_is_this_host() {
  case $1 in
    localhost | 127.0.0.1 | ::1 | "$(hostname)" | "$(hostname -s 2>/dev/null)" | \
      "$(hostname -f 2>/dev/null)") return 0 ;;
  esac
  return 1
}
