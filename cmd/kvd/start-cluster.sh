#!/usr/bin/env bash
# Starts a 3-member kvd cluster on this machine (like etcd's Procfile):
#   infra1 client http://127.0.0.1:2379  peer http://127.0.0.1:12380
#   infra2 client http://127.0.0.1:22379 peer http://127.0.0.1:22380
#   infra3 client http://127.0.0.1:32379 peer http://127.0.0.1:32380
# Usage: cmd/kvd/start-cluster.sh [start|stop|status]   (data and logs under ${KVD_CLUSTER_DIR:-./kvd-cluster})
#   start   refuses to run over members still running or ports in use, and returns once every member
#           serves clients (a member serves only after its publish committed) and lists every member's
#           client URLs, so the first etcdctl or kvctl command right after it succeeds.
#   stop    stops the members this script started and waits for them to exit.
#   status  one line per member: running or not, and what its /health says; exits 1 unless all serve.
# KVD_CLUSTER_PORT_OFFSET shifts every port (tests run several clusters side by side).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="${KVD_CLUSTER_DIR:-$PWD/kvd-cluster}"
bin="$dir/bin"
off="${KVD_CLUSTER_PORT_OFFSET:-0}"
names=(infra1 infra2 infra3)
client=($((2379 + off)) $((22379 + off)) $((32379 + off)))
peer=($((12380 + off)) $((22380 + off)) $((32380 + off)))
cluster="infra1=http://127.0.0.1:${peer[0]},infra2=http://127.0.0.1:${peer[1]},infra3=http://127.0.0.1:${peer[2]}"
start_timeout="${KVD_CLUSTER_START_TIMEOUT:-30}" # seconds

# pid_of prints member i's pid if that process is alive and is kvd.
pid_of() {
  local f="$dir/${names[$1]}.pid" pid
  [ -f "$f" ] || return 1
  pid="$(cat "$f")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ "$(ps -p "$pid" -o comm= 2>/dev/null)" = "kvd" ] || return 1
  echo "$pid"
}

# port_in_use succeeds when something accepts connections on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# health prints member i's /health answer (empty when it does not answer within a second).
health() {
  curl -sS --max-time 1 "http://127.0.0.1:${client[$1]}/health" 2>/dev/null || true
}

# serves succeeds when member i answers /health with 200 (a member serves nothing before it is ready).
serves() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:${client[$1]}/health" 2>/dev/null)" = 200 ]
}

# lists_everyone succeeds when member i's member list shows the client URLs of all three members.
lists_everyone() {
  [ "$(curl -s --max-time 1 "http://127.0.0.1:${client[$1]}/v2/members" 2>/dev/null | grep -o '"clientURLs":\["http' | wc -l)" = 3 ]
}

stop() {
  local pids=() i pid
  for i in 0 1 2; do
    if pid="$(pid_of "$i")"; then
      kill "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$dir/${names[$i]}.pid"
  done
  for _ in $(seq 1 100); do
    local alive=0
    for pid in "${pids[@]}"; do
      if kill -0 "$pid" 2>/dev/null; then alive=1; fi
    done
    [ "$alive" = 0 ] && return 0
    sleep 0.1
  done
  echo "members still running after 10s: ${pids[*]}" >&2
  return 1
}

status() {
  local i pid ok=0
  for i in 0 1 2; do
    if pid="$(pid_of "$i")"; then
      if serves "$i"; then
        echo "${names[$i]} running (pid $pid), serving on ${client[$i]}: $(health "$i")"
      else
        local h
        h="$(health "$i")"
        echo "${names[$i]} running (pid $pid), not serving on ${client[$i]}: ${h:-no answer (not ready yet)}"
        ok=1
      fi
    else
      echo "${names[$i]} not running"
      ok=1
    fi
  done
  return "$ok"
}

start() {
  local i pid busy=0
  for i in 0 1 2; do
    if pid="$(pid_of "$i")"; then
      echo "${names[$i]} is still running (pid $pid): run '$0 stop' first" >&2
      busy=1
    fi
  done
  [ "$busy" = 0 ] || return 1
  for p in "${client[@]}" "${peer[@]}"; do
    if port_in_use "$p"; then
      echo "port $p is in use by another process: stop it first" >&2
      busy=1
    fi
  done
  [ "$busy" = 0 ] || return 1
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
  local deadline=$((SECONDS + start_timeout))
  while [ "$SECONDS" -lt "$deadline" ]; do
    local all=1
    for i in 0 1 2; do
      if ! pid_of "$i" >/dev/null; then
        echo "${names[$i]} exited at start; its log ($dir/${names[$i]}.log) ends with:" >&2
        tail -n 5 "$dir/${names[$i]}.log" >&2
        stop || true
        return 1
      fi
      { serves "$i" && lists_everyone "$i"; } || all=0
    done
    if [ "$all" = 1 ]; then
      echo "cluster up: every member serves clients and lists every member's client URLs; logs in $dir; kvctl at $bin/kvctl"
      return 0
    fi
    sleep 0.1
  done
  echo "the cluster did not serve clients within ${start_timeout}s; see $dir/*.log" >&2
  status >&2 || true
  stop || true
  return 1
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
