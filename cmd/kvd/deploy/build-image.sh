#!/usr/bin/env bash
# Builds static kvd and kvctl on this host and an image FROM scratch that holds them: no registry is
# needed (Dockerfile.prebuilt). With a registry at hand, Dockerfile builds them in a Go image instead.
#
#   cmd/kvd/deploy/build-image.sh [image]            default image: localhost/raftlab/kvd:dev
#
# PODMAN names the tool (default podman; docker works too); PODMAN_OPTS are its global options, for
# example "--storage-driver vfs --cgroup-manager cgroupfs" inside a container.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
image=${1:-localhost/raftlab/kvd:dev}
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/bin" "$ctx/data"
cd "$root"
for cmd in kvd kvctl; do
	CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$ctx/bin/$cmd" "./cmd/$cmd"
done
cp cmd/kvd/deploy/Dockerfile.prebuilt "$ctx/Dockerfile"
# shellcheck disable=SC2086 # PODMAN_OPTS is a list of options
${PODMAN:-podman} ${PODMAN_OPTS:-} build -t "$image" "$ctx"
