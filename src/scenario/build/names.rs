//! Names: the scenario's folder name, the rule that entity names are safe as metric and file
//! names, the sections a scenario cannot do without, and [`Names`], every entity's name in index
//! order for resolving references.

use std::collections::BTreeMap;

use super::ctx::{name_from_stem, safe_name, Ctx, MAX_NAME_LEN};
use crate::scenario::raw::RawScenario;
use crate::scenario::source::{FieldPath, Sources};

/// Names of every entity, in index order, for resolving references.
pub(super) struct Names<'a> {
    pub pops: Vec<&'a str>,
    pub sites: Vec<&'a str>,
    pub migrations: Vec<&'a str>,
    pub flows: Vec<&'a str>,
    pub staff: Vec<&'a str>,
    pub controls: Vec<&'a str>,
    pub regulators: Vec<&'a str>,
    pub bans: Vec<&'a str>,
    pub ownerships: Vec<&'a str>,
    pub decisions: Vec<&'a str>,
    pub compelled: Vec<&'a str>,
}

impl<'a> Names<'a> {
    pub fn of(raw: &'a RawScenario) -> Self {
        fn keys<V>(m: &BTreeMap<String, V>) -> Vec<&str> {
            m.keys().map(String::as_str).collect()
        }
        Names {
            pops: keys(&raw.population),
            sites: keys(&raw.site),
            migrations: keys(&raw.migration),
            flows: keys(&raw.flow),
            staff: keys(&raw.staff),
            controls: keys(&raw.control),
            regulators: keys(&raw.regulator),
            bans: keys(&raw.ban),
            ownerships: keys(&raw.ownership),
            decisions: keys(&raw.decision),
            compelled: keys(&raw.compelled_access),
        }
    }
}

/// The folder-safe scenario name: `name` if the file sets one, else the file stem.
pub(super) fn scenario_name(cx: &mut Ctx, raw: &RawScenario, sources: &Sources) -> String {
    match &raw.name {
        Some(n) if safe_name(n, true, 100) => n.clone(),
        Some(n) => {
            cx.err(
                &FieldPath::root().key("name"),
                format!("field `name`: `{}` cannot be a folder name; use 1 to 100 letters, digits, `_`, `-` and `.`, not starting with `.` or `-`", n.escape_debug()),
            );
            "invalid".into()
        }
        None => name_from_stem(&sources.main().path, "scenario"),
    }
}

/// The `baseline` scenario name, if any: a name a scenario folder can have.
pub(super) fn baseline(cx: &mut Ctx, raw: &RawScenario) -> Option<String> {
    let b = raw.baseline.as_ref()?;
    if safe_name(b, true, 100) {
        Some(b.clone())
    } else {
        cx.err(
            &FieldPath::root().key("baseline"),
            format!("field `baseline`: `{}` is not a scenario name; use 1 to 100 letters, digits, `_`, `-` and `.`, not starting with `.` or `-`", b.escape_debug()),
        );
        None
    }
}

/// Entity names become metric names, path segments of sweep parameters and parts of output file
/// names (`chart_users.active.<population>.svg`): each must be a [`safe_name`] without dots.
pub(super) fn check_entity_names(cx: &mut Ctx, raw: &RawScenario, names: &Names) {
    let root = FieldPath::root();
    let mut named: Vec<(FieldPath, &str, &str)> = Vec::new();
    for (section, what, list) in [
        ("population", "population", &names.pops),
        ("site", "site", &names.sites),
        ("migration", "migration", &names.migrations),
        ("flow", "flow", &names.flows),
        ("staff", "staff group", &names.staff),
        ("control", "control", &names.controls),
        ("regulator", "regulator", &names.regulators),
        ("ban", "ban", &names.bans),
        ("ownership", "ownership", &names.ownerships),
        ("decision", "decision", &names.decisions),
        (
            "compelled_access",
            "compelled-access event",
            &names.compelled,
        ),
    ] {
        named.extend(list.iter().map(|n| (root.key(section).key(n), what, *n)));
    }
    for (rn, r) in &raw.regulator {
        let rp = root.key("regulator").key(rn);
        let states = rp.key("state");
        named.extend(
            r.state
                .keys()
                .map(|s| (states.key(s), "regulator state", s.as_str())),
        );
        for (cn, c) in &r.case {
            let cp = rp.key("case").key(cn);
            named.push((cp.clone(), "case", cn.as_str()));
            let states = cp.key("state");
            named.extend(
                c.state
                    .keys()
                    .map(|s| (states.key(s), "regulator state", s.as_str())),
            );
        }
    }
    for (path, what, name) in named {
        if !safe_name(name, false, MAX_NAME_LEN) {
            cx.err_key(
                &path,
                format!(
                    "{what} name `{}` is not allowed: use 1 to {MAX_NAME_LEN} letters, digits, `_` and `-`, not starting with `-` (names become metric and file names)",
                    name.escape_debug()
                ),
            );
        }
    }
}

/// A scenario needs at least one population and one site.
pub(super) fn check_required(cx: &mut Ctx, raw: &RawScenario) {
    let root = FieldPath::root();
    if raw.population.is_empty() {
        cx.err(
            &root,
            "the scenario defines no population: add a [population.NAME] table",
        );
    }
    if raw.site.is_empty() {
        cx.err(
            &root,
            "the scenario defines no site: add a [site.NAME] table",
        );
    }
}
