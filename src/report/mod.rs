//! Writers: one file per format, each taking a finished [`Summary`] (and, for
//! `replications.csv`, the per-replication totals). Every file is written to a temporary name
//! in its folder and renamed into place, so an interrupted run never leaves half a file; no file
//! holds a timestamp, so the same inputs give the same bytes.

pub mod charts;
pub mod csv;
pub mod format;
pub mod headline;
pub mod html;
pub mod index;
pub mod json;
pub mod notes;
pub mod paired;
pub mod sources;
pub mod visuals;

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn atomic_write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    atomic_write_with(path, |f| f.write_all(bytes))
}

/// Writes `path` atomically from what `write` writes (buffered), without holding it in memory.
pub fn atomic_write_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".regsim-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut buffered)
            .and_then(|()| buffered.flush())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    // Temporary files are private (0600); outputs are ordinary files others may read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Formats a number for CSV: shortest text that reads back to the same f64.
pub(crate) fn num(v: f64) -> String {
    if v == 0.0 {
        "0".to_string() // also folds -0
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_files_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        atomic_write(&p, b"first").unwrap();
        atomic_write(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn numbers_round_trip() {
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(0.1).parse::<f64>().unwrap(), 0.1);
        assert_eq!(num(1e21), "1000000000000000000000");
    }
}
