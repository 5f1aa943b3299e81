//! What every block builder shares: the [`Ctx`] that collects located problems (at most
//! [`MAX_DIAGNOSTICS`], the rest counted), its checks of numbers, probabilities, distributions
//! and dates, the limits they enforce, name lookup with a suggestion, and the safe-name rules
//! for names that become folders, files and metric names.

use chrono::NaiveDate;

use crate::error::Diagnostic;
use crate::model::time::parse_date;
use crate::model::Dist;
use crate::scenario::dist::{RawDate, RawDist};
use crate::scenario::source::{FieldPath, Seg, Sources};
use crate::scenario::suggest::suggestion;

/// Longest horizon accepted, in days (100 years).
pub(super) const MAX_DAYS: i64 = 36_525;
/// Most replications accepted in a scenario file.
pub const MAX_REPLICATIONS: u32 = 10_000_000;
/// Most controls in one scenario (the engine keeps a bit per control on each route).
pub(super) const MAX_CONTROLS: usize = 64;
/// Tolerance on shares summing to one.
pub(super) const SHARE_TOLERANCE: f64 = 1e-6;
/// Largest number any field accepts (amounts, capacities, rates, distribution means): far above
/// any real amount in any currency, far below where sums over a horizon lose their meaning.
pub(super) const MAX_NUMBER: f64 = 1e15;
/// Largest staff headcount (more than the largest employer on Earth).
pub(super) const MAX_HEADCOUNT: f64 = 1e7;
/// Most users of a population (more people than live on Earth).
pub(super) const MAX_USERS: f64 = 1e10;
/// Largest mean of `sessions_per_person_day`.
pub(super) const MAX_SESSIONS_PER_PERSON_DAY: f64 = 1e3;
/// Largest mean of `records_per_session`.
pub(super) const MAX_RECORDS_PER_SESSION: f64 = 1e9;
/// Most problems reported one by one; the rest are counted.
pub(in crate::scenario) const MAX_DIAGNOSTICS: usize = 100;
/// Longest entity name.
pub(super) const MAX_NAME_LEN: usize = 64;

/// Problems found so far.
pub(super) struct Ctx<'a> {
    sources: &'a Sources,
    diags: Vec<Diagnostic>,
    /// Problems past [`MAX_DIAGNOSTICS`], counted but not located.
    more: usize,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(sources: &'a Sources) -> Self {
        Ctx {
            sources,
            diags: Vec::new(),
            more: 0,
        }
    }
}

impl Ctx<'_> {
    pub(super) fn err(&mut self, path: &FieldPath, message: impl Into<String>) {
        self.push(path, false, message.into());
    }
    pub(super) fn err_key(&mut self, path: &FieldPath, message: impl Into<String>) {
        self.push(path, true, message.into());
    }
    fn push(&mut self, path: &FieldPath, at_key: bool, message: String) {
        if self.diags.len() >= MAX_DIAGNOSTICS {
            self.more += 1;
            return;
        }
        let d = self.sources.diag(path, at_key, message);
        if !self.diags.contains(&d) {
            self.diags.push(d);
        }
    }

    /// Whether any problem was found.
    pub(super) fn has_problems(&self) -> bool {
        !self.diags.is_empty()
    }

    /// Every problem found; past [`MAX_DIAGNOSTICS`], one line counting the rest.
    pub(super) fn finish(mut self) -> Vec<Diagnostic> {
        if self.more > 0 {
            self.diags.push(more_problems(self.sources, self.more));
        }
        self.diags
    }

    /// A finite number in [0, [`MAX_NUMBER`]].
    pub(super) fn non_negative(&mut self, path: &FieldPath, v: f64) -> f64 {
        self.at_most(path, v, MAX_NUMBER)
    }

    /// A finite number in [0, `max`].
    pub(super) fn at_most(&mut self, path: &FieldPath, v: f64, max: f64) -> f64 {
        if !v.is_finite() {
            self.err(
                path,
                format!("field `{path}` must be a finite number, got {v}"),
            );
            0.0
        } else if v < 0.0 {
            self.err(
                path,
                format!("field `{path}` must not be negative, got {v}"),
            );
            0.0
        } else if v > max {
            self.err(
                path,
                format!(
                    "field `{path}` is out of range: allowed 0 to {}, got {}",
                    show(max),
                    show(v)
                ),
            );
            0.0
        } else {
            v
        }
    }

    /// A probability or share in [0, 1].
    pub(super) fn probability(&mut self, path: &FieldPath, v: f64) -> f64 {
        if !(0.0..=1.0).contains(&v) {
            self.err(
                path,
                format!("field `{path}` is a probability and must be in [0, 1], got {v}"),
            );
            0.0
        } else {
            v
        }
    }

    pub(super) fn dist(&mut self, path: &FieldPath, raw: &RawDist, non_negative: bool) -> Dist {
        self.dist_at_most(path, raw, non_negative, MAX_NUMBER)
    }

    /// A distribution whose mean is finite and at most `max` in magnitude.
    pub(super) fn dist_at_most(
        &mut self,
        path: &FieldPath,
        raw: &RawDist,
        non_negative: bool,
        max: f64,
    ) -> Dist {
        let built = if non_negative {
            raw.to_non_negative()
        } else {
            raw.to_any()
        };
        match built {
            Ok(d) if d.mean().is_finite() && d.mean().abs() <= max => d,
            Ok(d) => {
                self.err(
                    path,
                    format!(
                        "field `{path}` is out of range: its mean must be at most {}, got {}",
                        show(max),
                        show(d.mean())
                    ),
                );
                Dist::Constant(0.0)
            }
            Err(e) => {
                self.err(path, format!("field `{path}`: {e}"));
                Dist::Constant(0.0)
            }
        }
    }

    /// A distribution of a share in [0, 1].
    pub(super) fn probability_dist(&mut self, path: &FieldPath, raw: &RawDist) -> Dist {
        raw.to_probability().unwrap_or_else(|e| {
            self.err(path, format!("field `{path}`: {e}"));
            Dist::Constant(0.0)
        })
    }

    pub(super) fn date(&mut self, path: &FieldPath, raw: &RawDate) -> Option<NaiveDate> {
        match parse_date(&raw.0) {
            Ok(d) => Some(d),
            Err(e) => {
                self.err(path, format!("field `{path}`: {e}"));
                None
            }
        }
    }
}

/// The line that counts `n` problems not reported one by one.
pub(in crate::scenario) fn more_problems(sources: &Sources, n: usize) -> Diagnostic {
    Diagnostic {
        file: sources.main().path.clone(),
        location: None,
        message: format!("{n} more problems not shown (only the first {MAX_DIAGNOSTICS} are)"),
    }
}

/// A number for a message: exponent form for very large or very small magnitudes (`1e300`).
fn show(v: f64) -> String {
    let a = v.abs();
    if v.is_finite() && a != 0.0 && !(1e-4..1e9).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Whether `name` is safe as a file or folder name and as one segment of a dotted path: 1 to
/// `max_len` ASCII letters, digits, `_`, `-` (and `.` with `dots`), not starting with `.` or `-`.
pub fn safe_name(name: &str, dots: bool, max_len: usize) -> bool {
    !name.is_empty()
        && name.len() <= max_len
        && !name.starts_with('.')
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || (dots && c == '.'))
}

/// A name for outputs derived from a file name: characters outside the safe set become `_`,
/// leading dots and dashes go, at most 100 characters; `fallback` if nothing is left.
pub fn name_from_stem(path: &std::path::Path, fallback: &str) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cleaned: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned: String = cleaned
        .trim_start_matches(['.', '-'])
        .chars()
        .take(100)
        .collect();
    if cleaned.is_empty() {
        fallback.into()
    } else {
        cleaned
    }
}

/// Resolves `name` among `names` (a `what`), or reports it with the closest valid name.
pub(super) fn lookup(
    cx: &mut Ctx,
    path: &FieldPath,
    what: &str,
    names: &[&str],
    name: &str,
) -> Option<usize> {
    if let Some(i) = names.iter().position(|n| *n == name) {
        return Some(i);
    }
    let known = if names.is_empty() {
        format!(" (the scenario defines no {what})")
    } else {
        suggestion(name, names.iter().copied())
    };
    cx.err(
        path,
        format!("field `{path}`: unknown {what} `{name}`{known}"),
    );
    None
}

/// The last segment of a path, as written.
pub(super) fn seg_name(s: &Seg) -> String {
    match s {
        Seg::Key(k) => k.clone(),
        Seg::Index(i) => i.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names_are_plain_words() {
        for ok in ["eu", "cn_engineering", "hamar-2", "A1"] {
            assert!(safe_name(ok, false, 64), "{ok}");
        }
        for bad in [
            "", "a/b", "../x", ".hidden", "-rf", "a.b", "a b", "é", "a\\b",
        ] {
            assert!(!safe_name(bad, false, 64), "{bad}");
        }
        assert!(safe_name("v1.2", true, 100));
        assert!(!safe_name(&"x".repeat(65), false, 64));
    }

    #[test]
    fn names_from_file_names_are_cleaned() {
        let n = |s: &str| name_from_stem(std::path::Path::new(s), "scenario");
        assert_eq!(n("dir/my scenario.toml"), "my_scenario");
        assert_eq!(n("..hidden.toml"), "hidden");
        assert_eq!(n("-x.toml"), "x");
        assert_eq!(n("....toml"), "scenario");
    }
}
