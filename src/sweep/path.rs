//! Parameter paths: a dotted path such as `staff.cn_engineering.headcount` or
//! `staff.cn_engineering.sessions_per_person_day.median` names a number in the resolved scenario
//! (the merged `extends` chain, as `regsim explain` shows it before defaults).
//!
//! A path must end at a number that is written in the scenario or one of its bases; setting it
//! keeps the number's kind (an integer stays an integer, rounded). Unknown paths are reported with
//! the closest numeric paths that do exist.

/// Every path to a number in `table`, sorted (tables recursed; arrays are not addressable).
pub fn numeric_paths(table: &toml::Table) -> Vec<String> {
    fn walk(prefix: &str, t: &toml::Table, out: &mut Vec<String>) {
        for (k, v) in t {
            let p = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Integer(_) | toml::Value::Float(_) => out.push(p),
                toml::Value::Table(inner) => walk(&p, inner, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk("", table, &mut out);
    out.sort();
    out
}

/// The number at `path`, if there is one.
pub fn get(table: &toml::Table, path: &str) -> Option<f64> {
    let mut segs = path.split('.');
    let first = segs.next()?;
    let mut v = table.get(first)?;
    for s in segs {
        v = v.as_table()?.get(s)?;
    }
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Sets the number at `path` (which [`get`] found) to `value`; an integer field is rounded.
/// Returns the value actually set.
pub fn set(table: &mut toml::Table, path: &str, value: f64) -> Option<f64> {
    let segs: Vec<&str> = path.split('.').collect();
    let (last, parents) = segs.split_last()?;
    let mut t = table;
    for s in parents {
        t = t.get_mut(*s)?.as_table_mut()?;
    }
    let slot = t.get_mut(*last)?;
    match slot {
        toml::Value::Integer(_) => {
            // Saturates outside the i64 range (and NaN becomes 0): report what was stored.
            let r = value.round() as i64;
            *slot = toml::Value::Integer(r);
            Some(r as f64)
        }
        toml::Value::Float(_) => {
            *slot = toml::Value::Float(value);
            Some(value)
        }
        _ => None,
    }
}

/// Up to `n` valid paths closest to `wanted` (Damerau–Levenshtein on the whole path), closest
/// first; ties in path order.
pub fn closest<'a>(wanted: &str, valid: &'a [String], n: usize) -> Vec<&'a str> {
    let mut scored: Vec<(usize, &str)> = valid
        .iter()
        .map(|v| (strsim::damerau_levenshtein(wanted, v), v.as_str()))
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, v)| v).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> toml::Table {
        toml::from_str(
            "[staff.cn]\nheadcount = 300\nsessions = { dist = \"lognormal\", median = 0.1, p90 = 0.25 }\nname = \"x\"\n",
        )
        .unwrap()
    }

    #[test]
    fn paths_reach_numbers_inside_distribution_tables() {
        let t = table();
        assert_eq!(
            numeric_paths(&t),
            [
                "staff.cn.headcount",
                "staff.cn.sessions.median",
                "staff.cn.sessions.p90"
            ]
        );
        assert_eq!(get(&t, "staff.cn.sessions.median"), Some(0.1));
        assert_eq!(get(&t, "staff.cn.name"), None);
        assert_eq!(get(&t, "staff.xx.headcount"), None);
    }

    #[test]
    fn integers_stay_integers() {
        let mut t = table();
        assert_eq!(set(&mut t, "staff.cn.headcount", 412.6), Some(413.0));
        assert_eq!(t["staff"]["cn"]["headcount"].as_integer(), Some(413));
        assert_eq!(set(&mut t, "staff.cn.sessions.p90", 0.5), Some(0.5));
        // Beyond what an integer holds: the value stored, not the value asked for.
        assert_eq!(
            set(&mut t, "staff.cn.headcount", 1e300),
            Some(i64::MAX as f64)
        );
        assert_eq!(t["staff"]["cn"]["headcount"].as_integer(), Some(i64::MAX));
        assert_eq!(t["staff"]["cn"]["sessions"]["p90"].as_float(), Some(0.5));
    }

    #[test]
    fn the_closest_paths_come_first() {
        let valid = numeric_paths(&table());
        assert_eq!(
            closest("staff.cn.headcont", &valid, 2)[0],
            "staff.cn.headcount"
        );
    }
}
