#!/usr/bin/env bash
# Starts a 3-member kvd cluster on this machine (like etcd's Procfile):
#   infra1 client http://127.0.0.1:2379  peer http://127.0.0.1:12380
#   infra2 client http://127.0.0.1:22379 peer http://127.0.0.1:22380
#   infra3 client http://127.0.0.1:32379 peer http://127.0.0.1:32380
# Usage: cmd/kvd/start-cluster.sh [start|stop|status]   (data and logs under ${KVD_CLUSTER_DIR:-./kvd-cluster})
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="${KVD_CLUSTER_DIR:-$PWD/kvd-cluster}"
bin="$dir/bin"
names=(infra1 infra2 infra3)
client=(2379 22379 32379)
peer=(12380 22380 32380)
cluster="infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380"

stop() {
  for n in "${names[@]}"; do
    if [ -f "$dir/$n.pid" ]; then
      kill "$(cat "$dir/$n.pid")" 2>/dev/null || true
      rm -f "$dir/$n.pid"
    fi
  done
}

status() {
  for i in 0 1 2; do
    printf '%s ' "${names[$i]}"
    curl -fsS "http://127.0.0.1:${client[$i]}/health" || echo "down"
    echo
  done
}

start() {
  mkdir -p "$bin"
  go build -o "$bin/kvd" ./cmd/kvd
  go build -o "$bin/kvctl" ./cmd/kvctl
  for i in 0 1 2; do
    n=${names[$i]}
    "$bin/kvd" --name "$n" --data-dir "$dir/$n.etcd" \
      --listen-client-urls "http://127.0.0.1:${client[$i]}" --advertise-client-urls "http://127.0.0.1:${client[$i]}" \
      --listen-peer-urls "http://127.0.0.1:${peer[$i]}" --initial-advertise-peer-urls "http://127.0.0.1:${peer[$i]}" \
      --initial-cluster "$cluster" --initial-cluster-token raftlab-demo --initial-cluster-state new \
      --enable-v2 >"$dir/$n.log" 2>&1 &
    echo $! >"$dir/$n.pid"
  done
  for _ in $(seq 1 100); do
    if curl -fsS http://127.0.0.1:2379/health >/dev/null 2>&1; then
      echo "cluster up; logs in $dir; kvctl at $bin/kvctl"
      return 0
    fi
    sleep 0.1
  done
  echo "cluster did not become healthy; see $dir/*.log" >&2
  stop
  return 1
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
