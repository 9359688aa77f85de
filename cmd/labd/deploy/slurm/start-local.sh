#!/usr/bin/env bash
# Starts a single-node Slurm on this machine, for CI (.ci/run) and for trying the sweep's job array:
# installs Debian's slurm-wlm and munge when missing, makes sure a munge key exists, writes a minimal
# slurm.conf for this host (this node's CPUs, no cgroups, no accounting), starts munged, slurmctld
# and slurmd, and waits until the node takes jobs. Run it as root.
#
# Idempotent: a daemon that already answers is left running, the config is rewritten only when it
# changed, and a slurm.conf this script did not write (an existing cluster's) is never touched.
set -euo pipefail

conf=/etc/slurm/slurm.conf
marker="# Written by raftlab's cmd/labd/deploy/slurm/start-local.sh: a single-node Slurm for sweeps."
host=$(hostname -s)
cpus=$(nproc)

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  echo "== installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

# munge authenticates every Slurm message; its key must exist, belong to munge and be private.
if [ ! -s /etc/munge/munge.key ]; then
  echo "== creating the munge key"
  install -d -o munge -g munge -m 0700 /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
  echo "== starting munged"
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.2; done
  munge -n </dev/null | unmunge >/dev/null
fi

install -d -m 0755 /etc/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm
want=$(cat <<CONF
$marker
ClusterName=raftlab
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=sweeps Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
)
restart=no
if [ -e "$conf" ] && ! grep -qxF "$marker" "$conf"; then
  echo "== $conf was not written by this script: using that Slurm as it is"
elif [ ! -e "$conf" ] || [ "$(cat "$conf")" != "$want" ]; then
  echo "== writing $conf (node $host, $cpus CPUs)"
  printf '%s\n' "$want" >"$conf"
  restart=yes
fi

# stop_daemon stops the daemon whose pid file is $1, if it runs.
stop_daemon() {
  local pid
  pid=$(cat "$1" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  fi
}
if [ $restart = yes ]; then
  stop_daemon /run/slurmd.pid
  stop_daemon /run/slurmctld.pid
fi
if ! scontrol ping 2>/dev/null | grep -q 'is UP'; then
  echo "== starting slurmctld"
  slurmctld
  for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q 'is UP' && break; sleep 0.2; done
fi
if ! { [ -e /run/slurmd.pid ] && kill -0 "$(cat /run/slurmd.pid)" 2>/dev/null; }; then
  echo "== starting slurmd"
  slurmd
fi

# Wait until the node takes jobs; a node left down by an earlier run is put back in service.
state=
for i in $(seq 150); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null | head -n1 || true)
  case $state in
    idle | mixed | allocated | completing) break ;;
    down* | drain* | fail*) [ "$i" -eq 10 ] && scontrol update NodeName="$host" State=RESUME || true ;;
  esac
  sleep 0.2
done
case $state in
  idle | mixed | allocated | completing) echo "== slurm is up: node $host ($cpus CPUs) is $state" ;;
  *)
    echo "start-local.sh: node $host is '${state:-unknown}' after 30 s; see /var/log/slurm/" >&2
    tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
    exit 1
    ;;
esac
