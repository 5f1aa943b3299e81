//! Refusing, before anything runs, work this machine cannot finish: scenarios estimated to need
//! too many events per replication (`--max-events`), more memory than the machine can give
//! (`--max-memory`) or more disk than the output folder has (`--max-output`). A refusal is a
//! [`Diagnostic`] (exit 2) with the estimate and the flag that would allow it.
//!
//! What a run holds grows with the replication count only by its rows of totals and inputs
//! while they are few; beyond 16 MB a table keeps one block in memory and the rest in
//! a temporary file ([`crate::metrics::table`]), and reading it back holds a few columns (8
//! bytes a replication each). The rest is a fixed cost per scenario, most of it the streaming
//! quantiles' exact phase (up to [`EXACT`] values per monthly series). The estimates below count
//! those and a fixed allowance for the program and its charts; they are estimates, so the
//! defaults leave a quarter of the machine's memory unclaimed. The temporary files count as
//! output: they are on disk until the run ends.

use std::path::Path;

use crate::engine::estimate_events;
use crate::error::Diagnostic;
use crate::metrics::quantiles::EXACT;
use crate::metrics::table::{Table, BLOCK_ROWS};
use crate::metrics::{Kind, Layout};
use crate::model::World;

/// Default of `--max-events`: events one replication may be estimated to handle.
pub const DEFAULT_MAX_EVENTS: f64 = 1e7;

/// The program, its threads and a scenario's charts, beyond what [`memory`] counts.
const BASE_MEMORY: u64 = 64 << 20;

/// Share of the machine's available memory a run may be estimated to use by default.
const MEMORY_SHARE: f64 = 0.75;

/// What a run may use; `None`: what the machine can give.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub events: f64,
    pub memory: Option<u64>,
    pub output: Option<u64>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            events: DEFAULT_MAX_EVENTS,
            memory: None,
            output: None,
        }
    }
}

/// A located refusal when `world` is estimated to need more than `max_events` events per
/// replication (see [`estimate_events`]).
pub fn check_events(world: &World, file: &Path, max_events: f64) -> Option<Diagnostic> {
    let estimate = estimate_events(world);
    (estimate > max_events).then(|| Diagnostic {
        file: file.to_path_buf(),
        location: None,
        message: format!(
            "about {estimate:.2e} events per replication, above the limit of {max_events:.2e}; \
             check headcounts and session rates (of gated groups above all), misuse watched by \
             monitors and heavy-tailed records of restricted staff, or raise the limit with \
             --max-events {:.0e}",
            (estimate * 1.5).max(max_events)
        ),
    })
}

/// Columns read back at once, at most: `branches.csv`'s five headline metrics, an input, and
/// the replications an outcome picks.
const COLUMNS_READ: u64 = 7;

/// Bytes of `replications` rows of `width` columns held in memory, and on disk (see
/// [`Table::new`]).
pub fn table_bytes(width: usize, replications: u64) -> (u64, u64) {
    let all = 8 * width as u64 * replications;
    if Table::would_spill(width, replications) {
        (8 * (width * BLOCK_ROWS) as u64, all)
    } else {
        (all, 0)
    }
}

/// Bytes of one scenario's rows (totals and inputs) held in memory and on disk until the
/// scenario is written.
fn rows(layout: &Layout, replications: u64) -> (u64, u64) {
    let (t, i) = (
        table_bytes(layout.len(), replications),
        table_bytes(layout.inputs.names.len(), replications),
    );
    (t.0 + i.0, t.1 + i.1)
}

/// Estimated peak memory of gathering `replications` replications of `layout`: the rows held
/// in memory, the columns read back from them, the streaming estimators (monthly, annual and
/// running-cost series) and a batch in flight.
pub fn memory(layout: &Layout, replications: u64) -> u64 {
    let months = layout.months as u64;
    let mut years = layout.years.clone();
    years.dedup();
    let series = layout
        .kinds
        .iter()
        .map(|k| match k {
            Kind::PerReplication => 0,
            Kind::Sum => months + years.len() as u64,
            _ => months,
        })
        .sum::<u64>()
        + months;
    let estimators = series * (8 * replications.min(EXACT as u64) + 160);
    let per_rep = 8 * (layout.len() as u64) * (months + 1);
    let batch = (crate::replicate::BATCH_BYTES as u64).min(per_rep * replications);
    let read = COLUMNS_READ * 8 * replications;
    rows(layout, replications).0 + read + estimators + batch + BASE_MEMORY
}

/// Estimated bytes of a scenario's output folder and temporary rows: `replications.csv` and
/// `inputs.csv` grow with the replications (about 20 bytes a number), and so do the rows a large
/// run keeps on disk (8 bytes a number); the rest does not.
pub fn output(layout: &Layout, replications: u64) -> u64 {
    let fields = (layout.len() + layout.inputs.names.len() + 2) as u64;
    replications * 20 * fields
        + rows(layout, replications).1
        + 80 * (layout.months * layout.len()) as u64
        + (8 << 20)
}

/// Bytes of memory this process can still claim, and what bounds it: the least of the
/// system's available memory, its control group's remaining limit and its address-space
/// limit (`ulimit -v`) less what it already maps. `None` where none of these can be read.
pub fn machine_memory() -> Option<(u64, &'static str)> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let field = |text: &str, key: &str| -> Option<u64> {
        let line = text.lines().find(|l| l.starts_with(key))?;
        let kb: u64 = line[key.len()..].split_whitespace().next()?.parse().ok()?;
        Some(kb * 1024)
    };
    let mut bounds: Vec<(u64, &'static str)> = Vec::new();
    if let Some(m) = read("/proc/meminfo").and_then(|t| field(&t, "MemAvailable:")) {
        bounds.push((m, "the system's available memory"));
    }
    let cgroup = |f: &str| -> Option<u64> { read(f)?.trim().parse().ok() };
    if let (Some(max), Some(cur)) = (
        cgroup("/sys/fs/cgroup/memory.max"),
        cgroup("/sys/fs/cgroup/memory.current"),
    ) {
        bounds.push((max.saturating_sub(cur), "the control group's memory limit"));
    }
    let address_space = read("/proc/self/limits").and_then(|t| {
        let line = t.lines().find(|l| l.starts_with("Max address space"))?;
        line.split_whitespace().nth(3)?.parse::<u64>().ok()
    });
    if let Some(limit) = address_space {
        let mapped = read("/proc/self/status")
            .and_then(|t| field(&t, "VmSize:"))
            .unwrap_or(0);
        bounds.push((
            limit.saturating_sub(mapped),
            "the address-space limit (ulimit -v)",
        ));
    }
    bounds.into_iter().min_by_key(|b| b.0)
}

/// Bytes free for an unprivileged user on the file system that holds `path` (or its nearest
/// existing ancestor).
pub fn free_disk(path: &Path) -> Option<u64> {
    disk_available(nearest_existing(path))
}

/// `path`, or its nearest parent that exists (`.` for a relative path none of whose parents
/// do): where the free space of an output folder not yet made is measured, and where a large
/// run's rows are kept on disk meanwhile, so that the check covers them.
pub fn nearest_existing(path: &Path) -> &Path {
    let mut at = path;
    while !at.exists() {
        at = match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => return Path::new("."),
        };
    }
    at
}

#[cfg(unix)]
fn disk_available(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut s = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a valid NUL-terminated path and `s` is written by statvfs on success.
    let rc = unsafe { libc::statvfs(c.as_ptr(), s.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled `s`.
    let s = unsafe { s.assume_init() };
    // The field types differ between platforms (u32 on some).
    #[allow(clippy::unnecessary_cast)]
    Some((s.f_bavail as u64).saturating_mul(s.f_frsize as u64))
}

#[cfg(not(unix))]
fn disk_available(_: &Path) -> Option<u64> {
    None
}

/// What one scenario (or sweep point) of a run is estimated to need.
pub struct Need<'a> {
    pub file: &'a Path,
    pub memory: u64,
    pub output: u64,
}

/// Refusals when the run's estimated peak memory (the largest of `needs`, since scenarios run
/// one after another, plus `kept`: rows held across them) or its total output exceed `limits`
/// or, without a limit given, what the machine can give. One diagnostic per resource, on the
/// file that needs most.
pub fn check(needs: &[Need], kept: u64, out: &Path, limits: &Limits) -> Vec<Diagnostic> {
    let mut refusals = Vec::new();
    let Some(biggest) = needs.iter().max_by_key(|n| n.memory) else {
        return refusals;
    };
    let memory = biggest.memory + kept;
    let allowed = match limits.memory {
        Some(m) => Some((m, "the limit of --max-memory".to_string())),
        None => machine_memory().map(|(m, what)| {
            let share = (m as f64 * MEMORY_SHARE) as u64;
            (share, format!("three quarters of {what} ({})", size(m)))
        }),
    };
    if let Some((allowed, what)) = allowed.filter(|(a, _)| memory > *a) {
        refusals.push(Diagnostic {
            file: biggest.file.to_path_buf(),
            location: None,
            message: format!(
                "this run is estimated to need about {} of memory (replications' totals and \
                 inputs, and the monthly series' estimators), above {what}: {}; run fewer \
                 replications, or allow it with --max-memory {}",
                size(memory),
                size(allowed),
                size_flag(memory)
            ),
        });
    }
    let written: u64 = needs.iter().map(|n| n.output).sum();
    let allowed = match limits.output {
        Some(m) => Some((m, "the limit of --max-output".to_string())),
        None => free_disk(out).map(|f| (f, format!("the free space at {}", out.display()))),
    };
    if let Some((allowed, what)) = allowed.filter(|(a, _)| written > *a) {
        let file = needs
            .iter()
            .max_by_key(|n| n.output)
            .unwrap_or(biggest)
            .file;
        refusals.push(Diagnostic {
            file: file.to_path_buf(),
            location: None,
            message: format!(
                "this run is estimated to write about {} (replications.csv and inputs.csv, and \
                 a large run's rows on disk, grow with the replications), above {what}: {}; run \
                 fewer replications, write \
                 elsewhere with --out, or allow it with --max-output {}",
                size(written),
                size(allowed),
                size_flag(written)
            ),
        });
    }
    refusals
}

const UNITS: [(&str, u64); 4] = [
    ("T", 1 << 40),
    ("G", 1 << 30),
    ("M", 1 << 20),
    ("K", 1 << 10),
];

/// A size for people: "1.2 GB", "340 MB", "512 bytes".
pub fn size(bytes: u64) -> String {
    match UNITS.iter().find(|(_, u)| bytes >= *u) {
        Some((name, u)) => {
            let v = bytes as f64 / *u as f64;
            if v < 10.0 {
                format!("{v:.1} {name}B")
            } else {
                format!("{v:.0} {name}B")
            }
        }
        None => format!("{bytes} bytes"),
    }
}

/// A flag value a little above `bytes`, rounded up to whole units ("3G", "700M").
fn size_flag(bytes: u64) -> String {
    let want = bytes + bytes / 4;
    let (name, u) = UNITS
        .iter()
        .find(|(_, u)| want >= *u)
        .copied()
        .unwrap_or(("K", 1 << 10));
    format!("{}{name}", want.div_ceil(u))
}

/// Parses a size: bytes, or a number with K, M, G or T (binary multiples; an optional B or iB).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let upper = t.to_ascii_uppercase();
    let digits = upper.trim_end_matches("IB").trim_end_matches('B');
    let (num, unit) = match UNITS
        .iter()
        .find(|(name, _)| digits.ends_with(name))
        .map(|(_, u)| (&digits[..digits.len() - 1], *u))
    {
        Some((n, u)) => (n.trim(), u),
        None => (digits, 1),
    };
    match num.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v * (unit as f64) < 1.8e19 => {
            Ok((v * unit as f64).ceil() as u64)
        }
        _ => Err(format!(
            "expected a size like 500M, 2G or 1.5T (bytes without a unit), got `{s}`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output folder not yet made is measured, and holds a large run's rows meanwhile, at
    /// its nearest parent that exists.
    #[test]
    fn a_folder_not_yet_made_is_measured_at_its_nearest_existing_parent() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(nearest_existing(d.path()), d.path());
        assert_eq!(nearest_existing(&d.path().join("a/b/c")), d.path());
        let relative = Path::new("no-such-folder-made-by-regsim/out");
        assert_eq!(nearest_existing(relative), Path::new("."));
        assert!(free_disk(&d.path().join("a")).is_some());
    }

    #[test]
    fn sizes_read_and_print_in_binary_units() {
        assert_eq!(parse_size("500M"), Ok(500 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size(" 10KB "), Ok(10 << 10));
        for bad in ["", "G", "-1G", "0", "1e30T", "lots", "nanM"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert_eq!(size(512), "512 bytes");
        assert_eq!(size(3 << 29), "1.5 GB");
        assert_eq!(size(340 << 20), "340 MB");
        // The suggested flag allows the estimate with room to spare.
        for b in [1u64 << 20, 3 << 29, 123_456_789_012] {
            assert!(parse_size(&size_flag(b)).unwrap() > b, "{b}");
        }
    }

    #[test]
    fn a_limit_given_refuses_on_memory_and_output_and_names_the_flags() {
        let file = Path::new("s.toml");
        let needs = [Need {
            file,
            memory: 3 << 30,
            output: 5 << 30,
        }];
        let limits = Limits {
            memory: Some(1 << 30),
            output: Some(1 << 30),
            ..Limits::default()
        };
        let d = check(&needs, 0, Path::new("."), &limits);
        assert_eq!(d.len(), 2);
        assert!(
            d[0].message.contains("3.0 GB of memory") && d[0].message.contains("--max-memory 4G")
        );
        assert!(d[1].message.contains("5.0 GB") && d[1].message.contains("--max-output 7G"));
        let roomy = Limits {
            memory: Some(4 << 30),
            output: Some(8 << 30),
            ..limits
        };
        assert!(check(&needs, 0, Path::new("."), &roomy).is_empty());
        // Rows kept across scenarios add to the largest.
        assert_eq!(check(&needs, 2 << 30, Path::new("."), &roomy).len(), 1);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn this_machine_reports_its_memory_and_disk() {
        let (m, _) = machine_memory().expect("readable on Linux");
        assert!(m > 1 << 20);
        assert!(free_disk(Path::new("no/such/folder/below/here")).is_some());
    }
}
