//! Paths into a scenario — `population.eu.placement.us`, `timeline[3].date` — as validation
//! names the field a problem is in and [`super::source::Sources`] finds where it was written.

use std::fmt;

/// One step of a path into a scenario: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path into a scenario, e.g. `population.eu.placement.us` or `timeline[3].date`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }
    /// This path extended by a key.
    pub fn key(&self, k: &str) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.to_string()));
        FieldPath(v)
    }
    /// This path extended by an array index.
    pub fn index(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        FieldPath(v)
    }
    /// Parses the dotted form produced by `serde_path_to_error` (`a.b[2].c`).
    pub fn parse(s: &str) -> Self {
        let mut segs = Vec::new();
        if s == "." || s.is_empty() {
            return FieldPath(segs);
        }
        for part in s.split('.') {
            let mut rest = part;
            if let Some(open) = rest.find('[') {
                let key = &rest[..open];
                if !key.is_empty() {
                    segs.push(Seg::Key(key.to_string()));
                }
                rest = &rest[open..];
                while let Some(close) = rest.find(']') {
                    if let Ok(i) = rest[1..close].parse() {
                        segs.push(Seg::Index(i));
                    }
                    rest = &rest[close + 1..];
                }
            } else if !rest.is_empty() {
                segs.push(Seg::Key(rest.to_string()));
            }
        }
        FieldPath(segs)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let mut first = true;
        for s in &self.0 {
            match s {
                Seg::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_round_trip_through_text() {
        let p = FieldPath::parse("timeline[3].date");
        assert_eq!(p, FieldPath::root().key("timeline").index(3).key("date"));
        assert_eq!(p.to_string(), "timeline[3].date");
        assert_eq!(FieldPath::parse("."), FieldPath::root());
    }
}
