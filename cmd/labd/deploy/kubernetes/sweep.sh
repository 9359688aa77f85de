#!/usr/bin/env bash
# Runs a seed sweep on Kubernetes: an Indexed Job of N shards (pod I runs `labd sweep --shard I/N`,
# I from JOB_COMPLETION_INDEX), then, once they all completed, the merge Job. Results go to the
# shared volume labd-sweep-results (results-pvc.yaml) under RUN/: shard-I/ and merged/.
#
#   IMAGE=REGISTRY/labd:TAG cmd/labd/deploy/kubernetes/sweep.sh SUITE A..B N [RUN]
#
# RUN names the sweep's Jobs and directory (default: the time). PARALLELISM bounds the shards running
# at once (default N); WAIT_SECONDS bounds the wait for each Job (default 86400). With RENDER=1 it prints the
# two Jobs' manifests and applies nothing.
set -euo pipefail

if [ $# -lt 3 ] || [ -z "${IMAGE:-}" ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
suite=$1 seeds=$2 shards=$3 run=${4:-$(date -u +%Y%m%d-%H%M%S)}
case $shards in
  '' | *[!0-9]* | 0) echo "sweep.sh: shards: want a positive number, got '$shards'" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)

# render FILE fills in the @…@ fields of a manifest.
render() {
  sed -e "s|@SUITE@|$suite|g" -e "s|@SEEDS@|$seeds|g" -e "s|@SHARDS@|$shards|g" \
    -e "s|@PARALLELISM@|${PARALLELISM:-$shards}|g" -e "s|@RUN@|$run|g" -e "s|@IMAGE@|$IMAGE|g" "$here/$1"
}
if [ "${RENDER:-}" = 1 ]; then
  render sweep-job.yaml
  echo "---"
  render merge-job.yaml
  exit 0
fi

# wait_job JOB waits until the Job completed (returns 0) or failed (returns 1).
wait_job() {
  local deadline=$((SECONDS + ${WAIT_SECONDS:-86400})) state
  while [ $SECONDS -lt $deadline ]; do
    state=$(kubectl get job "$1" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type} {end}')
    case " $state " in
      *" Complete "*) return 0 ;;
      *" Failed "*) return 1 ;;
    esac
    sleep 10
  done
  echo "sweep.sh: job $1 not done in time" >&2
  return 1
}

kubectl apply -f "$here/results-pvc.yaml"
render sweep-job.yaml | kubectl apply -f -
echo "== shards: job labd-sweep-$run ($shards pods); kubectl get pods -l run=$run"
if ! wait_job "labd-sweep-$run"; then
  echo "sweep.sh: a shard failed: kubectl logs -l run=$run --prefix" >&2
  exit 1
fi
render merge-job.yaml | kubectl apply -f -
echo "== merge: job labd-merge-$run"
verdict=0
wait_job "labd-merge-$run" || verdict=1
kubectl logs "job/labd-merge-$run" --tail=-1 || true
echo "== result on the volume labd-sweep-results: $run/merged/sweep.json and $run/merged/index.html"
exit $verdict
