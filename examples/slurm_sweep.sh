#!/usr/bin/env bash
# A regsim sweep as a Slurm job array: each array task runs one shard of the points.
#
#   sbatch --array=0-7 examples/slurm_sweep.sh scenarios/sweeps/gateway_strength.toml [OUT]
#
# regsim must be on PATH on the compute nodes (`cargo install --path .`), or name it:
#   REGSIM=$PWD/target/release/regsim sbatch --array=0-7 examples/slurm_sweep.sh FILE OUT
# Size the tasks to your nodes: the header asks for 4 CPUs per task, and a partition whose
# nodes have fewer leaves every task pending (reason PartitionConfig); override it with
#   sbatch --cpus-per-task=2 --array=0-7 examples/slurm_sweep.sh FILE OUT
# (regsim runs --threads $SLURM_CPUS_PER_TASK).
#
# Every task writes into the same shared folder OUT (default: sweep-out); each finished point is
# one file written atomically, so tasks never clash, and a preempted or requeued task reruns with
# --resume and skips what it already finished. When all tasks are done, join them — either in a
# dependent job:
#
#   jid=$(sbatch --parsable --array=0-7 examples/slurm_sweep.sh FILE OUT)
#   sbatch --dependency=afterok:$jid --wrap "regsim merge OUT --out OUT"
#
# or by hand with `regsim merge OUT --out OUT` (exit code 3 if an [[expect]] failed). The merged
# files are byte for byte those of an unsharded run.
#
# Task i of --array=A-B:S is shard (i - A)/S + 1 of the array's task count; stepped arrays work,
# lists that are not one stepped range are refused. To run one task again, keep its shard:
# `scontrol requeue <jobid>_<i>`, or resubmit the whole array (finished points are skipped), or
#   REGSIM_SHARD=4/8 sbatch --array=3 examples/slurm_sweep.sh FILE OUT
# (REGSIM_SHARD=K/N wins over the Slurm variables). A bare `sbatch --array=3` is a one-task
# array, which would be shard 1/1 and run every shard's points: regsim refuses it (exit 2).
#
#SBATCH --job-name=regsim-sweep
#SBATCH --cpus-per-task=4
#SBATCH --time=01:00:00
#SBATCH --requeue
#SBATCH --output=regsim-sweep-%A_%a.log
set -euo pipefail

sweep="${1:?usage: sbatch --array=0-N $0 SWEEP_FILE [OUT]}"
out="${2:-sweep-out}"
regsim="${REGSIM:-regsim}"   # or REGSIM=./target/release/regsim
if ! command -v "$regsim" >/dev/null; then
  echo "$0: '$regsim' not found on this node's PATH: install regsim (cargo install --path .) or set REGSIM=/path/to/regsim" >&2
  exit 127
fi

# --shard auto reads SLURM_ARRAY_TASK_ID, _COUNT, _MIN, _MAX and _STEP (or REGSIM_SHARD).
exec "$regsim" sweep "$sweep" --shard auto --resume \
  --threads "${SLURM_CPUS_PER_TASK:-1}" --out "$out"
