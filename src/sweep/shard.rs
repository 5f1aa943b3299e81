//! Shards: shard K of N (1-based) runs the points whose index p has p mod N = K − 1, so shards
//! interleave cheap and expensive corners of a design and every point belongs to exactly one.
//!
//! `--shard auto` reads the index from the environment, in this order:
//!
//! | variables | scheduler |
//! |---|---|
//! | `REGSIM_SHARD` = `K/N` | any (e.g. a CI matrix: `REGSIM_SHARD: ${{ matrix.shard }}/4`) |
//! | `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT` (and `SLURM_ARRAY_TASK_MIN`, default 0, `_MAX`, `_STEP`, default 1) | a Slurm job array (`--array=0-3`, `1-4` or stepped, `0-14:2`) |
//! | `JOB_COMPLETION_INDEX` (0-based) and `REGSIM_SHARD_COUNT` | a Kubernetes indexed job |
//!
//! A Slurm task is shard (id − min) / step + 1 of `SLURM_ARRAY_TASK_COUNT`. An array that is
//! not one evenly stepped range (`--array=1,4,6`, or `0-14:2%4` is fine but `0-3,8` is not) is
//! refused, and so is a one-task array with an index above 0 — what `sbatch --array=K` makes
//! of one resubmitted task, which would otherwise be shard 1/1 and run every shard's points.

use std::fmt;

/// Shard `k` of `n`, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl Shard {
    /// The whole sweep.
    pub const ALL: Shard = Shard { k: 1, n: 1 };

    /// Parses `K/N` with 1 <= K <= N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard `{s}`: expected K/N with 1 <= K <= N (e.g. 2/4), or `auto`");
        let (k, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    /// The shard named by the environment (see the module docs); `var` reads a variable.
    pub fn auto(var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let num = |name: &str| -> Result<Option<usize>, String> {
            match var(name) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("--shard auto: {name}=`{v}` is not a whole number")),
            }
        };
        if let Some(s) = var("REGSIM_SHARD") {
            return Shard::parse(&s).map_err(|e| format!("REGSIM_SHARD: {e}"));
        }
        if let (Some(id), Some(count)) =
            (num("SLURM_ARRAY_TASK_ID")?, num("SLURM_ARRAY_TASK_COUNT")?)
        {
            return slurm(
                id,
                count,
                num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0),
                num("SLURM_ARRAY_TASK_MAX")?,
                num("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1),
            );
        }
        if let Some(index) = num("JOB_COMPLETION_INDEX")? {
            let count = num("REGSIM_SHARD_COUNT")?.ok_or(
                "--shard auto: JOB_COMPLETION_INDEX is set but REGSIM_SHARD_COUNT (the job's completions) is not",
            )?;
            return Shard::parse(&format!("{}/{count}", index + 1))
                .map_err(|e| format!("from JOB_COMPLETION_INDEX: {e}"));
        }
        Err("--shard auto: set REGSIM_SHARD=K/N, run in a Slurm array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT), or in a Kubernetes indexed job (JOB_COMPLETION_INDEX with REGSIM_SHARD_COUNT)".into())
    }

    /// Whether point `p` (0-based) belongs to this shard.
    pub fn owns(&self, p: usize) -> bool {
        p % self.n == self.k - 1
    }
}

/// The shard of Slurm array task `id` of `count` tasks `min`, `min + step`, ... `max`.
fn slurm(
    id: usize,
    count: usize,
    min: usize,
    max: Option<usize>,
    step: usize,
) -> Result<Shard, String> {
    let keep = "to run one shard of an N-task array again, `scontrol requeue` its task, resubmit the whole array with --resume (finished points are skipped), or set REGSIM_SHARD=K/N";
    let offset = id
        .checked_sub(min)
        .ok_or("--shard auto: SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN")?;
    let span = max.map(|m| m.saturating_sub(min) / step + 1);
    if offset % step != 0 || span.is_some_and(|s| s != count) {
        return Err(format!(
            "--shard auto: the Slurm array is not one evenly stepped range (task {id}, indices {min}-{}:{step}, {count} tasks), so its tasks do not number the shards 1..{count}; submit --array=A-B or --array=A-B:S, or set REGSIM_SHARD=K/N in each task",
            max.map_or("?".into(), |m| m.to_string())
        ));
    }
    if count == 1 && id > 0 {
        return Err(format!(
            "--shard auto: a one-task Slurm array (index {id}) would be shard 1/1 and run every point, those of the other shards too; {keep}. For a whole unsharded sweep, submit --array=0 or run without --shard"
        ));
    }
    Shard::parse(&format!("{}/{count}", offset / step + 1))
        .map_err(|e| format!("from SLURM_ARRAY_TASK_*: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn shards_partition_the_points() {
        for n in 1..8 {
            for p in 0..50 {
                let owners = (1..=n).filter(|&k| Shard { k, n }.owns(p)).count();
                assert_eq!(owners, 1);
            }
        }
        assert!(Shard::parse("0/3").is_err());
        assert!(Shard::parse("4/3").is_err());
        assert_eq!(Shard::parse(" 2/3").unwrap(), Shard { k: 2, n: 3 });
    }

    #[test]
    fn auto_reads_slurm_kubernetes_and_ci() {
        let s = Shard::auto(env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
        ]));
        assert_eq!(s.unwrap(), Shard { k: 3, n: 4 });
        let s = Shard::auto(env(&[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]));
        assert_eq!(s.unwrap(), Shard { k: 1, n: 4 });
        let s = Shard::auto(env(&[
            ("JOB_COMPLETION_INDEX", "6"),
            ("REGSIM_SHARD_COUNT", "7"),
        ]));
        assert_eq!(s.unwrap(), Shard { k: 7, n: 7 });
        assert!(Shard::auto(env(&[("JOB_COMPLETION_INDEX", "1")])).is_err());
        let s = Shard::auto(env(&[("REGSIM_SHARD", "2/5")]));
        assert_eq!(s.unwrap(), Shard { k: 2, n: 5 });
        assert!(Shard::auto(env(&[])).is_err());
    }

    #[test]
    fn stepped_slurm_arrays_number_their_tasks_and_others_are_refused() {
        let task = |id: &str, count: &str, min: &str, max: &str, step: &str| {
            Shard::auto(env(&[
                ("SLURM_ARRAY_TASK_ID", id),
                ("SLURM_ARRAY_TASK_COUNT", count),
                ("SLURM_ARRAY_TASK_MIN", min),
                ("SLURM_ARRAY_TASK_MAX", max),
                ("SLURM_ARRAY_TASK_STEP", step),
            ]))
        };
        // --array=0-14:2: tasks 0, 2, ..., 14 are shards 1..8 of 8.
        assert_eq!(
            task("0", "8", "0", "14", "2").unwrap(),
            Shard { k: 1, n: 8 }
        );
        assert_eq!(
            task("6", "8", "0", "14", "2").unwrap(),
            Shard { k: 4, n: 8 }
        );
        assert_eq!(
            task("14", "8", "0", "14", "2").unwrap(),
            Shard { k: 8, n: 8 }
        );
        // --array=0-3,8: not one stepped range.
        let e = task("8", "5", "0", "8", "1").unwrap_err();
        assert!(e.contains("not one evenly stepped range"), "{e}");
        // sbatch --array=5 to rerun one task: would be 1/1.
        let e = task("5", "1", "5", "5", "1").unwrap_err();
        assert!(
            e.contains("shard 1/1") && e.contains("REGSIM_SHARD=K/N"),
            "{e}"
        );
        assert_eq!(task("0", "1", "0", "0", "1").unwrap(), Shard::ALL);
    }
}
