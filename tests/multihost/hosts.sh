# Three hosts on one machine for multi-host tests and benchmarks (source this file; bash).
#
#   mh_up WORK DATA      makes gateway-host, team1-host and team4-host (the `hostfile` comment's
#                        placement of 6 ranks) under WORK; returns 77 with a message on stderr
#                        where network namespaces cannot be made (not root, no ip, no veth)
#   mh_exec HOST CMD...  runs CMD on HOST (its network, hostname, disk and /dev/shm)
#   mh_switch DELAY_US   links the hosts through delaybridge (DELAY_US one way) instead of the
#                        kernel bridge; mh_switch off goes back to the kernel bridge
#   mh_rate RATE         caps the link into gateway-host, which every result crosses (tc tbf on
#                        the switch port, e.g. 100mbit); mh_rate off removes the cap
#   mh_kill              kills every process running on the hosts (the hosts stay)
#   mh_down              kills every process of these hosts and removes them (idempotent; call
#                        it from a trap)
#
# Each host is a network namespace with one veth (eth0, 10.231.0.10/.11/.12) into a switch
# namespace, entered with its own UTS and mount namespaces: a distinct hostname (Open MPI's
# shared-memory segment names collide otherwise), a fresh /dev/shm, an /etc/hosts naming the
# three hosts, and WORK/srv, the path every host's plume is given, bound to that host's own
# folder WORK/hosts/HOST (the manifest on every host, partition files only where the host's ranks
# read them; outside the hosts WORK/srv is empty). WORK/hostfile lists the hosts; WORK/nsrsh is
# the ssh stand-in for mpirun (--mca plm_rsh_agent, exported as OMPI_MCA_plm_rsh_agent by
# mh_mpi_env). Namespaces are named pmh<pid>-*, after the shell that made them, so a run killed
# before its trap (SIGKILL) is swept by the next mh_up.
# shellcheck shell=bash

mh_subnet=10.231.0
mh_hosts=(gateway-host team1-host team4-host)
# Partitions each host holds (the `hostfile` comment: ranks 1-3 on team1-host, 4-5 on team4-host).
declare -A mh_parts=([gateway-host]="" [team1-host]="0 1 2" [team4-host]="3 4")
declare -A mh_slots=([gateway-host]=1 [team1-host]=3 [team4-host]=2)
mh_prefix=
mh_work=
mh_bridge_pid=

mh_skip() {
  echo "SKIPPED: $*" >&2
  return 77
}

mh_ns() { echo "$mh_prefix-${1%%-host}"; }  # namespace of a host (or of "sw")

# Removes the namespaces of earlier runs whose shell is gone (killed before its trap ran).
mh_sweep() {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^pmh[0-9]*-' || true); do
    pid=${ns#pmh}
    pid=${pid%%-*}
    kill -0 "$pid" 2>/dev/null && continue
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
}

mh_up() {  # mh_up WORK DATA
  local work=$1 data=$2
  [[ $(id -u) == 0 ]] || { mh_skip "multi-host tests need root (network namespaces)"; return; }
  command -v ip >/dev/null || { mh_skip "no ip command (apt-get install iproute2)"; return; }
  command -v unshare >/dev/null || { mh_skip "no unshare (util-linux)"; return; }
  mh_sweep
  mh_prefix=pmh$$
  mh_work=$work
  if ! ip netns add "$(mh_ns sw)" 2>/dev/null; then
    mh_prefix=
    mh_skip "cannot create network namespaces here (ip netns add failed: no CAP_SYS_ADMIN?)"
    return
  fi
  mh_make_links || { mh_down; mh_skip "cannot make veth links between namespaces"; return; }
  mh_make_disks "$data" || { mh_down; echo "mh_up: cannot lay out the hosts' files" >&2; return 1; }
  mh_make_rsh
  # Open MPI's TCP traffic crosses the switch from the first message: check it is up.
  local h
  for h in team1-host team4-host; do
    mh_reachable "$h" ||
      { mh_down; mh_skip "the namespace link to $h does not carry traffic"; return; }
  done
}

# A TCP connect to a closed port of HOST from gateway-host is refused at once when the link works
# (no ping on these machines); a broken link times out.
mh_reachable() {
  local err
  err=$(mh_exec gateway-host timeout 3 bash -c "exec 3<>/dev/tcp/$1/9" 2>&1)
  [[ $err == *refused* ]]
}

mh_make_links() {
  local sw i h ns
  sw=$(mh_ns sw)
  ip -n "$sw" link add br0 type bridge || return 1
  ip -n "$sw" link set br0 up
  ip -n "$sw" link set lo up
  for i in 0 1 2; do
    h=${mh_hosts[$i]}
    ns=$(mh_ns "$h")
    ip netns add "$ns" || return 1
    ip link add eth0 netns "$ns" type veth peer name "p$i" netns "$sw" || return 1
    ip -n "$sw" link set "p$i" master br0
    ip -n "$sw" link set "p$i" up
    ip -n "$ns" addr add "$mh_subnet.1$i/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
  done
}

# WORK/hosts/HOST/data: the manifest plus the host's own partition files; WORK/hosts/HOST.hosts:
# its /etc/hosts; WORK/hostfile.
mh_make_disks() {
  local data=$1 i h p file
  rm -rf "$mh_work/hosts" "$mh_work/srv"
  mkdir -p "$mh_work/srv" || return 1
  : >"$mh_work/hostfile"
  for i in 0 1 2; do
    h=${mh_hosts[$i]}
    mkdir -p "$mh_work/hosts/$h/data"
    cp "$data/manifest.json" "$mh_work/hosts/$h/data/" || return 1
    for p in ${mh_parts[$h]}; do
      file=$(printf 'part-%05d.h5' "$p")
      ln "$data/$file" "$mh_work/hosts/$h/data/$file" 2>/dev/null ||
        cp "$data/$file" "$mh_work/hosts/$h/data/" || return 1
    done
    {
      echo "127.0.0.1 localhost"
      echo "$mh_subnet.1$i $h"
    } >"$mh_work/hosts/$h.hosts"
    echo "$h slots=${mh_slots[$h]}" >>"$mh_work/hostfile"
  done
  for i in 0 1 2; do
    for h in "${mh_hosts[@]}"; do
      [[ $h == "${mh_hosts[$i]}" ]] || echo "$mh_subnet.1$i ${mh_hosts[$i]}" >>"$mh_work/hosts/$h.hosts"
    done
  done
}

# WORK/nsrsh HOST COMMAND...: what ssh would do, into the host's namespaces (a clean environment,
# as a login over ssh has).
mh_make_rsh() {
  local lib
  lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/hosts.sh
  cat >"$mh_work/nsrsh" <<EOF
#!/usr/bin/env bash
# ssh stand-in for mpirun (plm_rsh_agent): nsrsh [options] HOST COMMAND...
while [[ \${1:-} == -* ]]; do shift; done
host=\$1
shift
# The sanitizers' settings pass (the asan and tsan steps, tests/sanitizers/asan_env.sh): without
# them the ranks on the other hosts run without the preload and report Open MPI's unloaded
# components as leaks that no report file records.
pass=()
for v in LD_PRELOAD ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS PLUME_ASAN_REPORTS \\
  OMPI_MCA_memory PLUME_TIMEOUT_SCALE; do
  [[ -n \${!v:-} ]] && pass+=("\$v=\${!v}")
done
exec env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=\${HOME:-/root} "\${pass[@]}" \\
  bash -c 'source "\$0"; mh_prefix=\$1 mh_work=\$2; shift 2; mh_exec "\$@"' \\
  "$lib" "$mh_prefix" "$mh_work" "\$host" sh -c "\$*"
EOF
  chmod +x "$mh_work/nsrsh"
}

mh_exec() {  # mh_exec HOST CMD...
  local h=$1
  shift
  case $h in
    "$mh_subnet".10) h=gateway-host ;;
    "$mh_subnet".11) h=team1-host ;;
    "$mh_subnet".12) h=team4-host ;;
  esac
  [[ -n ${mh_slots[$h]:-} ]] || { echo "mh_exec: unknown host '$h'" >&2; return 2; }
  ip netns exec "$(mh_ns "$h")" unshare --uts --mount sh -c '
    hostname "$1" && mount --bind "$2/hosts/$1" "$2/srv" && mount -t tmpfs tmpfs /dev/shm &&
      mount --bind "$2/hosts/$1.hosts" /etc/hosts || exit 125
    shift 2
    exec "$@"' sh "$h" "$mh_work" "$@"
}

# What mpirun needs across these hosts: the ssh stand-in, and TCP only on the hosts' subnet.
# The one-host settings that scripts/test exports for the rest of the suite (shared memory only,
# oob on loopback, oversubscription) would make every cross-host message fail: drop them.
mh_mpi_env() {
  unset OMPI_MCA_btl OMPI_MCA_pml OMPI_MCA_rmaps_base_oversubscribe
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  export OMPI_MCA_plm_rsh_agent=$mh_work/nsrsh
  export OMPI_MCA_btl_tcp_if_include=$mh_subnet.0/24 OMPI_MCA_oob_tcp_if_include=$mh_subnet.0/24
}

mh_switch() {  # mh_switch DELAY_US | off
  local sw p
  sw=$(mh_ns sw)
  if [[ -n $mh_bridge_pid ]]; then
    kill -TERM "$mh_bridge_pid" 2>/dev/null
    wait "$mh_bridge_pid" 2>/dev/null
    mh_bridge_pid=
  fi
  if [[ $1 == off ]]; then
    for p in p0 p1 p2; do ip -n "$sw" link set "$p" master br0; done
    return 0
  fi
  local bridge=$mh_work/delaybridge
  [[ -x $bridge ]] || cc -O2 -o "$bridge" "${PLUME_DELAYBRIDGE_SRC:-$mh_root/../shared/tools/delaybridge/delaybridge.c}" ||
    return 1
  for p in p0 p1 p2; do ip -n "$sw" link set "$p" nomaster; done
  ip netns exec "$sw" "$bridge" "$1" p0 p1 p2 >"$mh_work/delaybridge.log" 2>&1 &
  mh_bridge_pid=$!
  sleep 0.3
  kill -0 "$mh_bridge_pid" 2>/dev/null
}

mh_rate() {  # mh_rate RATE | off: the switch port to gateway-host capped with tc tbf
  local sw
  sw=$(mh_ns sw)
  tc -n "$sw" qdisc del dev p0 root 2>/dev/null
  [[ $1 == off ]] && return 0
  tc -n "$sw" qdisc add dev p0 root tbf rate "$1" burst 64kb latency 100ms
}

mh_kill() {
  [[ -n $mh_prefix ]] || return 0
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$mh_prefix-" || true); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
  done
  sleep 0.1
}

mh_down() {
  [[ -n $mh_prefix ]] || return 0
  if [[ -n $mh_bridge_pid ]]; then
    kill -TERM "$mh_bridge_pid" 2>/dev/null
    wait "$mh_bridge_pid" 2>/dev/null
    mh_bridge_pid=
  fi
  mh_kill
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$mh_prefix-" || true); do
    ip netns del "$ns" 2>/dev/null
  done
  mh_prefix=
}

# For a test script: a work directory removed on exit (with the hosts: trap), a fail flag and
# failed MESSAGE, 200,000 synthetic rows in 5 partitions (WORK/data), and the hosts over them.
# A watchdog removes the hosts (and so every process on them) after LIMIT seconds, before
# ctest's TIMEOUT would kill this shell without running its trap. Returns 77 (skip) or 1 when
# the hosts cannot be made.
mh_test_hosts() {  # mh_test_hosts PREPROCESS LIMIT
  work=$(mktemp -d /tmp/plume-multihost.XXXXXX) || return 1
  mh_watchdog_pid=
  trap '[[ -n $mh_watchdog_pid ]] && kill "$mh_watchdog_pid" 2>/dev/null; mh_down; rm -rf "$work"' EXIT
  trap 'exit 1' INT TERM
  fail=0
  "$1" --synthetic 200000 --seed 3 --partitions 5 --out "$work/data" >/dev/null ||
    { echo "FAIL: plume-preprocess"; return 1; }
  mh_up "$work" "$work/data" || return
  (trap 'kill "$s" 2>/dev/null; exit 0' TERM
   sleep "$2" & s=$!
   wait "$s" 2>/dev/null
   echo "FAIL: still running after $2 s: removing the hosts and their processes" >&2
   mh_down) &
  mh_watchdog_pid=$!
}
failed() {
  echo "FAIL: $*"
  fail=1
}

mh_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
