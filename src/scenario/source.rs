//! Scenario files on disk: reading, `extends` chains, merging, and finding where a field was
//! written so that every problem can be reported as `file:line:col`.
//!
//! A scenario file may name a base with `extends = "base.toml"` (relative to itself). Every base
//! must lie, after following symlinks, in the folder of the file given on the command line or
//! below it: `extends` cannot reach `../elsewhere.toml` or an absolute path. The chain is read
//! child first; tables merge key by key with the child winning, any other value is
//! replaced whole. Each file is also kept as a span-preserving `toml_edit` document: a field path
//! such as `staff.cn_engineering.headcount` is located in the most derived file that writes it.

use std::path::{Path, PathBuf};

use toml_edit::{ImDocument, Item, Value};

pub use super::field_path::{FieldPath, Seg};
use super::{library, syntax};
use crate::error::Diagnostic;

/// 1-based line and column.
type LineCol = (usize, usize);

/// One file of an `extends` chain.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    canonical: PathBuf,
    pub text: String,
    doc: ImDocument<String>,
    /// The file parsed as plain TOML values (`extends` removed when it was followed).
    pub table: toml::Table,
}

/// A scenario file and its bases, child first.
#[derive(Debug, Clone)]
pub struct Sources {
    pub files: Vec<SourceFile>,
}

impl Sources {
    /// Reads `path` and every file it extends. Fails with located diagnostics on unreadable
    /// files, TOML syntax errors, a missing base or a cycle.
    /// Bases may also come from the library roots in force ([`library::roots`]).
    pub fn load(path: &Path) -> Result<Sources, Vec<Diagnostic>> {
        Self::load_in(path, &library::roots())
    }

    /// [`Sources::load`] with the library roots `roots` (canonical).
    pub fn load_in(path: &Path, roots: &[PathBuf]) -> Result<Sources, Vec<Diagnostic>> {
        Sources::follow(read_one(path)?, roots)
    }

    /// Reads a scenario from `text`, as if it were the file at `path` (which need not exist):
    /// diagnostics name `path`, and `extends` resolves against its folder and the library roots
    /// in force, as for [`Sources::load`].
    pub fn from_text(path: &Path, text: String) -> Result<Sources, Vec<Diagnostic>> {
        Sources::follow(parse_text(path, text)?, &library::roots())
    }

    /// `file` and every file it extends, child first.
    fn follow(file: SourceFile, roots: &[PathBuf]) -> Result<Sources, Vec<Diagnostic>> {
        let root = canonical(folder_of(&file.path));
        let mut merge_order = Vec::new();
        let ctx = Confine { root: &root, roots };
        load_into(file, &ctx, &mut Vec::new(), &mut merge_order)?;
        merge_order.reverse();
        Ok(Sources { files: merge_order })
    }

    /// Reads `path` alone, `extends` not followed and left in its table (a sweep file, where
    /// `extends` is an unknown field).
    pub fn load_one(path: &Path) -> Result<Sources, Vec<Diagnostic>> {
        Ok(Sources {
            files: vec![read_one(path)?],
        })
    }

    /// The scenario file itself (the most derived one).
    pub fn main(&self) -> &SourceFile {
        &self.files[0]
    }

    /// All files merged, bases first, the scenario file last.
    pub fn merged(&self) -> toml::Table {
        let mut acc = toml::Table::new();
        for f in self.files.iter().rev() {
            merge_into(&mut acc, f.table.clone());
        }
        acc
    }

    /// A diagnostic at `path`: in the most derived file that writes the longest part of it.
    /// With `at_key`, points at the key rather than its value.
    pub fn diag(&self, path: &FieldPath, at_key: bool, message: String) -> Diagnostic {
        let mut best: Option<(usize, &SourceFile, usize)> = None;
        for f in &self.files {
            let (depth, offset) = f.locate(path, at_key);
            if best.map(|(d, _, _)| depth > d).unwrap_or(true) {
                best = Some((depth, f, offset));
            }
        }
        let (_, file, offset) = best.expect("at least one file");
        Diagnostic {
            file: file.path.clone(),
            location: Some(line_col(&file.text, offset)),
            message,
        }
    }
}

/// Most files one `extends` graph may read.
const MAX_FILES: usize = 32;

/// The folder `path` is in (`.` for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Where bases may be read from: `root` (canonical, the first file's folder) and the library
/// roots, or below them.
struct Confine<'a> {
    root: &'a Path,
    roots: &'a [PathBuf],
}

/// Reads the bases of `file` (depth first, left to right), then `file`, into `out`, in merge
/// order. `chain` holds the files being read above this one, for cycle detection; every base
/// must lie where `ctx` allows.
fn load_into(
    mut file: SourceFile,
    ctx: &Confine,
    chain: &mut Vec<PathBuf>,
    out: &mut Vec<SourceFile>,
) -> Result<(), Vec<Diagnostic>> {
    let path = file.path.clone();
    let path = path.as_path();
    file.table.remove("extends");
    chain.push(canonical(path));
    for (target, loc) in file.extends_targets().map_err(|d| vec![d])? {
        let resolved = library::resolve(folder_of(path), &target, ctx.roots);
        let diag = |message: String| {
            vec![Diagnostic {
                file: file.path.clone(),
                location: Some(loc),
                message,
            }]
        };
        if Path::new(&target).is_absolute() {
            return Err(diag(format!(
                "field `extends`: `{target}` is an absolute path; name the base relative to this file, in {} or below it, or in a library root (`--library DIR`)",
                ctx.root.display()
            )));
        }
        if !resolved.is_file() {
            return Err(diag(format!(
                "field `extends`: base scenario `{target}` not found ({})",
                library::looked_in(&resolved, &target, ctx.roots)
            )));
        }
        if !library::allowed(&canonical(&resolved), ctx.root, ctx.roots) {
            return Err(diag(format!(
                "field `extends`: `{target}` is outside {}, the folder of the scenario given on the command line; a base must lie in that folder or below it, or in a library root; {}",
                ctx.root.display(),
                library::way_out(&canonical(&resolved))
            )));
        }
        if chain.contains(&canonical(&resolved)) {
            let names: Vec<String> = chain.iter().map(|f| f.display().to_string()).collect();
            return Err(diag(format!(
                "field `extends`: cycle: {} -> {}",
                names.join(" -> "),
                resolved.display()
            )));
        }
        if out.len() + chain.len() > MAX_FILES {
            return Err(diag(format!(
                "field `extends`: more than {MAX_FILES} files"
            )));
        }
        // A base reached twice (a diamond) is read and merged once, where first reached.
        if out.iter().any(|f| f.canonical == canonical(&resolved)) {
            continue;
        }
        load_into(read_one(&resolved)?, ctx, chain, out)?;
    }
    chain.pop();
    out.push(file);
    Ok(())
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

fn read_one(path: &Path) -> Result<SourceFile, Vec<Diagnostic>> {
    let no_loc = |message: String| {
        vec![Diagnostic {
            file: path.to_path_buf(),
            location: None,
            message,
        }]
    };
    let bytes = std::fs::read(path).map_err(|e| no_loc(format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        vec![Diagnostic {
            file: path.to_path_buf(),
            location: Some(line_col(&text, offset)),
            message: "not UTF-8 text: a scenario must be a TOML file".into(),
        }]
    })?;
    parse_text(path, text)
}

/// A file's `text`, parsed; `path` names it in diagnostics.
fn parse_text(path: &Path, text: String) -> Result<SourceFile, Vec<Diagnostic>> {
    let no_loc = |message: String| {
        vec![Diagnostic {
            file: path.to_path_buf(),
            location: None,
            message,
        }]
    };
    let doc = ImDocument::parse(text.clone()).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        vec![Diagnostic {
            file: path.to_path_buf(),
            location: Some(line_col(&text, offset)),
            message: syntax::message(&text, offset, e.message()),
        }]
    })?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        vec![Diagnostic {
            file: path.to_path_buf(),
            location: Some(line_col(&text, offset)),
            message: syntax::message(&text, offset, e.message()),
        }]
    })?;
    if table.is_empty() {
        return Err(no_loc(
            "no settings in this file (it is empty or holds only comments); see \
             docs/scenario-format.md for what a scenario or sweep needs"
                .into(),
        ));
    }
    Ok(SourceFile {
        path: path.to_path_buf(),
        canonical: canonical(path),
        text,
        doc,
        table,
    })
}

impl SourceFile {
    /// The `extends` target and where it is written, if any.
    fn extends_targets(&self) -> Result<Vec<(String, LineCol)>, Diagnostic> {
        let Some((_, item)) = self.doc.as_table().get_key_value("extends") else {
            return Ok(Vec::new());
        };
        let at = |span: Option<std::ops::Range<usize>>| {
            line_col(&self.text, span.map_or(0, |s| s.start))
        };
        let bad = |loc| Diagnostic {
            file: self.path.clone(),
            location: Some(loc),
            message: "field `extends`: expected a file name like \"clover.toml\" or a list of them"
                .into(),
        };
        let name = |v: &Value| match v.as_str() {
            Some(s) if !s.trim().is_empty() => Ok((s.to_string(), at(v.span()))),
            _ => Err(bad(at(v.span()))),
        };
        match item {
            Item::Value(Value::Array(a)) => a.iter().map(name).collect(),
            Item::Value(v) => Ok(vec![name(v)?]),
            _ => Err(bad(at(item.span()))),
        }
    }

    /// How many leading segments of `path` this file writes, and the byte offset of the
    /// deepest one (its key with `at_key` and a full match, else its value).
    fn locate(&self, path: &FieldPath, at_key: bool) -> (usize, usize) {
        let mut node = Node::Table(self.doc.as_table());
        let mut depth = 0;
        let mut offset = 0;
        for (i, seg) in path.0.iter().enumerate() {
            let want_key = at_key && i + 1 == path.0.len();
            let Some((span, next)) = node.step(seg, want_key) else {
                break;
            };
            depth += 1;
            if let Some(s) = span {
                offset = s.start;
            }
            node = next;
        }
        (depth, offset)
    }
}

/// A place in a span-preserving TOML document.
enum Node<'a> {
    Table(&'a toml_edit::Table),
    Value(&'a Value),
    Tables(&'a toml_edit::ArrayOfTables),
}

type Span = Option<std::ops::Range<usize>>;

impl<'a> Node<'a> {
    fn of_item(item: &'a Item) -> Option<Node<'a>> {
        match item {
            Item::Table(t) => Some(Node::Table(t)),
            Item::Value(v) => Some(Node::Value(v)),
            Item::ArrayOfTables(a) => Some(Node::Tables(a)),
            Item::None => None,
        }
    }

    /// One step down, with the span of what was stepped onto.
    fn step(&self, seg: &Seg, want_key: bool) -> Option<(Span, Node<'a>)> {
        match (self, seg) {
            (Node::Table(t), Seg::Key(k)) => {
                let (key, item) = t.get_key_value(k)?;
                let span = if want_key {
                    key.span()
                } else {
                    item.span().or(key.span())
                };
                Some((span, Node::of_item(item)?))
            }
            (Node::Value(Value::InlineTable(t)), Seg::Key(k)) => {
                let (key, item) = t.get_key_value(k)?;
                let span = if want_key {
                    key.span()
                } else {
                    item.span().or(key.span())
                };
                Some((span, Node::of_item(item)?))
            }
            (Node::Tables(a), Seg::Index(n)) => {
                let t = a.get(*n)?;
                Some((t.span(), Node::Table(t)))
            }
            (Node::Value(Value::Array(a)), Seg::Index(n)) => {
                let v = a.get(*n)?;
                Some((v.span(), Node::Value(v)))
            }
            _ => None,
        }
    }
}

/// Tables merge key by key at any depth, except values that are tables in their own right:
/// a distribution (a table with a `dist` key) and a `placement`, which replace whole — so a
/// child can change a distribution's shape or a placement outright. Anything else (numbers,
/// strings, arrays such as `[[timeline]]`) replaces.
fn merge_into(acc: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        let whole = k == "placement" || v.get("dist").is_some();
        match (acc.get_mut(&k), v) {
            (Some(toml::Value::Table(a)), toml::Value::Table(b)) if !whole => merge_into(a, b),
            (_, v) => {
                acc.insert(k, v);
            }
        }
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut cut = offset;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = &text[..cut];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_in_characters() {
        assert_eq!(line_col("abc", 0), (1, 1));
        assert_eq!(line_col("a\nbé\nc", 6), (3, 1));
        assert_eq!(line_col("a\nbéx", 5), (2, 3));
    }

    #[test]
    fn toml_syntax_messages_stay_on_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "[site.a]\nx = 1\n[site.a]\n").unwrap();
        let d = Sources::load(&path).unwrap_err();
        assert_eq!(d[0].location, Some((3, 1)));
        assert!(!d[0].message.contains('\n'), "{}", d[0].message);
        assert!(
            d[0].message.contains("; duplicate key `a`"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn merge_overrides_leaves_and_merges_tables() {
        let mut a: toml::Table = toml::from_str(
            "x = 1\n[t.e]\na = 1\nb = 2\nd = { dist = \"lognormal\", median = 1, p90 = 2 }\n",
        )
        .unwrap();
        let b: toml::Table =
            toml::from_str("[t.e]\nb = 3\nd = { dist = \"lognormal\", p5 = 1, p95 = 9 }\n")
                .unwrap();
        merge_into(&mut a, b);
        assert_eq!(a["x"].as_integer(), Some(1));
        assert_eq!(a["t"]["e"]["a"].as_integer(), Some(1));
        assert_eq!(a["t"]["e"]["b"].as_integer(), Some(3));
        // A field's table value (here a distribution) is replaced, not merged.
        assert!(a["t"]["e"]["d"].get("median").is_none());
        assert_eq!(a["t"]["e"]["d"]["p95"].as_integer(), Some(9));
    }

    #[test]
    fn nested_tables_merge_but_placements_replace() {
        let mut a: toml::Table = toml::from_str(
            "[r.x.state.a]\nfine = true\n[r.x.state.b]\n[p.eu]\nplacement = { us = 1.0 }\n",
        )
        .unwrap();
        let b: toml::Table =
            toml::from_str("[r.x.state.a]\nmilestone = true\n[p.eu]\nplacement = { ie = 1.0 }\n")
                .unwrap();
        merge_into(&mut a, b);
        assert_eq!(a["r"]["x"]["state"]["a"]["fine"].as_bool(), Some(true));
        assert_eq!(a["r"]["x"]["state"]["a"]["milestone"].as_bool(), Some(true));
        assert!(a["r"]["x"]["state"].get("b").is_some());
        assert!(a["p"]["eu"]["placement"].get("us").is_none());
    }

    #[test]
    fn a_base_reached_twice_is_merged_once() {
        let dir = tempfile::tempdir().unwrap();
        let w = |n: &str, t: &str| std::fs::write(dir.path().join(n), t).unwrap();
        w("base.toml", "x = 50\ny = 1\n");
        w("a.toml", "extends = \"base.toml\"\nx = 77\n");
        w("b.toml", "extends = \"base.toml\"\ny = 2\n");
        w("c.toml", "extends = [\"a.toml\", \"b.toml\"]\n");
        let s = Sources::load(&dir.path().join("c.toml")).unwrap();
        assert_eq!(s.files.len(), 4);
        let m = s.merged();
        assert_eq!(m["x"].as_integer(), Some(77));
        assert_eq!(m["y"].as_integer(), Some(2));
    }

    /// The message of the single diagnostic loading `file` in `dir` fails with.
    fn refusal(dir: &Path, file: &str) -> String {
        let d = Sources::load(&dir.join(file)).unwrap_err();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].location, Some((1, 11)), "{d:?}");
        d[0].message.clone()
    }

    #[test]
    fn bases_may_sit_anywhere_under_the_first_files_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("base")).unwrap();
        let w = |n: &str, t: &str| std::fs::write(dir.path().join(n), t).unwrap();
        w("top.toml", "extends = \"base/eu.toml\"\n");
        w("base/eu.toml", "extends = \"regulators.toml\"\nx = 1\n");
        w(
            "base/regulators.toml",
            "extends = \"../shared.toml\"\ny = 2\n",
        );
        w("shared.toml", "z = 3\n");
        assert_eq!(
            Sources::load(&dir.path().join("top.toml"))
                .unwrap()
                .files
                .len(),
            4
        );
        // Loaded on its own, base/regulators.toml may not reach its parent folder.
        let m = refusal(&dir.path().join("base"), "regulators.toml");
        assert!(m.contains("`../shared.toml` is outside"), "{m}");
    }

    #[test]
    fn extends_cannot_leave_the_folder_or_be_absolute() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("scenarios");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(root.path().join("outside.toml"), "x = 1\n").unwrap();
        let w = |n: &str, t: &str| std::fs::write(dir.join(n), t).unwrap();
        w("up.toml", "extends = \"../outside.toml\"\n");
        let m = refusal(&dir, "up.toml");
        assert!(
            m.contains("field `extends`: `../outside.toml` is outside"),
            "{m}"
        );
        let abs = root.path().join("outside.toml");
        w(
            "abs.toml",
            &format!("extends = {:?}\n", abs.display().to_string()),
        );
        let m = refusal(&dir, "abs.toml");
        assert!(m.contains("is an absolute path"), "{m}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_folder_counts_as_outside() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("scenarios");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(root.path().join("outside.toml"), "x = 1\n").unwrap();
        std::os::unix::fs::symlink(root.path().join("outside.toml"), dir.join("link.toml"))
            .unwrap();
        std::fs::write(dir.join("top.toml"), "extends = \"link.toml\"\n").unwrap();
        let m = refusal(&dir, "top.toml");
        assert!(m.contains("`link.toml` is outside"), "{m}");
    }
}
