#!/usr/bin/env bash
# Builds the kvd image FROM scratch from host-built binaries (build-image.sh) and starts it with
# rootful podman: /health must answer, a write through the image's kvctl must read back, and SIGTERM
# must stop kvd cleanly (exit status 0). CI runs it (.ci/run).
#
# Podman options for a machine that is itself a container: the vfs storage driver (no overlay
# mounts), cgroupfs, runc (crun refuses hybrid cgroup v1/v2 hierarchies), the host network (no
# netavark/iptables), and explicit ulimits (the runtime may not raise them to its defaults).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
podman=(podman --storage-driver vfs --cgroup-manager cgroupfs --runtime runc)
image=localhost/raftlab/kvd:image-test
name=kvd-image-test-$$
PODMAN=podman PODMAN_OPTS="${podman[*]:1}" "$here/build-image.sh" "$image"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
client=$(free_port)
peer=$(free_port)
nofile=$(ulimit -Hn)
[ "$nofile" = unlimited ] || [ "$nofile" -gt 65536 ] && nofile=65536
cleanup() { "${podman[@]}" rm -f -v "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
"${podman[@]}" run -d --name "$name" --network host --ulimit "nofile=$nofile:$nofile" --ulimit nproc=4096:4096 "$image" \
	--name image-test --data-dir /var/lib/kvd \
	--listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
	--listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
	--initial-cluster "image-test=http://127.0.0.1:$peer" >/dev/null

health=""
for _ in $(seq 1 150); do
	health=$(curl -fsS "http://127.0.0.1:$client/health" 2>/dev/null || true)
	[ "$health" = '{"health":"true","reason":""}' ] && break
	sleep 0.2
done
if [ "$health" != '{"health":"true","reason":""}' ]; then
	echo "image test: /health never answered healthy (last answer: '$health')" >&2
	"${podman[@]}" logs "$name" 2>&1 | tail -20 >&2
	exit 1
fi
kvctl=("${podman[@]}" exec "$name" /usr/local/bin/kvctl --endpoints "http://127.0.0.1:$client")
"${kvctl[@]}" set /image-test ok >/dev/null
got=$("${kvctl[@]}" get /image-test)
[ "$got" = ok ] || { echo "image test: kvctl get /image-test gave '$got'" >&2; exit 1; }
"${podman[@]}" stop -t 20 "$name" >/dev/null
status=$("${podman[@]}" inspect "$name" --format '{{.State.ExitCode}}')
[ "$status" = 0 ] || { echo "image test: kvd exited with status $status after SIGTERM" >&2; "${podman[@]}" logs "$name" 2>&1 | tail -20 >&2; exit 1; }
size=$("${podman[@]}" image inspect "$image" --format '{{.Size}}')
echo "image test passed: $image ($((size / 1024 / 1024)) MiB, FROM scratch) answered /health, kept a write, stopped with status 0 on SIGTERM"
