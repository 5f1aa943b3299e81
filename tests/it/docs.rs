//! The documentation's own claims: every count in the README and in `docs/*.md` is marked
//! `<!-- count:NAME -->N<!-- /count -->` and checked here against what it counts; install comes
//! before the README's first `regsim` command.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// What a count marker counts, now.
fn actual(name: &str) -> usize {
    let corpus = root().join("tests/bad_inputs");
    match name {
        "bad_files" => files_under(&corpus)
            .iter()
            .filter(|p| !p.ends_with("expected.toml"))
            .count(),
        "bad_cases" => {
            let text = std::fs::read_to_string(corpus.join("expected.toml")).unwrap();
            let t: toml::Table = toml::from_str(&text).unwrap();
            t["case"].as_array().unwrap().len()
        }
        other => panic!("unknown count marker `{other}`"),
    }
}

const OPEN: &str = "<!-- count:";
const CLOSE: &str = "<!-- /count -->";

/// `text` with every marked count set to what it counts, and the (name, written) pairs found.
fn recount(text: &str) -> (String, Vec<(String, usize, usize)>) {
    let mut out = String::new();
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(OPEN) {
        let after = &rest[i + OPEN.len()..];
        let name_end = after.find(" -->").expect("a count marker ends with ` -->`");
        let name = &after[..name_end];
        let value_start = name_end + " -->".len();
        let value_len = after[value_start..]
            .find(CLOSE)
            .expect("a count ends with <!-- /count -->");
        let written: usize = after[value_start..value_start + value_len]
            .replace(',', "")
            .parse()
            .unwrap_or(usize::MAX);
        let now = actual(name);
        found.push((name.to_string(), written, now));
        out.push_str(&rest[..i + OPEN.len() + value_start]);
        out.push_str(&now.to_string());
        rest = &after[value_start + value_len..];
    }
    out.push_str(rest);
    (out, found)
}

/// The README and every page in `docs/`, sorted.
fn documents() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = files_under(&root().join("docs"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    out.push(root().join("README.md"));
    out.sort();
    out
}

#[test]
fn every_count_in_the_docs_is_what_it_counts() {
    let mut found = Vec::new();
    for path in documents() {
        let text = std::fs::read_to_string(&path).unwrap();
        let (fixed, counts) = recount(&text);
        if std::env::var_os("REGSIM_BLESS").is_some() && fixed != text {
            std::fs::write(&path, &fixed).unwrap();
        }
        let name = path.strip_prefix(root()).unwrap().display().to_string();
        found.extend(counts.into_iter().map(|c| (name.clone(), c)));
        // Unmarked counts of the corpus, as the README once had, are gone.
        for stale in ["over 40 bad", "30+ kinds", "130 bad"] {
            assert!(!text.contains(stale), "{name} still says `{stale}`");
        }
    }
    assert!(found.len() >= 4, "{found:?}");
    let wrong: Vec<String> = found
        .iter()
        .filter(|(_, (_, w, n))| w != n)
        .map(|(file, (name, w, n))| format!("{file}: {name}: says {w}, there are {n}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} (REGSIM_BLESS=1 cargo test --test it docs rewrites them)",
        wrong.join("; ")
    );
}

#[test]
fn a_wrong_count_is_caught() {
    let (_, found) = recount("a corpus of <!-- count:bad_files -->3<!-- /count --> files");
    assert_eq!(found.len(), 1);
    assert_ne!(found[0].1, found[0].2);
}

#[test]
fn install_comes_before_the_first_regsim_command() {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let install = text
        .find("cargo install --path .")
        .expect("README shows the install");
    let first = text.find("`regsim ").expect("README shows regsim commands");
    assert!(
        install < first,
        "the first `regsim …` command comes before `cargo install --path .`"
    );
}
