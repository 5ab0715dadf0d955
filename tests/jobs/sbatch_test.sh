#!/usr/bin/env bash
# Runs the repository's plume.sbatch on a real one-node SLURM cluster started just for this
# test (../shared/notes/SLURM_NOTES.md): a good statement file must end COMPLETED with exit 0 and
# a report; a file with a failing statement must end FAILED (the job exits with mpirun's status).
# usage: sbatch_test.sh REPO_ROOT PLUME_BIN PREPROCESS_BIN
# Exit 77 (ctest SKIP_RETURN_CODE) when SLURM or munge is not installed.
set -uo pipefail
root=$1 plume=$2 preprocess=$3
for b in slurmctld slurmd sbatch munged mungekey; do
  command -v "$b" >/dev/null || PATH=$PATH:/usr/sbin
  command -v "$b" >/dev/null || { echo "SKIP: $b not installed (scripts/setup installs it)"; exit 77; }
done

work=$(mktemp -d /tmp/plume-slurm.XXXXXX)
host=$(hostname -s)
cleanup() {
  for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid"; do
    [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  sleep 0.2
  [[ -n ${munge_pid:-} ]] && kill "$munge_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$work"/*.log "$work"/*.out; do [[ -f $f ]] && { echo "== $f"; tail -20 "$f"; }; done; exit 1; }

# munge with a private key and socket, so it never touches a system munged. munged insists on
# private key/log directories owned by munge and a socket directory everyone may traverse.
chmod 755 "$work"
mkdir -p "$work/munge" "$work/sock"
chmod 700 "$work/munge" && chmod 755 "$work/sock"
chown munge:munge "$work/munge" "$work/sock" || fail "no munge user"
mungekey -c -k "$work/munge/munge.key" >/dev/null 2>&1 || fail "mungekey"
chown munge:munge "$work/munge/munge.key" && chmod 0400 "$work/munge/munge.key"
sock=$work/sock/munge.socket
runuser -u munge -- munged --key-file="$work/munge/munge.key" --socket="$sock" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
  --seed-file="$work/munge/seed" </dev/null >/dev/null 2>&1 || fail "munged did not start"
munge_pid=$(cat "$work/munge/munged.pid")

mkdir -p "$work/ctld" "$work/d"
cat >"$work/slurm.conf" <<CONF
ClusterName=plumeci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$work/ctld
SlurmdSpoolDir=$work/d
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
EnforcePartLimits=ALL
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) Boards=1 SocketsPerBoard=1 CoresPerSocket=$(nproc) ThreadsPerCore=1 RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -i </dev/null >/dev/null 2>&1 || fail "slurmctld did not start"
slurmd -N "$host" </dev/null >/dev/null 2>&1 || fail "slurmd did not start"
for _ in $(seq 100); do sinfo -h -o %t 2>/dev/null | grep -q idle && break; sleep 0.1; done
sinfo -h -o %t | grep -q idle || fail "node never became idle"

"$preprocess" --synthetic 20000 --seed 3 --out "$work/data" --partitions 5 >/dev/null ||
  fail "plume-preprocess"
printf 'SELECT count(*) FROM measurements;\nSELECT parameter, count(*) FROM measurements GROUP BY parameter;\n' >"$work/good.sql"
printf 'SELECT count(*) FROM measurements;\nSELECT nosuchcolumn FROM measurements;\n' >"$work/bad.sql"

run_job() {  # run_job NAME SQL -> prints final JobState and ExitCode
  local id
  id=$(cd "$work" && sbatch --parsable \
    --export=ALL,PLUME_ROOT="$root",PLUME_DATA="$work/data",PLUME_SQL="$work/$2",PLUME_REPORT="$work/$1.json",PLUME_BIN="$plume" \
    --output="$work/$1.out" "$root/plume.sbatch") || fail "sbatch refused the job"
  # 60 s for the job, times PLUME_TIMEOUT_SCALE (an integer, the sanitizer steps set it).
  for _ in $(seq $((600 * ${PLUME_TIMEOUT_SCALE:-1}))); do [[ -z $(squeue -h -j "$id" 2>/dev/null) ]] && break; sleep 0.1; done
  local line
  line=$(scontrol show job -o "$id")
  echo "$(grep -o 'JobState=[A-Z_]*' <<<"$line") $(grep -o ' ExitCode=[0-9:]*' <<<"$line" | tr -d ' ')"
}

good=$(run_job good good.sql)
echo "good job: $good"
[[ $good == "JobState=COMPLETED ExitCode=0:0" ]] || fail "good job ended $good"
grep -q '"statements"' "$work/good.json" || fail "good job wrote no report"
grep -q '"status": *"completed"' "$work/good.json" || fail "report has no completed statement"

bad=$(run_job bad bad.sql)
echo "bad job: $bad"
[[ $bad == JobState=FAILED* ]] || fail "job with a failing statement ended $bad"
grep -q '"status": *"failed"' "$work/bad.json" || fail "report does not show the failed statement"
echo "PASS: plume.sbatch on a one-node SLURM cluster (good: COMPLETED, bad: FAILED)"
