//! Parameter paths: a dotted path such as `staff.cn_engineering.headcount` or
//! `staff.cn_engineering.sessions_per_person_day.median` names a number in the resolved scenario
//! (the merged `extends` chain, as `regsim explain` shows it before defaults). A segment may
//! index arrays, counting from 0: `regulator.irish_dpc.transition[3].per_year`,
//! `regulator.dsa_commission.state.decision.orders[0].comply_probability`.
//!
//! A path must end at a number that is written in the scenario or one of its bases; setting it
//! keeps the number's kind (an integer stays an integer, rounded). Unknown paths are reported with
//! the closest numeric paths that do exist.

/// Every path to a number in `table`, sorted (tables and arrays recursed).
pub fn numeric_paths(table: &toml::Table) -> Vec<String> {
    fn walk(p: String, v: &toml::Value, out: &mut Vec<String>) {
        match v {
            toml::Value::Integer(_) | toml::Value::Float(_) => out.push(p),
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let key = if p.is_empty() {
                        k.clone()
                    } else {
                        format!("{p}.{k}")
                    };
                    walk(key, v, out);
                }
            }
            toml::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(format!("{p}[{i}]"), v, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (k, v) in table {
        walk(k.clone(), v, &mut out);
    }
    out.sort();
    out
}

/// One step down a path: a table's key or an array's index.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The steps of `path` (`a.b[2].c` → a, b, 2, c); none if a bracket is malformed.
fn steps(path: &str) -> Option<Vec<Step<'_>>> {
    let mut out = Vec::new();
    for seg in path.split('.') {
        let open = seg.find('[').unwrap_or(seg.len());
        let (key, mut rest) = seg.split_at(open);
        out.push(Step::Key(key));
        while let Some(inner) = rest.strip_prefix('[') {
            let close = inner.find(']')?;
            let digits = &inner[..close];
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            out.push(Step::Index(digits.parse().ok()?));
            rest = &inner[close + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

/// The number at `path`, if there is one.
pub fn get(table: &toml::Table, path: &str) -> Option<f64> {
    let steps = steps(path)?;
    let Some((Step::Key(first), rest)) = steps.split_first() else {
        return None;
    };
    let mut v = table.get(*first)?;
    for step in rest {
        v = match step {
            Step::Key(k) => v.as_table()?.get(*k)?,
            Step::Index(i) => v.as_array()?.get(*i)?,
        };
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
    let steps = steps(path)?;
    let Some((Step::Key(first), rest)) = steps.split_first() else {
        return None;
    };
    let mut slot = table.get_mut(*first)?;
    for step in rest {
        slot = match step {
            Step::Key(k) => slot.as_table_mut()?.get_mut(*k)?,
            Step::Index(i) => slot.as_array_mut()?.get_mut(*i)?,
        };
    }
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
    fn paths_index_arrays_of_tables_and_of_numbers() {
        let mut t: toml::Table = toml::from_str(
            "[r]\nseriousness = [0.8, 0.2]\n[[r.transition]]\nper_year = 1\n[[r.transition]]\nper_year = 0.5\n",
        )
        .unwrap();
        assert_eq!(
            numeric_paths(&t),
            [
                "r.seriousness[0]",
                "r.seriousness[1]",
                "r.transition[0].per_year",
                "r.transition[1].per_year"
            ]
        );
        assert_eq!(get(&t, "r.transition[1].per_year"), Some(0.5));
        assert_eq!(set(&mut t, "r.transition[1].per_year", 2.0), Some(2.0));
        assert_eq!(t["r"]["transition"][1]["per_year"].as_float(), Some(2.0));
        assert_eq!(set(&mut t, "r.seriousness[1]", 0.3), Some(0.3));
        assert_eq!(get(&t, "r.seriousness[1]"), Some(0.3));
        for bad in [
            "r.transition[2].per_year",
            "r.transition[].per_year",
            "r.transition[x].per_year",
            "r.transition[1.per_year",
            "r.transition[1]x.per_year",
            "r.transition.per_year",
            "r[0].seriousness",
        ] {
            assert_eq!(get(&t, bad), None, "{bad}");
            assert_eq!(set(&mut t, bad, 1.0), None, "{bad}");
        }
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
