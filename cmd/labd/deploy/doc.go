// Package deploy holds what runs labd's seed sweeps beyond one machine, on schedulers people
// already operate: a Slurm job array (slurm/sweep.sh submits one `labd sweep --shard I/N` per array
// task and a merge job that depends on them all) and a Kubernetes Indexed Job (kubernetes/), the
// shard taken from JOB_COMPLETION_INDEX. Its tests run the job array on a real Slurm (started by
// slurm/start-local.sh, as .ci/run does) and check the merged sweep equals the one-machine sweep.
package deploy
