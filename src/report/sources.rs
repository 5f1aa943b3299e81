//! The facts a report cites: each `# FACTS:` key linked to its row, and the row's source.

use std::fmt::Write;

use super::format::esc;
use crate::facts;

/// `text` (escaped) with each of `keys` linked to its row of the Sources table.
pub fn linked_keys(text: &str, keys: &[String]) -> String {
    let is_key_char =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.';
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(is_key_char) {
        let len = rest[start..]
            .find(|c: char| !is_key_char(c))
            .unwrap_or(rest.len() - start);
        let run = &rest[start..start + len];
        let word = run.trim_end_matches('.');
        out.push_str(&rest[..start]);
        if keys.iter().any(|k| k == word) {
            let _ = write!(out, "<a href=\"#fact-{}\">{word}</a>", facts::anchor(word));
            out.push_str(&run[word.len()..]);
        } else {
            out.push_str(run);
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// A fact's publisher, with the page's address when it is known. The address is text, not a
/// link: a report opens nothing from the network (copy it into a browser).
pub fn fact_source(f: &facts::Fact) -> String {
    if f.address.is_empty() {
        format!("{} (publisher only)", esc(&f.source))
    } else {
        let page = f.address.trim_start_matches("https://");
        format!("{}: <code>{}</code>", esc(&f.source), esc(page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cited_keys_link_to_their_rows_and_nothing_else_changes() {
        let keys = vec!["us.jv".to_string(), "us.jv.close".to_string()];
        assert_eq!(
            linked_keys("(FACTS: us.jv.close, us.jv). Not us.jvx &amp; x", &keys),
            "(FACTS: <a href=\"#fact-us-jv-close\">us.jv.close</a>, \
             <a href=\"#fact-us-jv\">us.jv</a>). Not us.jvx &amp; x"
        );
    }
}
