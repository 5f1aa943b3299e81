//! Codes shared by many blocks: jurisdiction codes (every code that names where someone or
//! something is, indexed in sorted order) and data categories (sets of [`CATEGORY_NAMES`] and
//! their `category_weights`).

use std::collections::BTreeSet;

use super::ctx::Ctx;
use crate::model::{CategorySet, JurSet, CATEGORY_NAMES};
use crate::scenario::raw::RawScenario;
use crate::scenario::source::FieldPath;
use crate::scenario::suggest::suggestion;

/// Every jurisdiction code of the scenario, sorted.
pub(super) struct Jurisdictions(pub Vec<String>);

impl Jurisdictions {
    /// Collects the codes of populations, sites, staff groups and flows, refusing malformed ones.
    pub fn collect(cx: &mut Ctx, raw: &RawScenario) -> Jurisdictions {
        let root = FieldPath::root();
        let mut codes = BTreeSet::new();
        let mut code_check = |cx: &mut Ctx, path: &FieldPath, c: &str| {
            let ok = !c.is_empty()
                && c.len() <= 16
                && c.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
            if !ok {
                cx.err(path, format!("field `{path}`: `{c}` is not a jurisdiction code (letters, digits, `_`, `-`; e.g. \"IE\")"));
            }
            codes.insert(c.to_string());
        };
        for (pn, p) in &raw.population {
            let pp = root.key("population").key(pn);
            code_check(cx, &pp.key("home"), &p.home);
            for (i, c) in p.enclave.iter().enumerate() {
                code_check(cx, &pp.key("enclave").index(i), c);
            }
            for (i, c) in p.restricted.iter().enumerate() {
                code_check(cx, &pp.key("restricted").index(i), c);
            }
        }
        for (sn, s) in &raw.site {
            code_check(
                cx,
                &root.key("site").key(sn).key("jurisdiction"),
                &s.jurisdiction,
            );
        }
        for (gn, g) in &raw.staff {
            code_check(
                cx,
                &root.key("staff").key(gn).key("jurisdiction"),
                &g.jurisdiction,
            );
        }
        for (fname, f) in &raw.flow {
            code_check(cx, &root.key("flow").key(fname).key("to"), &f.to);
        }
        Jurisdictions(codes.into_iter().collect())
    }

    /// The index of code `c`.
    pub fn index(&self, c: &str) -> Option<usize> {
        self.0.binary_search_by(|x| x.as_str().cmp(c)).ok()
    }

    /// The set of the codes in `list`.
    pub fn set(&self, list: &[String]) -> JurSet {
        let mut set = vec![false; self.0.len()];
        for c in list {
            if let Some(i) = self.index(c) {
                set[i] = true;
            }
        }
        set
    }
}

/// The set of data categories in `list` (at `path`), each known and listed once.
pub(super) fn categories(cx: &mut Ctx, path: &FieldPath, list: &[String]) -> CategorySet {
    let mut set: CategorySet = 0;
    for (i, c) in list.iter().enumerate() {
        match CATEGORY_NAMES.iter().position(|n| n == c) {
            Some(b) => {
                if set & (1 << b) != 0 {
                    cx.err(
                        &path.index(i),
                        format!("field `{path}`: category `{c}` is listed twice"),
                    );
                }
                set |= 1 << b;
            }
            None => cx.err(
                &path.index(i),
                format!(
                    "field `{path}`: unknown data category `{c}`{}",
                    suggestion(c, CATEGORY_NAMES.iter().copied())
                ),
            ),
        }
    }
    set
}

/// The sensitivity weight of each data category, in [`CATEGORY_NAMES`] order.
pub(super) fn weights(cx: &mut Ctx, raw: &RawScenario) -> [f64; 8] {
    let w = &raw.category_weights;
    let mut weights = [
        w.identifiers,
        w.contact,
        w.network,
        w.location,
        w.behavioural,
        w.content_public,
        w.content_private,
        w.financial,
    ];
    for (i, v) in weights.iter_mut().enumerate() {
        *v = cx.non_negative(
            &FieldPath::root()
                .key("category_weights")
                .key(CATEGORY_NAMES[i]),
            *v,
        );
    }
    weights
}
