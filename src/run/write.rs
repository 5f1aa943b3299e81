//! Writing a folder whole or not at all: filled under a hidden name and renamed into place when
//! whole ([`write_folder`]); every file in it goes through [`crate::report::atomic_write`].

use std::path::Path;

use anyhow::Context;

#[cfg(test)]
use crate::report::atomic_write;

/// Fills `dir` all at once: `fill` writes into a hidden staging folder beside it, which then
/// replaces `dir`. A failure or interruption leaves `dir` as it was (an older run's complete
/// folder, or none) and removes the staging folder.
pub fn write_folder(
    dir: &Path,
    fill: impl FnOnce(&Path) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    let name = dir
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy());
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.partial-"))
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a folder in {}", parent.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot write in {}", parent.display()))?;
    }
    fill(staging.path()).with_context(|| format!("cannot write {}", dir.display()))?;
    let staging = staging.keep();
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let had_old = dir.exists();
    let swap = || -> std::io::Result<()> {
        if had_old {
            std::fs::rename(dir, &old)?;
        }
        std::fs::rename(&staging, dir)
    };
    if let Err(e) = swap() {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e).with_context(|| format!("cannot replace {}", dir.display()));
    }
    if had_old {
        let removed = if old.is_dir() {
            std::fs::remove_dir_all(&old)
        } else {
            std::fs::remove_file(&old)
        };
        removed.with_context(|| format!("cannot remove the previous {}", old.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_folder_is_replaced_whole_or_not_at_all() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("s");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("old.txt"), "old").unwrap();

        // A failure half-way leaves the old folder as it was and no staging folder.
        let failed = write_folder(&dir, |d| {
            atomic_write(&d.join("a.txt"), b"new")?;
            anyhow::bail!("disk full")
        });
        assert!(format!("{:#}", failed.unwrap_err()).contains("disk full"));
        assert_eq!(names(tmp.path()), ["s"]);
        assert_eq!(names(&dir), ["old.txt"]);

        // Success replaces it: nothing of the old folder remains.
        write_folder(&dir, |d| atomic_write(&d.join("a.txt"), b"new")).unwrap();
        assert_eq!(names(tmp.path()), ["s"]);
        assert_eq!(names(&dir), ["a.txt"]);

        // A plain file in the way is replaced too.
        let file = tmp.path().join("f");
        std::fs::write(&file, "x").unwrap();
        write_folder(&file, |d| atomic_write(&d.join("b.txt"), b"b")).unwrap();
        assert_eq!(names(&file), ["b.txt"]);
        assert_eq!(names(tmp.path()), ["f", "s"]);
    }
}
