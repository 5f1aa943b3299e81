//! TOML syntax errors as one-line messages that always give a reason.

/// `TOML syntax: <reason>` for a parser's `message` at byte `offset` of `text`: the message on
/// one line ("invalid table header; expected `.`, `]`"), so that each diagnostic stays one
/// `file:line:col: message` line, led by what is wrong with the character it stopped at when
/// that is a NUL or other control character, or when the parser gives no words.
pub fn message(text: &str, offset: usize, message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let said = lines.join("; ");
    let found = text.get(offset..).and_then(|t| t.chars().next());
    let what = match found {
        Some(c) if c.is_control() && c != '\n' && c != '\t' && c != '\r' => Some(format!(
            "control character U+{:04X} is not allowed in TOML (in a string write it as an escape, \\u{:04X}); remove it",
            c as u32, c as u32
        )),
        _ if !said.is_empty() => None,
        None => Some("the file ends too early (an unclosed string, table or array?)".to_string()),
        Some(c) => Some(format!("unexpected character `{}`", c.escape_debug())),
    };
    let reason = match (what, said.is_empty()) {
        (Some(w), true) => w,
        (Some(w), false) => format!("{w}; {said}"),
        (None, _) => said,
    };
    format!("TOML syntax: {reason}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_syntax_message_has_a_reason() {
        for text in [
            "x = 1\n\0\n",
            "x = \"a\u{1}b\"\n",
            "a = 1\n\u{7f} = 2\n",
            "x = [1,\n",
            "x = 1 # a\0\n",
            "x = \0",
            "\0",
            "[a\0]\n",
            "x = 'a\u{1b}'\n",
        ] {
            let e = toml_edit::ImDocument::parse(text.to_string()).unwrap_err();
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            let m = message(text, offset, e.message());
            let reason = m.strip_prefix("TOML syntax: ").unwrap();
            assert!(reason.len() > 10, "{text:?}: {m}");
            assert!(!m.contains('\n'), "{m}");
        }
        let m = message("x = 1\n\0", 6, "");
        assert!(m.contains("control character U+0000"), "{m}");
    }
}
