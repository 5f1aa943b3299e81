//! Semantic validation: from a [`RawScenario`] to a [`World`], or every problem found.
//!
//! Checks: names refer to things that exist (with the closest valid name suggested), numbers are
//! finite and in range, probabilities in [0, 1], shares sum to 1, dates are real, inside the
//! horizon and in order, sites hold the data placed in them, and each control has the fields its
//! kind needs and none it does not use. The output indexes everything; names survive only as
//! labels.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::dist::{RawDate, RawDist};
use super::raw::*;
use super::source::{FieldPath, Sources};
use super::{regime, suggestion};
use crate::error::Diagnostic;
use crate::model::time::parse_date;
use crate::model::*;

/// Longest horizon accepted, in days (100 years).
const MAX_DAYS: i64 = 36_525;
/// Most replications accepted in a scenario file.
pub const MAX_REPLICATIONS: u32 = 10_000_000;
/// Most controls in one scenario (the engine keeps a bit per control on each route).
const MAX_CONTROLS: usize = 64;
/// Tolerance on shares summing to one.
const SHARE_TOLERANCE: f64 = 1e-6;
/// Largest number any field accepts (amounts, capacities, rates, distribution means): far above
/// any real amount in any currency, far below where sums over a horizon lose their meaning.
pub(super) const MAX_NUMBER: f64 = 1e15;
/// Largest staff headcount (more than the largest employer on Earth).
pub(super) const MAX_HEADCOUNT: f64 = 1e7;
/// Most users of a population (more people than live on Earth).
const MAX_USERS: f64 = 1e10;
/// Largest mean of `sessions_per_person_day`.
const MAX_SESSIONS_PER_PERSON_DAY: f64 = 1e3;
/// Largest mean of `records_per_session`.
const MAX_RECORDS_PER_SESSION: f64 = 1e9;
/// Most problems reported one by one; the rest are counted.
pub(super) const MAX_DIAGNOSTICS: usize = 100;
/// Longest entity name.
const MAX_NAME_LEN: usize = 64;

/// Problems found so far.
pub(super) struct Ctx<'a> {
    sources: &'a Sources,
    diags: Vec<Diagnostic>,
    /// Problems past [`MAX_DIAGNOSTICS`], counted but not located.
    more: usize,
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

    /// Every problem found; past [`MAX_DIAGNOSTICS`], one line counting the rest.
    fn finish(mut self) -> Vec<Diagnostic> {
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
            Dist::non_negative(raw)
        } else {
            Dist::any(raw)
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
        Dist::probability(raw).unwrap_or_else(|e| {
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
pub(super) fn more_problems(sources: &Sources, n: usize) -> Diagnostic {
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

/// Entity names become metric names, path segments of sweep parameters and parts of output file
/// names (`chart_users.active.<population>.svg`): each must be a [`safe_name`] without dots.
fn check_entity_names(cx: &mut Ctx, raw: &RawScenario) {
    fn keys<V>(m: &std::collections::BTreeMap<String, V>) -> Vec<&str> {
        m.keys().map(String::as_str).collect()
    }
    let root = FieldPath::root();
    let mut named: Vec<(FieldPath, &str, &str)> = Vec::new();
    for (section, what, names) in [
        ("population", "population", keys(&raw.population)),
        ("site", "site", keys(&raw.site)),
        ("migration", "migration", keys(&raw.migration)),
        ("flow", "flow", keys(&raw.flow)),
        ("staff", "staff group", keys(&raw.staff)),
        ("control", "control", keys(&raw.control)),
        ("regulator", "regulator", keys(&raw.regulator)),
        ("ban", "ban", keys(&raw.ban)),
        ("ownership", "ownership", keys(&raw.ownership)),
        ("decision", "decision", keys(&raw.decision)),
    ] {
        named.extend(
            names
                .into_iter()
                .map(|n| (root.key(section).key(n), what, n)),
        );
    }
    for (rn, r) in &raw.regulator {
        let states = root.key("regulator").key(rn).key("state");
        named.extend(
            r.state
                .keys()
                .map(|s| (states.key(s), "regulator state", s.as_str())),
        );
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

/// Builds the world, or returns every problem found.
pub fn build(raw: &RawScenario, sources: &Sources) -> Result<World, Vec<Diagnostic>> {
    let mut cx = Ctx {
        sources,
        diags: Vec::new(),
        more: 0,
    };
    let root = FieldPath::root();

    let name = scenario_name(&mut cx, raw, sources);
    check_entity_names(&mut cx, raw);
    let start = cx.date(&root.key("start"), &raw.start);
    let end = cx.date(&root.key("end"), &raw.end);
    let (start, end) = match (start, end) {
        (Some(s), Some(e)) if s <= e && (e - s).num_days() < MAX_DAYS => (s, e),
        (Some(s), Some(e)) => {
            if s > e {
                cx.err(
                    &root.key("end"),
                    format!("field `end` ({e}) is before `start` ({s})"),
                );
            } else {
                cx.err(
                    &root.key("end"),
                    format!("the horizon from {s} to {e} is longer than 100 years"),
                );
            }
            return Err(cx.finish());
        }
        _ => return Err(cx.finish()),
    };
    let calendar = Calendar::new(start, end);
    let last_day = calendar.days as i64 - 1;

    // A date that must fall inside the horizon, as a day index.
    let in_horizon = |cx: &mut Ctx, path: &FieldPath, d: &RawDate| -> Option<u32> {
        let date = cx.date(path, d)?;
        let day = calendar.day_of(date);
        if day < 0 || day > last_day {
            cx.err(
                path,
                format!("field `{path}`: {date} is outside the horizon {start} to {end}"),
            );
            None
        } else {
            Some(day as u32)
        }
    };

    let replications = raw.replications.unwrap_or(DEFAULT_REPLICATIONS.into());
    if replications == 0 || replications > MAX_REPLICATIONS.into() {
        cx.err(
            &root.key("replications"),
            format!(
                "field `replications` must be between 1 and {MAX_REPLICATIONS}, got {replications}"
            ),
        );
    }
    let fin = root.key("finance");
    if raw.finance.currency.trim().is_empty() {
        cx.err(
            &fin.key("currency"),
            "field `finance.currency` must not be empty",
        );
    }
    let r = raw.finance.discount_rate;
    if !r.is_finite() || !(0.0..1.0).contains(&r) {
        cx.err(
            &fin.key("discount_rate"),
            format!("field `finance.discount_rate` must be in [0, 1), got {r}"),
        );
    }
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
        *v = cx.non_negative(&root.key("category_weights").key(CATEGORY_NAMES[i]), *v);
    }

    // Jurisdictions: every code that names where someone or something is.
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
        code_check(&mut cx, &pp.key("home"), &p.home);
        for (i, c) in p.enclave.iter().enumerate() {
            code_check(&mut cx, &pp.key("enclave").index(i), c);
        }
        for (i, c) in p.restricted.iter().enumerate() {
            code_check(&mut cx, &pp.key("restricted").index(i), c);
        }
    }
    for (sn, s) in &raw.site {
        code_check(
            &mut cx,
            &root.key("site").key(sn).key("jurisdiction"),
            &s.jurisdiction,
        );
    }
    for (gn, g) in &raw.staff {
        code_check(
            &mut cx,
            &root.key("staff").key(gn).key("jurisdiction"),
            &g.jurisdiction,
        );
    }
    for (fname, f) in &raw.flow {
        code_check(&mut cx, &root.key("flow").key(fname).key("to"), &f.to);
    }
    let jurisdictions: Vec<String> = codes.into_iter().collect();
    let jur_index = |c: &str| jurisdictions.binary_search_by(|x| x.as_str().cmp(c)).ok();
    let jur_set = |list: &[String]| -> JurSet {
        let mut set = vec![false; jurisdictions.len()];
        for c in list {
            if let Some(i) = jur_index(c) {
                set[i] = true;
            }
        }
        set
    };

    let pop_names: Vec<&str> = raw.population.keys().map(String::as_str).collect();
    let site_names: Vec<&str> = raw.site.keys().map(String::as_str).collect();
    let staff_names: Vec<&str> = raw.staff.keys().map(String::as_str).collect();
    let control_names: Vec<&str> = raw.control.keys().map(String::as_str).collect();
    let categories = |cx: &mut Ctx, path: &FieldPath, list: &[String]| -> CategorySet {
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
    };

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

    // Sites.
    let mut sites = Vec::new();
    let mut site_online_day: Vec<Option<u32>> = Vec::new();
    for (sn, s) in &raw.site {
        let sp = root.key("site").key(sn);
        let online = s
            .online
            .as_ref()
            .and_then(|d| in_horizon(&mut cx, &sp.key("online"), d));
        site_online_day.push(online);
        let money = regime::money_rate(&mut cx, &sp.key("currency"), &s.currency, &raw.finance);
        sites.push(Site {
            name: sn.clone(),
            jurisdiction: jur_index(&s.jurisdiction).unwrap_or(0),
            capacity_pb: cx.non_negative(&sp.key("capacity_pb"), s.capacity_pb),
            capex: cx.non_negative(&sp.key("capex"), s.capex) * money,
            opex_per_year: cx.non_negative(&sp.key("opex_per_year"), s.opex_per_year) * money,
        });
    }
    let mut site_scheduled: Vec<bool> = site_online_day.iter().map(Option::is_some).collect();

    // Populations.
    let mut populations = Vec::new();
    let mut placed_pb = vec![0.0; sites.len()];
    for (pn, p) in &raw.population {
        let pp = root.key("population").key(pn);
        if p.enclave.is_empty() {
            cx.err(
                &pp.key("enclave"),
                format!(
                    "field `{}`: list at least one jurisdiction",
                    pp.key("enclave")
                ),
            );
        }
        let users_by_day = users_by_day(&mut cx, &pp, p, &calendar);
        let mb = cx.non_negative(&pp.key("data_per_user_mb"), p.data_per_user_mb);
        let mut placement = vec![0.0; sites.len()];
        let mut total = 0.0;
        for (sn, share) in &p.placement {
            let path = pp.key("placement").key(sn);
            let share = cx.probability(&path, *share);
            total += share;
            if let Some(i) = lookup(&mut cx, &path, "site", &site_names, sn) {
                placement[i] = share;
            }
        }
        if p.placement.is_empty() {
            cx.err(&pp.key("placement"), format!("field `{}`: place the data on at least one site, e.g. placement = {{ {} = 1.0 }}", pp.key("placement"), site_names.first().unwrap_or(&"us_east")));
        } else if (total - 1.0).abs() > SHARE_TOLERANCE {
            cx.err(
                &pp.key("placement"),
                format!(
                    "field `{}`: shares sum to {total}, not 1",
                    pp.key("placement")
                ),
            );
        }
        let pb_per_user = mb / 1e9;
        let volume0 = users_by_day.first().copied().unwrap_or(0.0) * pb_per_user;
        for (i, share) in placement.iter().enumerate() {
            placed_pb[i] += share * volume0;
        }
        let money = regime::money_rate(&mut cx, &pp.key("currency"), &p.currency, &raw.finance);
        let revenue = cx.non_negative(&pp.key("revenue_per_user_year"), p.revenue_per_user_year);
        populations.push(Population {
            name: pn.clone(),
            enclave: jur_set(&p.enclave),
            restricted: jur_set(&p.restricted),
            users_by_day,
            pb_per_user,
            placement,
            revenue_per_user_year: revenue * money,
        });
    }
    for (i, s) in sites.iter().enumerate() {
        if placed_pb[i] > s.capacity_pb * (1.0 + 1e-9) {
            let path = root.key("site").key(&s.name).key("capacity_pb");
            cx.err(&path, format!(
                "field `{path}`: site `{}` holds {} PB at `start` (from the populations' `placement`) but has capacity {} PB",
                s.name, placed_pb[i], s.capacity_pb
            ));
        }
    }

    // Migrations.
    let mut migrations = Vec::new();
    for (mn, m) in &raw.migration {
        let mp = root.key("migration").key(mn);
        let population = lookup(
            &mut cx,
            &mp.key("population"),
            "population",
            &pop_names,
            &m.population,
        );
        let start_day = in_horizon(&mut cx, &mp.key("start"), &m.start);
        let mut to = Vec::new();
        for (i, s) in m.to.iter().enumerate() {
            if let Some(x) = lookup(&mut cx, &mp.key("to").index(i), "site", &site_names, s) {
                to.push(x);
            }
        }
        if m.to.is_empty() {
            cx.err(
                &mp.key("to"),
                format!("field `{}`: name at least one target site", mp.key("to")),
            );
        }
        let mut from = Vec::new();
        for (i, s) in m.from.iter().enumerate() {
            if let Some(x) = lookup(&mut cx, &mp.key("from").index(i), "site", &site_names, s) {
                if to.contains(&x) {
                    cx.err(
                        &mp.key("from").index(i),
                        format!(
                            "field `{}`: site `{s}` is both a source and a target",
                            mp.key("from")
                        ),
                    );
                }
                from.push(x);
            }
        }
        if m.from.is_empty() {
            from = (0..sites.len()).filter(|s| !to.contains(s)).collect();
        }
        let rate = cx.dist(&mp.key("rate_pb_per_day"), &m.rate_pb_per_day, true);
        let money = regime::money_rate(&mut cx, &mp.key("currency"), &m.currency, &raw.finance);
        let cost_per_pb = cx.non_negative(&mp.key("cost_per_pb"), m.cost_per_pb) * money;
        if let (Some(population), Some(start_day)) = (population, start_day) {
            migrations.push(Migration {
                name: mn.clone(),
                population,
                start_day,
                from,
                to,
                rate_pb_per_day: rate,
                cost_per_pb,
            });
        }
    }

    // Staff.
    let mut staff = Vec::new();
    for (gn, g) in &raw.staff {
        let gp = root.key("staff").key(gn);
        let mut pops = Vec::new();
        for (i, p) in g.populations.iter().enumerate() {
            if let Some(x) = lookup(
                &mut cx,
                &gp.key("populations").index(i),
                "population",
                &pop_names,
                p,
            ) {
                if pops.contains(&x) {
                    cx.err(
                        &gp.key("populations").index(i),
                        format!(
                            "field `{}`: population `{p}` is listed twice",
                            gp.key("populations")
                        ),
                    );
                } else {
                    pops.push(x);
                }
            }
        }
        if g.populations.is_empty() {
            cx.err(
                &gp.key("populations"),
                format!(
                    "field `{}`: name at least one population the group reads",
                    gp.key("populations")
                ),
            );
        }
        let cats = categories(&mut cx, &gp.key("categories"), &g.categories);
        if g.categories.is_empty() {
            cx.err(
                &gp.key("categories"),
                format!(
                    "field `{}`: name at least one data category",
                    gp.key("categories")
                ),
            );
        }
        staff.push(StaffGroup {
            name: gn.clone(),
            jurisdiction: jur_index(&g.jurisdiction).unwrap_or(0),
            headcount: cx.at_most(&gp.key("headcount"), g.headcount, MAX_HEADCOUNT),
            sessions_per_person_day: cx.dist_at_most(
                &gp.key("sessions_per_person_day"),
                &g.sessions_per_person_day,
                true,
                MAX_SESSIONS_PER_PERSON_DAY,
            ),
            records_per_session: cx.dist_at_most(
                &gp.key("records_per_session"),
                &g.records_per_session,
                true,
                MAX_RECORDS_PER_SESSION,
            ),
            populations: pops,
            categories: cats,
            misuse_share: cx.probability(&gp.key("misuse_share"), g.misuse_share),
        });
    }
    let staff_jurs: BTreeSet<&str> = raw
        .staff
        .values()
        .map(|g| g.jurisdiction.as_str())
        .collect();

    // Controls.
    if raw.control.len() > MAX_CONTROLS {
        cx.err(
            &root.key("control"),
            format!(
                "at most {MAX_CONTROLS} controls are supported, the scenario has {}",
                raw.control.len()
            ),
        );
    }
    let mut controls = Vec::new();
    let mut control_on_day: Vec<Option<u32>> = Vec::new();
    let mut control_off_day: Vec<Option<u32>> = Vec::new();
    for (cn, c) in &raw.control {
        let cp = root.key("control").key(cn);
        let on = c
            .start
            .as_ref()
            .and_then(|d| in_horizon(&mut cx, &cp.key("start"), d));
        let off = c
            .end
            .as_ref()
            .and_then(|d| in_horizon(&mut cx, &cp.key("end"), d));
        if let (Some(a), Some(b)) = (on, off) {
            if b < a {
                cx.err(
                    &cp.key("end"),
                    format!("field `{}` is before `start`", cp.key("end")),
                );
            }
        }
        control_on_day.push(on);
        control_off_day.push(off);
        for (i, j) in c.staff_jurisdictions.iter().enumerate() {
            if !staff_jurs.contains(j.as_str()) {
                let path = cp.key("staff_jurisdictions").index(i);
                cx.err(
                    &path,
                    format!(
                        "field `{}`: no staff group works from `{j}`{}",
                        cp.key("staff_jurisdictions"),
                        suggestion(j, staff_jurs.iter().copied())
                    ),
                );
            }
        }
        let staff_jurisdictions = if c.staff_jurisdictions.is_empty() {
            vec![true; jurisdictions.len()]
        } else {
            jur_set(&c.staff_jurisdictions)
        };
        let mut pops = vec![c.populations.is_empty(); populations.len()];
        for (i, p) in c.populations.iter().enumerate() {
            if let Some(x) = lookup(
                &mut cx,
                &cp.key("populations").index(i),
                "population",
                &pop_names,
                p,
            ) {
                pops[x] = true;
            }
        }
        let kind = control_kind(&mut cx, &cp, c, &categories);
        let mut groups = vec![c.staff.is_empty(); staff.len()];
        for (i, g) in c.staff.iter().enumerate() {
            if let Some(x) = lookup(
                &mut cx,
                &cp.key("staff").index(i),
                "staff group",
                &staff_names,
                g,
            ) {
                groups[x] = true;
            }
        }
        let money = regime::money_rate(&mut cx, &cp.key("currency"), &c.currency, &raw.finance);
        controls.push(Control {
            name: cn.clone(),
            kind,
            staff_jurisdictions,
            staff: groups,
            populations: pops,
            annual_cost: cx.non_negative(&cp.key("annual_cost"), c.annual_cost) * money,
        });
    }

    // Flows.
    let mut flows = Vec::new();
    for (fname, f) in &raw.flow {
        let fp = root.key("flow").key(fname);
        let population = lookup(
            &mut cx,
            &fp.key("population"),
            "population",
            &pop_names,
            &f.population,
        );
        categories(&mut cx, &fp.key("categories"), &f.categories);
        let start_day = f
            .start
            .as_ref()
            .map(|d| in_horizon(&mut cx, &fp.key("start"), d))
            .unwrap_or(Some(0));
        let end_day = f
            .end
            .as_ref()
            .map(|d| in_horizon(&mut cx, &fp.key("end"), d))
            .unwrap_or(Some(last_day as u32));
        if let (Some(a), Some(b)) = (start_day, end_day) {
            if b < a {
                cx.err(
                    &fp.key("end"),
                    format!("field `{}` is before `start`", fp.key("end")),
                );
            }
        }
        let gateway = f.gateway.as_ref().and_then(|g| {
            let i = lookup(&mut cx, &fp.key("gateway"), "control", &control_names, g)?;
            if !matches!(
                controls.get(i).map(|c| &c.kind),
                Some(ControlKind::Gateway { .. })
            ) {
                cx.err(
                    &fp.key("gateway"),
                    format!(
                        "field `{}`: control `{g}` is not a gateway",
                        fp.key("gateway")
                    ),
                );
                return None;
            }
            Some(i)
        });
        let pb_per_day = cx.dist(&fp.key("pb_per_day"), &f.pb_per_day, true);
        if let (Some(population), Some(start_day), Some(end_day)) = (population, start_day, end_day)
        {
            flows.push(Flow {
                name: fname.clone(),
                population,
                to: jur_index(&f.to).unwrap_or(0),
                pb_per_day,
                start_day,
                end_day,
                gateway,
            });
        }
    }

    // Regime blocks.
    let names = regime::Names::of(raw);
    let bans = regime::bans(&mut cx, raw, &names);
    let ownerships = regime::ownerships(&mut cx, raw, &names);
    let regulators = regime::regulators(&mut cx, raw, &names, &calendar);
    let decisions = regime::decisions(&mut cx, raw, &names);
    let turnover_by_day = regime::turnover_by_day(&mut cx, &raw.finance, &calendar);

    // Timeline: fields that schedule things first, then the written events.
    let fixed = |day: u32, action: Action, label: String| TimelineEvent {
        day,
        action,
        label,
        probability: 1.0,
        delay_days: None,
    };
    let mut timeline = Vec::new();
    for (i, day) in site_online_day.iter().enumerate() {
        if let Some(day) = day {
            timeline.push(fixed(
                *day,
                Action::SiteOnline(i),
                format!("{} online", sites[i].name),
            ));
        }
    }
    for (i, c) in controls.iter().enumerate() {
        if let Some(day) = control_on_day[i] {
            timeline.push(fixed(day, Action::ControlOn(i), format!("{} on", c.name)));
        }
        if let Some(day) = control_off_day[i] {
            if (day as i64) < last_day {
                timeline.push(fixed(
                    day + 1,
                    Action::ControlOff(i),
                    format!("{} off", c.name),
                ));
            }
        }
    }
    let mut previous: Option<u32> = None;
    for (i, e) in raw.timeline.iter().enumerate() {
        let ep = root.key("timeline").index(i);
        let day = in_horizon(&mut cx, &ep.key("date"), &e.date);
        if let (Some(p), Some(d)) = (previous, day) {
            if d < p {
                cx.err(
                    &ep.key("date"),
                    format!("field `{}`: timeline events must be in date order; {} comes after a later date", ep.key("date"), e.date),
                );
            }
        }
        previous = day.or(previous);
        let probability = cx.probability(&ep.key("probability"), e.probability.unwrap_or(1.0));
        let delay_days = e
            .delay_days
            .as_ref()
            .map(|d| cx.dist(&ep.key("delay_days"), d, true));
        let action = regime::action(&mut cx, &ep, &regime::ActionFields::from(e), &names, raw);
        if let (Some(day), Some(action)) = (day, action) {
            if let Action::SiteOnline(s) = action {
                if site_online_day[s].is_some() {
                    cx.err(
                        &ep.key("site"),
                        format!("field `{}`: site `{}` already has an `online` date; use one or the other", ep.key("site"), site_names[s]),
                    );
                }
            }
            let label = e
                .label
                .clone()
                .unwrap_or_else(|| default_label(&action, &names, raw));
            timeline.push(TimelineEvent {
                day,
                action,
                label,
                probability,
                delay_days,
            });
        }
    }
    timeline.sort_by_key(|e| e.day);

    // Anything that can switch a site or control on makes it start off.
    let mut control_scheduled = vec![false; controls.len()];
    let mut starts_off = |a: &Action| match *a {
        Action::SiteOnline(s) => site_scheduled[s] = true,
        Action::ControlOn(c) => control_scheduled[c] = true,
        _ => {}
    };
    timeline.iter().for_each(|e| starts_off(&e.action));
    decisions
        .iter()
        .flat_map(|d| &d.outcomes)
        .flat_map(|o| &o.actions)
        .for_each(|(_, a)| starts_off(a));
    for r in &regulators {
        for st in &r.states {
            for (c, _) in &st.orders {
                control_scheduled[*c] = true;
            }
        }
    }

    // Data can be placed at `start` only on sites live on day 0.
    for (pn, p) in &raw.population {
        for (sn, share) in &p.placement {
            let Some(s) = site_names.iter().position(|n| n == sn) else {
                continue;
            };
            let live_at_start = !site_scheduled[s]
                || timeline.iter().any(|e| {
                    e.action == Action::SiteOnline(s)
                        && e.day == 0
                        && e.probability == 1.0
                        && e.delay_days.is_none()
                });
            if *share > 0.0 && !live_at_start {
                let path = root.key("population").key(pn).key("placement").key(sn);
                cx.err(&path, format!("field `{path}`: site `{sn}` goes live only after `start`, so it cannot hold data at `start`"));
            }
        }
    }

    if !cx.diags.is_empty() {
        return Err(cx.finish());
    }
    Ok(World {
        name,
        description: raw.description.clone(),
        seed: raw.seed,
        replications: replications as u32,
        calendar,
        currency: raw.finance.currency.clone(),
        discount_rate: raw.finance.discount_rate,
        weights,
        jurisdictions,
        populations,
        sites,
        migrations,
        flows,
        staff,
        controls,
        timeline,
        regulators,
        bans,
        ownerships,
        decisions,
        turnover_by_day,
        controls_on_at_start: control_scheduled.iter().map(|s| !s).collect(),
        sites_online_at_start: site_scheduled.iter().map(|s| !s).collect(),
    })
}

fn default_label(action: &Action, n: &regime::Names, raw: &RawScenario) -> String {
    match *action {
        Action::SiteOnline(s) => format!("{} online", n.sites[s]),
        Action::ControlOn(c) => format!("{} on", n.controls[c]),
        Action::ControlOff(c) => format!("{} off", n.controls[c]),
        Action::Headcount { staff, headcount } => {
            format!("{} headcount {}", n.staff[staff], headcount)
        }
        Action::BanStart(b) => format!("{} starts", n.bans[b]),
        Action::BanEnd(b) => format!("{} ends", n.bans[b]),
        Action::Outage { population, hours } => {
            format!("{} outage {} h", n.pops[population], hours)
        }
        Action::Ownership(o) => format!("{} ownership change", n.ownerships[o]),
        Action::RegulatorState {
            regulator, state, ..
        } => {
            let name = raw
                .regulator
                .values()
                .nth(regulator)
                .and_then(|r| r.state.keys().nth(state));
            format!(
                "{}: {}",
                n.regulators[regulator],
                name.map_or("?", String::as_str)
            )
        }
        Action::Decide(d) => format!("{} decided", n.decisions[d]),
    }
}

/// The folder-safe scenario name: `name` if the file sets one, else the file stem.
fn scenario_name(cx: &mut Ctx, raw: &RawScenario, sources: &Sources) -> String {
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

/// Users on each day: dated counts interpolated linearly (flat before the first), then compound
/// `growth` after the last; or `users` at `start` growing at `growth`.
fn users_by_day(cx: &mut Ctx, pp: &FieldPath, p: &RawPopulation, cal: &Calendar) -> Vec<f64> {
    let growth = p.growth;
    if !growth.is_finite() || growth <= -1.0 || growth > 100.0 {
        cx.err(
            &pp.key("growth"),
            format!(
                "field `{}` must be an annual rate above -1 (e.g. 0.05), got {growth}",
                pp.key("growth")
            ),
        );
        return vec![0.0; cal.days as usize];
    }
    let mut points: Vec<(i64, f64)> = Vec::new();
    match (&p.users, p.user_counts.is_empty()) {
        (Some(_), false) => {
            cx.err(
                &pp.key("users"),
                format!(
                    "field `{}`: give either `users` or `user_counts`, not both",
                    pp.key("users")
                ),
            );
        }
        (None, true) => {
            cx.err(
                pp,
                format!(
                    "population `{}` needs `users` (at start) or `user_counts` (dated)",
                    pp.0.last().map(seg_name).unwrap_or_default()
                ),
            );
        }
        (Some(u), true) => points.push((0, cx.at_most(&pp.key("users"), *u, MAX_USERS))),
        (None, false) => {
            for (i, uc) in p.user_counts.iter().enumerate() {
                let ip = pp.key("user_counts").index(i);
                let Some(date) = cx.date(&ip.key("date"), &uc.date) else {
                    continue;
                };
                let users = cx.at_most(&ip.key("users"), uc.users, MAX_USERS);
                let day = cal.day_of(date);
                if let Some(&(prev, _)) = points.last() {
                    if day <= prev {
                        cx.err(
                            &ip.key("date"),
                            format!("field `{}`: dates must increase", ip.key("date")),
                        );
                        continue;
                    }
                }
                points.push((day, users));
            }
        }
    }
    if points.is_empty() {
        return vec![0.0; cal.days as usize];
    }
    regime::grown_at_most(
        cx,
        &pp.key("growth"),
        "users",
        &points,
        growth,
        cal,
        MAX_USERS,
    )
}

/// The kind-specific part of a control, with fields of other kinds refused.
fn control_kind(
    cx: &mut Ctx,
    cp: &FieldPath,
    c: &RawControl,
    categories: &dyn Fn(&mut Ctx, &FieldPath, &[String]) -> CategorySet,
) -> ControlKind {
    let kind_name = match c.kind {
        RawControlKind::Deny => "deny",
        RawControlKind::Gateway => "gateway",
        RawControlKind::Approval => "approval",
        RawControlKind::Monitor => "monitor",
    };
    let fields: [(&str, bool, RawControlKind); 9] = [
        ("masks", !c.masks.is_empty(), RawControlKind::Gateway),
        (
            "reid_probability",
            c.reid_probability.is_some(),
            RawControlKind::Gateway,
        ),
        (
            "flow_pass_share",
            c.flow_pass_share.is_some(),
            RawControlKind::Gateway,
        ),
        ("reviewers", c.reviewers.is_some(), RawControlKind::Approval),
        (
            "review_days",
            c.review_days.is_some(),
            RawControlKind::Approval,
        ),
        (
            "approval_probability",
            c.approval_probability.is_some(),
            RawControlKind::Approval,
        ),
        (
            "patience_days",
            c.patience_days.is_some(),
            RawControlKind::Approval,
        ),
        (
            "detect_probability",
            c.detect_probability.is_some(),
            RawControlKind::Monitor,
        ),
        (
            "detection_delay_days",
            c.detection_delay_days.is_some(),
            RawControlKind::Monitor,
        ),
    ];
    for (f, present, owner) in fields {
        if present && owner != c.kind {
            cx.err_key(
                &cp.key(f),
                format!(
                    "field `{}` does not apply to a `{kind_name}` control",
                    cp.key(f)
                ),
            );
        }
    }
    let required = |cx: &mut Ctx, f: &str, present: bool| {
        if !present {
            cx.err(
                cp,
                format!(
                    "control `{}` of kind `{kind_name}` needs field `{f}`",
                    cp.0.last().map(seg_name).unwrap_or_default()
                ),
            );
        }
    };
    match c.kind {
        RawControlKind::Deny => ControlKind::Deny,
        RawControlKind::Gateway => {
            required(cx, "masks", !c.masks.is_empty());
            let masks = categories(cx, &cp.key("masks"), &c.masks);
            let reid_probability = cx.probability(
                &cp.key("reid_probability"),
                c.reid_probability.unwrap_or(0.0),
            );
            let flow_pass_share =
                cx.probability(&cp.key("flow_pass_share"), c.flow_pass_share.unwrap_or(1.0));
            ControlKind::Gateway {
                masks,
                reid_probability,
                flow_pass_share,
            }
        }
        RawControlKind::Approval => {
            required(cx, "reviewers", c.reviewers.is_some());
            required(cx, "review_days", c.review_days.is_some());
            let reviewers = c.reviewers.unwrap_or(1);
            if c.reviewers == Some(0) || reviewers > 100_000 {
                cx.err(
                    &cp.key("reviewers"),
                    format!(
                        "field `{}` must be between 1 and 100000, got {reviewers}",
                        cp.key("reviewers")
                    ),
                );
            }
            let review_days = c
                .review_days
                .as_ref()
                .map(|d| cx.dist(&cp.key("review_days"), d, true))
                .unwrap_or(Dist::Constant(0.0));
            let approval_probability = cx.probability(
                &cp.key("approval_probability"),
                c.approval_probability.unwrap_or(1.0),
            );
            let patience_days = c
                .patience_days
                .as_ref()
                .map(|d| cx.dist(&cp.key("patience_days"), d, true));
            ControlKind::Approval {
                reviewers: reviewers.max(1),
                review_days,
                approval_probability,
                patience_days,
            }
        }
        RawControlKind::Monitor => {
            required(cx, "detect_probability", c.detect_probability.is_some());
            let detect_probability = cx.probability(
                &cp.key("detect_probability"),
                c.detect_probability.unwrap_or(0.0),
            );
            let detection_delay_days = c
                .detection_delay_days
                .as_ref()
                .map(|d| cx.dist(&cp.key("detection_delay_days"), d, true))
                .unwrap_or(Dist::Constant(0.0));
            ControlKind::Monitor {
                detect_probability,
                detection_delay_days,
            }
        }
    }
}

fn seg_name(s: &super::source::Seg) -> String {
    match s {
        super::source::Seg::Key(k) => k.clone(),
        super::source::Seg::Index(i) => i.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "start = \"2024-01-01\"\nend = \"2024-12-31\"\n\
        [population.eu]\nhome = \"EU\"\nenclave = [\"IE\"]\nusers = 1000\n\
        data_per_user_mb = 1\nplacement = { dublin = 1.0 }\n\
        [site.dublin]\njurisdiction = \"IE\"\ncapacity_pb = 1\n";

    /// The diagnostics of `text` (one file), as `line:col: message`.
    fn problems(text: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, text).unwrap();
        let err = crate::scenario::load(&path).expect_err("refused");
        err.iter()
            .map(|d| {
                let (l, c) = d.location.unwrap_or((0, 0));
                format!("{l}:{c}: {}", d.message)
            })
            .collect()
    }

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

    #[test]
    fn an_entity_name_with_a_path_separator_is_refused_at_its_key() {
        let text = VALID.replace("[site.dublin]", "[site.\"../dublin\"]");
        let p = problems(&text);
        assert!(
            p.iter()
                .any(|m| m.starts_with("9:7: site name `../dublin` is not allowed")),
            "{p:?}"
        );
    }

    #[test]
    fn absurd_magnitudes_name_the_field_and_the_range() {
        let p = problems(&VALID.replace("users = 1000", "users = 9e18"));
        assert_eq!(
            p,
            ["6:9: field `population.eu.users` is out of range: allowed 0 to 1e10, got 9e18"]
        );
        let p = problems(&VALID.replace("capacity_pb = 1\n", "capacity_pb = 1e300\n"));
        assert!(p[0].contains("allowed 0 to 1e15, got 1e300"), "{p:?}");
    }

    #[test]
    fn past_a_hundred_problems_the_rest_are_counted() {
        let list: Vec<String> = (0..500).map(|i| format!("\"bad code {i}\"")).collect();
        let text = VALID.replace("[\"IE\"]", &format!("[{}]", list.join(", ")));
        let p = problems(&text);
        assert_eq!(p.len(), MAX_DIAGNOSTICS + 1);
        assert!(
            p[MAX_DIAGNOSTICS].contains("400 more problems not shown"),
            "{p:?}"
        );
    }
}
