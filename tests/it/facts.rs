//! The public-facts table: every `# FACTS: key` a shipped file cites has a row in
//! `docs/facts.csv`, and `docs/facts.md` is the page rendered from it.

use std::path::{Path, PathBuf};

use regsim::report::notes;

/// Files the repository ships to its users: scenarios, docs, the README, examples and the
/// Python package (everything an analyst reads or runs), recursively.
fn shipped_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![root.join("README.md"), root.join("CHANGELOG.md")];
    let mut dirs: Vec<PathBuf> = ["scenarios", "docs", "examples", "python"]
        .iter()
        .map(|d| root.join(d))
        .filter(|d| d.is_dir())
        .collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| {
                ["toml", "md", "py", "sh", "rs", "csv"].contains(&e.to_str().unwrap())
            }) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Every (file:line, key) a file cites, read as the report reads scenario notes.
fn cited(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.display().to_string();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for k in notes::fact_keys(line) {
            out.push((format!("{name}:{}", i + 1), k));
        }
    }
    if path.extension().is_some_and(|e| e == "toml") {
        for n in notes::parse(&name, &text) {
            for k in n.keys {
                out.push((format!("{name}:{}", n.line), k));
            }
        }
    }
    out
}

#[test]
fn every_facts_key_a_shipped_file_cites_has_a_row() {
    let files = shipped_files();
    assert!(files.iter().any(|f| f.ends_with("scenarios/clover.toml")));
    let mut missing = Vec::new();
    let mut count = 0;
    for f in &files {
        // The table itself is not a citation of itself.
        if f.ends_with("docs/facts.csv") || f.ends_with("docs/facts.md") {
            continue;
        }
        for (at, key) in cited(f) {
            count += 1;
            if regsim::facts::get(&key).is_none() {
                missing.push(format!("{at}: {key}"));
            }
        }
    }
    assert!(count > 50, "only {count} citations found");
    assert!(
        missing.is_empty(),
        "facts keys with no row in docs/facts.csv:\n{}",
        missing.join("\n")
    );
}

#[test]
fn a_key_with_no_row_is_found() {
    // The check above would see a scenario citing a key the table lacks.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.toml");
    std::fs::write(
        &p,
        "[site.a]\nonline = \"2024-01-01\"  # FACTS: clover.no_such_row\n",
    )
    .unwrap();
    let keys: Vec<String> = cited(&p).into_iter().map(|(_, k)| k).collect();
    assert!(keys.contains(&"clover.no_such_row".to_string()));
    assert!(regsim::facts::get("clover.no_such_row").is_none());
}

#[test]
fn facts_md_is_rendered_from_facts_csv() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/facts.md");
    let want = regsim::facts::markdown();
    if std::env::var_os("REGSIM_BLESS").is_some() {
        std::fs::write(&page, &want).unwrap();
    }
    let got =
        std::fs::read_to_string(&page).expect("docs/facts.md missing: run with REGSIM_BLESS=1");
    assert!(
        got == want,
        "docs/facts.md is not the rendering of docs/facts.csv: run `REGSIM_BLESS=1 cargo test --test it facts`"
    );
}
