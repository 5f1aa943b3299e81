#!/usr/bin/env bash
# A regsim sweep as a Slurm job array: each array task runs one shard of the points.
#
#   sbatch --array=0-7 examples/slurm_sweep.sh scenarios/sweeps/gateway_strength.toml [OUT]
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
#SBATCH --job-name=regsim-sweep
#SBATCH --cpus-per-task=4
#SBATCH --time=01:00:00
#SBATCH --requeue
#SBATCH --output=regsim-sweep-%A_%a.log
set -euo pipefail

sweep="${1:?usage: sbatch --array=0-N $0 SWEEP_FILE [OUT]}"
out="${2:-sweep-out}"
regsim="${REGSIM:-regsim}"   # or ./target/release/regsim

# --shard auto reads SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT and SLURM_ARRAY_TASK_MIN.
exec "$regsim" sweep "$sweep" --shard auto --resume \
  --threads "${SLURM_CPUS_PER_TASK:-1}" --out "$out"
