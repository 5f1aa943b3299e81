//! Assumptions and sources written as comments in scenario files, for the report.
//!
//! Shipped scenarios mark every number with `# ASSUMPTION: why` or `# FACTS: key — what`, on
//! the lines above a field or after it on the same line. A note runs on over the following
//! comment lines until a blank comment, a line that is not a comment, or another tag; a comment
//! starting with `...` carries the previous note on to the next field. Each note is tied to the
//! field it describes (`site.dublin_1.capacity_pb`), the next field written below it. Every
//! `FACTS:` mention, even inside an assumption's text, names source keys.

/// What a note is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Assumption,
    Facts,
}

/// One `# ASSUMPTION:` or `# FACTS:` note.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub tag: Tag,
    /// The file it is written in, as given.
    pub file: String,
    /// 1-based line of its first comment line.
    pub line: usize,
    /// The field it describes (`section.key`), or the section, or `(file)`.
    pub field: String,
    /// The text after the tag (for facts, after the keys), continuation lines joined.
    pub text: String,
    /// Source keys named by `FACTS:` anywhere in the note.
    pub keys: Vec<String>,
}

/// A source key and where it is cited.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub key: String,
    /// Fields citing it, in order of appearance, without repeats.
    pub fields: Vec<String>,
    /// What the citing `# FACTS:` notes say about it.
    pub texts: Vec<String>,
}

const ASSUMPTION: &str = "ASSUMPTION:";
const FACTS: &str = "FACTS:";

/// The notes of one file's text, in order.
pub fn parse(file: &str, text: &str) -> Vec<Note> {
    let mut notes: Vec<Note> = Vec::new();
    // Notes waiting for the field below them (indices into `notes`).
    let mut waiting: Vec<usize> = Vec::new();
    // The note a following comment line continues.
    let mut open: Option<usize> = None;
    let mut section = String::new();
    let mut last_key: Option<String> = None;
    let mut bracket_depth = 0i32;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = raw.trim();
        if let Some(comment) = trimmed.strip_prefix('#') {
            let c = comment.trim();
            let continues = open.is_some_and(|k| notes[k].text.ends_with(['—', '–', ',', '(']));
            if let (true, Some(k)) = (continues, open) {
                // `# ASSUMPTION: copied to US services —` / `# FACTS: x.y says ...`: one note.
                append(&mut notes[k], c);
            } else if let Some(n) = start_note(c, file, line_no) {
                open = Some(notes.len());
                waiting.push(notes.len());
                notes.push(n);
            } else if let (Some(k), false) = (open, c.is_empty()) {
                append(&mut notes[k], c);
            } else if let (Some(rest), Some(prev)) = (c.strip_prefix("..."), notes.last()) {
                let mut n = prev.clone();
                n.line = line_no;
                n.text = format!("…{}", rest.trim());
                n.keys = fact_keys(rest);
                open = Some(notes.len());
                waiting.push(notes.len());
                notes.push(n);
            } else {
                open = None;
                // A source mentioned in passing, e.g. in a file's header comment.
                let keys = fact_keys(c);
                if !keys.is_empty() {
                    notes.push(Note {
                        tag: Tag::Facts,
                        file: file.to_string(),
                        line: line_no,
                        field: if section.is_empty() {
                            "(file)".into()
                        } else {
                            section.clone()
                        },
                        text: String::new(),
                        keys,
                    });
                }
            }
            continue;
        }
        open = None;
        if trimmed.is_empty() {
            continue;
        }
        let (code, comment) = split_comment(raw);
        let code = code.trim();
        if bracket_depth == 0 && code.starts_with('[') {
            section = code
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim()
                .replace('"', "");
            last_key = None;
            for k in waiting.drain(..) {
                notes[k].field = section.clone();
            }
        } else if let Some(key) = key_of(code).filter(|_| bracket_depth == 0) {
            let field = if section.is_empty() {
                key.clone()
            } else {
                format!("{section}.{key}")
            };
            for k in waiting.drain(..) {
                notes[k].field = field.clone();
            }
            last_key = Some(field);
        }
        bracket_depth += code.matches(['[', '{']).count() as i32;
        bracket_depth -= code.matches([']', '}']).count() as i32;
        bracket_depth = bracket_depth.max(0);
        if let Some(c) = comment {
            if let Some(mut n) = start_note(c.trim(), file, line_no) {
                n.field = last_key.clone().unwrap_or_else(|| section.clone());
                open = Some(notes.len());
                notes.push(n);
            }
        }
    }
    for k in waiting {
        notes[k].field = if section.is_empty() {
            "(file)".into()
        } else {
            section.clone()
        };
    }
    notes
}

fn start_note(c: &str, file: &str, line: usize) -> Option<Note> {
    let (tag, rest) = if let Some(r) = c.strip_prefix(ASSUMPTION) {
        (Tag::Assumption, r)
    } else if let Some(r) = c.strip_prefix(FACTS) {
        (Tag::Facts, r)
    } else {
        return None;
    };
    let mut n = Note {
        tag,
        file: file.to_string(),
        line,
        field: String::new(),
        text: String::new(),
        keys: Vec::new(),
    };
    if tag == Tag::Facts {
        let (keys, text) = leading_keys(rest);
        n.keys = keys;
        n.text = text;
    } else {
        n.text = rest.trim().to_string();
    }
    for k in fact_keys(rest) {
        if !n.keys.contains(&k) {
            n.keys.push(k);
        }
    }
    Some(n)
}

fn append(n: &mut Note, c: &str) {
    if !n.text.is_empty() {
        n.text.push(' ');
    }
    n.text.push_str(c);
    for k in fact_keys(c) {
        if !n.keys.contains(&k) {
            n.keys.push(k);
        }
    }
}

/// `a.b, c.d — text` → (`[a.b, c.d]`, `text`).
fn leading_keys(rest: &str) -> (Vec<String>, String) {
    let mut keys = Vec::new();
    let mut remaining = rest.trim_start();
    loop {
        let end = remaining
            .find(|c: char| c.is_whitespace() || c == ',')
            .unwrap_or(remaining.len());
        let token = remaining[..end].trim_end_matches(['.', ';', ':', ')']);
        if token == "and" && !keys.is_empty() {
            remaining = remaining[end..].trim_start();
            continue;
        }
        if !is_key(token) {
            break;
        }
        keys.push(token.to_string());
        remaining = remaining[end..].trim_start_matches([',', ' ', '\t']);
    }
    let text = remaining
        .trim_start_matches(['—', '–', '-', ':', ' '])
        .trim()
        .to_string();
    (keys, text)
}

/// Every key named after `FACTS:` in a piece of text.
pub fn fact_keys(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for (pos, _) in text.match_indices(FACTS) {
        for k in leading_keys(&text[pos + FACTS.len()..]).0 {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys
}

/// A facts key: lowercase words joined by dots, at least one dot.
pub fn is_key(s: &str) -> bool {
    s.contains('.')
        && !s.starts_with('.')
        && !s.ends_with('.')
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
}

/// The key of a `key = value` line.
fn key_of(code: &str) -> Option<String> {
    let eq = code.find('=')?;
    let key = code[..eq].trim().replace('"', "");
    let ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    ok.then_some(key)
}

/// A line split at its first `#` outside a string.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' => return (&line[..i], Some(&line[i + 1..])),
            None => {}
        }
    }
    (line, None)
}

/// Every source key cited by `notes`, in order of first appearance.
pub fn sources(notes: &[Note]) -> Vec<Source> {
    let mut out: Vec<Source> = Vec::new();
    for n in notes {
        for k in &n.keys {
            let i = match out.iter().position(|s| &s.key == k) {
                Some(i) => i,
                None => {
                    out.push(Source {
                        key: k.clone(),
                        fields: Vec::new(),
                        texts: Vec::new(),
                    });
                    out.len() - 1
                }
            };
            let s = &mut out[i];
            if !s.fields.contains(&n.field) {
                s.fields.push(n.field.clone());
            }
            let lead = n.keys.first() == Some(k);
            if n.tag == Tag::Facts && lead && !n.text.is_empty() && !s.texts.contains(&n.text) {
                s.texts.push(n.text.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r##"# A scenario (FACTS: clover.launch, 2023-03-08).
extends = "base.toml"

[site.dublin_1]
# FACTS: clover.dublin.online — first Dublin site operational.
online = "2023-09-15"
# ASSUMPTION: 3 PB for protected data; too little
# for all EU data (FACTS: clover.migration.target).
capacity_pb = 3
growth = 0.03   # ASSUMPTION: after the last "#" count
user_counts = [
  { date = "2023-02-01", users = 125e6 },
  { date = "2023-08-01", users = 135.9e6 },  # FACTS: dsa.vlop
]
# ASSUMPTION: catches 30%...
detect_probability = 0.3
# ...a month later.
delay = 30
# plain comment
# ASSUMPTION: copied to US services —
# FACTS: clover.gateway says so.
to = "US"

[control.x]
# ASSUMPTION: at the end
"##;

    #[test]
    fn notes_attach_to_the_field_below_or_on_their_line() {
        let notes = parse("s.toml", TEXT);
        let got: Vec<(Tag, &str, &str, usize)> = notes
            .iter()
            .map(|n| (n.tag, n.field.as_str(), n.text.as_str(), n.line))
            .collect();
        assert_eq!(
            got,
            [
                (Tag::Facts, "(file)", "", 1),
                (Tag::Facts, "site.dublin_1.online", "first Dublin site operational.", 5),
                (
                    Tag::Assumption,
                    "site.dublin_1.capacity_pb",
                    "3 PB for protected data; too little for all EU data (FACTS: clover.migration.target).",
                    7
                ),
                (Tag::Assumption, "site.dublin_1.growth", "after the last \"#\" count", 10),
                (Tag::Facts, "site.dublin_1.user_counts", "", 13),
                (Tag::Assumption, "site.dublin_1.detect_probability", "catches 30%...", 15),
                (Tag::Assumption, "site.dublin_1.delay", "…a month later.", 17),
                (
                    Tag::Assumption,
                    "site.dublin_1.to",
                    "copied to US services — FACTS: clover.gateway says so.",
                    20
                ),
                (Tag::Assumption, "control.x", "at the end", 25),
            ]
        );
        assert_eq!(notes[2].keys, ["clover.migration.target"]);
    }

    #[test]
    fn sources_gather_every_facts_key_with_the_fields_citing_it() {
        let notes = parse("s.toml", TEXT);
        let all = sources(&notes);
        let keys: Vec<&str> = all.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "clover.launch",
                "clover.dublin.online",
                "clover.migration.target",
                "dsa.vlop",
                "clover.gateway"
            ]
        );
        let s = &all[1];
        assert_eq!(s.fields, ["site.dublin_1.online"]);
        assert_eq!(s.texts, ["first Dublin site operational."]);
    }

    #[test]
    fn leading_keys_stop_at_the_first_word_that_is_not_a_key() {
        assert_eq!(
            leading_keys(" clover.gateway, clover.pets."),
            (
                vec!["clover.gateway".into(), "clover.pets".into()],
                String::new()
            )
        );
        assert_eq!(
            leading_keys(" texas.failures and texas.leak.2022 show it"),
            (
                vec!["texas.failures".into(), "texas.leak.2022".into()],
                "show it".into()
            )
        );
        assert_eq!(
            leading_keys(" clover.launch, 2023-03-08)"),
            (vec!["clover.launch".into()], "2023-03-08)".into())
        );
    }
}
