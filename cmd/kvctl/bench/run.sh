#!/usr/bin/env bash
# run.sh — the performance table of issue 8, reproducible on any machine.
#
# Builds kvd and kvctl, starts a 3-node kvd cluster on 127.0.0.1 (temporary data dirs, free
# ports, etcd's default timing: --heartbeat-interval 100 --election-timeout 1000, fsync on), runs
# `kvctl bench` for each row of the table (256-byte values over 10,000 keys, clients spread over
# all three nodes, keep-alive connections) and prints the table, then stops the cluster.
#
# Usage: cmd/kvctl/bench/run.sh            (from anywhere inside the repository)
# Environment:
#   DURATION=15s   length of one run of one row
#   RUNS=1         runs per row; the table shows the median of each column (the issue's
#                  reference figures are medians of five)
#   ROWS="put1 put64 put256 qget64 get64"   which rows, in this order
#   PPROF=1        build kvd with a /debug/pprof listener (see kvd_pprof.go.in) and take a CPU
#                  profile of every node during the row PROFILE_ROW (default put64)
#   OUT=dir        where logs, JSON reports and profiles go (default: a temporary directory,
#                  removed at the end unless KEEP=1 or PPROF=1)
#   PORTS=LOW-HIGH the 127.0.0.1 ports the members may listen on (default 20000-32767, below Linux's
#                  ephemeral range, where outgoing connections take theirs; at least 9
#                  ports: a peer, a client and a profiling port per member), e.g. to stay inside a
#                  range a firewall opens or away from another test's
set -euo pipefail

DURATION=${DURATION:-15s}
RUNS=${RUNS:-1}
ROWS=${ROWS:-put1 put64 put256 qget64 get64}
PPROF=${PPROF:-0}
PROFILE_ROW=${PROFILE_ROW:-put64}
KEEP=${KEEP:-0}
PORTS=${PORTS:-20000-32767}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/raftlab-bench.XXXXXX")
out=${OUT:-$work/out}
mkdir -p "$out"
pids=()     # the kvd nodes
helpers=()  # profile downloads
child=""    # the command run_fg waits for

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	for pid in $child "${helpers[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		# Give each node 10 s to shut down cleanly, then kill it.
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [[ $KEEP == 1 || $PPROF == 1 || -n ${OUT:-} ]]; then
		echo "logs, reports and profiles kept in $out" >&2
		[[ -n ${OUT:-} ]] && rm -rf "$work"
	else
		rm -rf "$work"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM

# run_fg runs a command in the background and waits for it: bash runs a signal trap only once
# a foreground command ends, but interrupts a wait at once.
run_fg() {
	"$@" &
	child=$!
	local status=0
	wait "$child" || status=$?
	child=""
	return "$status"
}

die() {
	echo "run.sh: $*" >&2
	exit 1
}

[[ $PORTS =~ ^([0-9]+)-([0-9]+)$ ]] || die "PORTS=$PORTS: want LOW-HIGH, e.g. PORTS=40000-40099"
port_low=$((10#${BASH_REMATCH[1]}))
port_high=$((10#${BASH_REMATCH[2]}))
((port_low >= 1024 && port_high <= 65535)) || die "PORTS=$PORTS: want ports from 1024 to 65535"
((port_high - port_low + 1 >= 9)) || die "PORTS=$PORTS: want at least 9 ports (3 members x peer, client, profiling)"

# free_port sets port to a TCP port of PORTS nobody listens on and that this script has not handed
# out. It runs in this shell, not in a $(...) subshell, so that taken keeps what it handed out and
# die stops the script.
taken=" "
free_port() {
	for _ in $(seq 400); do
		port=$((port_low + (RANDOM * 32768 + RANDOM) % (port_high - port_low + 1)))
		[[ $taken == *" $port "* ]] && continue
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			taken+="$port "
			return
		fi
	done
	die "no free port found in PORTS=$PORTS"
}

echo "building kvd and kvctl in $work" >&2
build_flags=()
if [[ $PPROF == 1 ]]; then
	printf '{"Replace":{"%s":"%s"}}\n' "$repo/cmd/kvd/zz_bench_pprof.go" "$here/kvd_pprof.go.in" >"$work/overlay.json"
	build_flags+=(-overlay "$work/overlay.json")
fi
cd "$repo"
run_fg go build "${build_flags[@]}" -o "$work/kvd" ./cmd/kvd || die "building kvd failed"
run_fg go build -o "$work/kvctl" ./cmd/kvctl || die "building kvctl failed"

names=(n1 n2 n3)
declare -A peer client pprof_port
cluster=""
for n in "${names[@]}"; do
	free_port && peer[$n]=$port
	free_port && client[$n]=$port
	free_port && pprof_port[$n]=$port
	cluster+="${cluster:+,}$n=http://127.0.0.1:${peer[$n]}"
done
endpoints=""
for n in "${names[@]}"; do
	endpoints+="${endpoints:+,}http://127.0.0.1:${client[$n]}"
done

for n in "${names[@]}"; do
	env_pprof=()
	[[ $PPROF == 1 ]] && env_pprof=(KVD_PPROF_ADDR="127.0.0.1:${pprof_port[$n]}")
	env "${env_pprof[@]}" "$work/kvd" --name "$n" --data-dir "$work/$n.data" \
		--listen-peer-urls "http://127.0.0.1:${peer[$n]}" --initial-advertise-peer-urls "http://127.0.0.1:${peer[$n]}" \
		--listen-client-urls "http://127.0.0.1:${client[$n]}" --advertise-client-urls "http://127.0.0.1:${client[$n]}" \
		--initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token raftlab-bench \
		--heartbeat-interval 100 --election-timeout 1000 --log-level warn --log-format text \
		>"$out/$n.log" 2>&1 &
	pids+=($!)
done

echo "waiting for the cluster at $endpoints" >&2
healthy=0
for _ in $(seq 150); do
	if "$work/kvctl" --endpoints "$endpoints" cluster-health 2>/dev/null | grep -q "^cluster is healthy"; then
		healthy=1
		break
	fi
	for pid in "${pids[@]}"; do
		kill -0 "$pid" 2>/dev/null || die "a kvd process exited; see $out/*.log: $(tail -n 5 "$out"/*.log)"
	done
	sleep 0.2
done
[[ $healthy == 1 ]] || die "the cluster did not become healthy in 30 s; see $out/*.log"
"$work/kvctl" --no-sync --endpoints "$endpoints" member list >"$out/members.txt" 2>&1 || true

# row_args prints the bench arguments of a row; row_label its table label.
row_args() {
	case $1 in
	put1) echo "put --clients 1" ;;
	put64) echo "put --clients 64" ;;
	put256) echo "put --clients 256" ;;
	qget64) echo "qget --clients 64" ;;
	get64) echo "get --clients 64" ;;
	*) die "unknown row $1 (want put1 put64 put256 qget64 get64)" ;;
	esac
}
row_label() {
	case $1 in
	put1) echo "PUT, 1 client" ;;
	put64) echo "PUT, 64 clients" ;;
	put256) echo "PUT, 256 clients" ;;
	qget64) echo "quorum GET, 64 clients" ;;
	get64) echo "local GET, 64 clients" ;;
	esac
}

# field extracts a number or a quoted number from a one-line JSON report.
field() {
	sed -n "s/.*\"$1\":\"\{0,1\}\([0-9.eE+-]*\).*/\1/p" "$2"
}

# median prints the middle of the numbers on stdin.
median() {
	sort -g | awk '{v[NR]=$1} END {if (NR==0) print "-"; else print v[int((NR+1)/2)]}'
}

seconds=${DURATION%s}
prefilled=0
printf '\n| load (3 nodes) | throughput | p50 | p99 | errors |\n|---|---|---|---|---|\n'
for row in $ROWS; do
	args=$(row_args "$row")
	extra=""
	if [[ $row == *get* && $prefilled == 0 ]]; then
		extra="--prefill" # every key exists before the first read row
		prefilled=1
	fi
	for run in $(seq "$RUNS"); do
		report="$out/$row.$run.json"
		helpers=()
		if [[ $PPROF == 1 && $row == "$PROFILE_ROW" && $run == 1 ]]; then
			for n in "${names[@]}"; do
				curl -s -o "$out/$n.$row.cpu.pprof" \
					"http://127.0.0.1:${pprof_port[$n]}/debug/pprof/profile?seconds=${seconds%.*}" &
				helpers+=($!)
			done
		fi
		# shellcheck disable=SC2086 # args and extra are word lists
		if ! run_fg "$work/kvctl" --no-sync --endpoints "$endpoints" -o json bench $args $extra \
			--val-size 256 --key-space 10000 --duration "$DURATION" >"$report" 2>"$out/$row.$run.progress"; then
			echo "run.sh: $row run $run had errors (see $report)" >&2
		fi
		extra=""
		for p in "${helpers[@]}"; do
			wait "$p" || echo "run.sh: a profile download failed" >&2
		done
		helpers=()
	done
	tput=$(for f in "$out/$row".*.json; do field opsPerSecond "$f"; done | median)
	p50=$(for f in "$out/$row".*.json; do field p50 "$f"; done | median)
	p99=$(for f in "$out/$row".*.json; do field p99 "$f"; done | median)
	errs=$(for f in "$out/$row".*.json; do field errors "$f"; done | median)
	printf '| %s | %.0f ops/s | %s ms | %s ms | %s |\n' "$(row_label "$row")" "${tput:-0}" "${p50:--}" "${p99:--}" "${errs:--}"
done
echo
echo "(kvctl bench, ${DURATION} per run, median of $RUNS run(s); 256-byte values, 10,000 keys, 3 nodes on 127.0.0.1)"
if [[ $PPROF == 1 ]]; then
	echo "CPU profiles ($(grep -o '^[^:]*: name=[^ ]* .*isLeader=true' "$out/members.txt" | sed 's/.*name=\([^ ]*\).*/\1/') is the leader):"
	echo "  go tool pprof -top $out/{n1,n2,n3}.$PROFILE_ROW.cpu.pprof"
fi
