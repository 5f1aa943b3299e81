//! Library roots: folders of scenarios (the shipped `scenarios/`, a team's shared folder) that a
//! scenario anywhere may `extends`, and a sweep anywhere may name as its `base` or `versus`.
//!
//! A base is looked for next to the file that names it first, then in each library root in
//! order. Confinement stays: a base must lie in the folder of the file given on the command
//! line (or below it) or in a library root (or below it); nothing else is read. Roots come from
//! `--library DIR` (repeatable; set once by the command line with [`set`]), else from the
//! `REGSIM_LIBRARY` environment variable (folders separated as in `PATH`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The environment variable naming library roots when `--library` is not given.
pub const ENV: &str = "REGSIM_LIBRARY";

static FROM_FLAGS: OnceLock<Vec<PathBuf>> = OnceLock::new();

/// Sets the roots given as `--library` (the first call wins; an empty list leaves
/// `REGSIM_LIBRARY` in charge). Fails when one is not a folder.
pub fn set(dirs: Vec<PathBuf>) -> Result<(), String> {
    if dirs.is_empty() {
        return Ok(());
    }
    for d in &dirs {
        if !d.is_dir() {
            return Err(format!(
                "--library {}: not a folder (a library root is a folder of scenarios, e.g. the repository's scenarios/)",
                d.display()
            ));
        }
    }
    let _ = FROM_FLAGS.set(dirs);
    Ok(())
}

/// The library roots in force, canonical, in order: `--library`'s, else `REGSIM_LIBRARY`'s.
pub fn roots() -> Vec<PathBuf> {
    let dirs: Vec<PathBuf> = match FROM_FLAGS.get() {
        Some(d) => d.clone(),
        None => std::env::var_os(ENV)
            .map(|v| std::env::split_paths(&v).collect())
            .unwrap_or_default(),
    };
    dirs.into_iter()
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.canonicalize().unwrap_or(d))
        .collect()
}

/// Where `target`, written in a file in `folder`, is read from: next to it when it is there,
/// else in the first library root that holds it, else (not found) next to it.
pub fn resolve(folder: &Path, target: &str, roots: &[PathBuf]) -> PathBuf {
    let near = folder.join(target);
    if near.is_file() {
        return near;
    }
    roots
        .iter()
        .map(|r| r.join(target))
        .find(|p| p.is_file())
        .unwrap_or(near)
}

/// Whether a canonical path lies in `root` or in a library root (or below one).
pub fn allowed(canonical: &Path, root: &Path, roots: &[PathBuf]) -> bool {
    canonical.starts_with(root) || roots.iter().any(|r| canonical.starts_with(r))
}

/// Where a base was looked for, for a "not found" message.
pub fn looked_in(near: &Path, target: &str, roots: &[PathBuf]) -> String {
    let mut places = vec![near.display().to_string()];
    places.extend(roots.iter().map(|r| r.join(target).display().to_string()));
    let mut text = format!("looked for {}", places.join(", "));
    if roots.is_empty() {
        text.push_str(&format!(
            "; a scenario elsewhere extends a shipped one by naming its folder with `--library DIR` or {ENV}=DIR (e.g. `--library path/to/regsim/scenarios`)"
        ));
    }
    text
}

/// The way out of a refusal for a base at `canonical`, outside every allowed folder.
pub fn way_out(canonical: &Path) -> String {
    let folder = canonical
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    format!(
        "to extend a scenario kept elsewhere, name its folder as a library root: `--library {folder}` (or {ENV}={folder})"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_is_found_next_to_the_file_first_then_in_the_roots_in_order() {
        let d = tempfile::tempdir().unwrap();
        let (mine, lib1, lib2) = (
            d.path().join("mine"),
            d.path().join("l1"),
            d.path().join("l2"),
        );
        for f in [&mine, &lib1, &lib2] {
            std::fs::create_dir(f).unwrap();
        }
        std::fs::write(lib2.join("clover.toml"), "x = 1\n").unwrap();
        let roots = [lib1.clone(), lib2.clone()];
        assert_eq!(
            resolve(&mine, "clover.toml", &roots),
            lib2.join("clover.toml")
        );
        std::fs::write(lib1.join("clover.toml"), "x = 1\n").unwrap();
        assert_eq!(
            resolve(&mine, "clover.toml", &roots),
            lib1.join("clover.toml")
        );
        std::fs::write(mine.join("clover.toml"), "x = 1\n").unwrap();
        assert_eq!(
            resolve(&mine, "clover.toml", &roots),
            mine.join("clover.toml")
        );
        assert_eq!(resolve(&mine, "none.toml", &roots), mine.join("none.toml"));
        assert!(allowed(&lib2.join("base/eu.toml"), &mine, &roots));
        assert!(!allowed(&d.path().join("x.toml"), &mine, &roots));
    }
}
