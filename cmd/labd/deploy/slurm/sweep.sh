#!/usr/bin/env bash
# Submits a seed sweep to Slurm: a job array of N shards (one `labd sweep --shard I/N` per task),
# then a merge job that runs once every shard succeeded (--dependency=afterok).
#
#   LABD=/shared/bin/labd cmd/labd/deploy/slurm/sweep.sh SUITE A..B N OUT_DIR [labd sweep flags...]
#
# LABD is the labd binary, at the same path on every node (default: labd on PATH); OUT_DIR must be
# shared by every node. Shard I writes OUT_DIR/shard-I, the merge OUT_DIR/merged (sweep.json and
# index.html, with the failing seeds' reports); logs go to OUT_DIR/logs. Extra sbatch options (a
# partition, an account, a time limit) go in SBATCH_* variables or SWEEP_SBATCH_FLAGS. The last line
# printed is "jobs ARRAY_ID MERGE_ID".
set -euo pipefail

if [ $# -lt 4 ]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
suite=$1 seeds=$2 shards=$3 out=$4
shift 4
case $shards in
  '' | *[!0-9]* | 0) echo "sweep.sh: shards: want a positive number, got '$shards'" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/logs"
out=$(cd "$out" && pwd)
labd=${LABD:-labd}
read -r -a extra <<< "${SWEEP_SBATCH_FLAGS:-}"

# --parsable prints "JOBID" or "JOBID;CLUSTER".
array=$(sbatch --parsable "${extra[@]}" --job-name="labd-sweep" --array="0-$((shards - 1))" \
  --output="$out/logs/shard-%a.log" --chdir="$out" --export="ALL,LABD=$labd" \
  "$here/shard.sbatch" "$suite" "$seeds" "$shards" "$out" "$@")
array=${array%%;*}
merge=$(sbatch --parsable "${extra[@]}" --job-name="labd-merge" --dependency="afterok:$array" \
  --output="$out/logs/merge.log" --chdir="$out" --export="ALL,LABD=$labd" \
  "$here/merge.sbatch" "$shards" "$out")
merge=${merge%%;*}

echo "shards: job array $array (tasks 0-$((shards - 1))), logs $out/logs/shard-I.log"
echo "merge:  job $merge after every shard succeeded, log $out/logs/merge.log"
echo "result: $out/merged/sweep.json and $out/merged/index.html"
echo "jobs $array $merge"
