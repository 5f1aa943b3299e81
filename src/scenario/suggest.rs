//! "Did you mean" hints: the closest valid name to an unknown one, by edit distance, and the
//! list of valid names. Every diagnostic that names something unknown uses it.

/// "; did you mean `x`? valid: a, b, c" for an unknown name, given the valid ones.
pub fn suggestion<'a>(name: &str, valid: impl Iterator<Item = &'a str>) -> String {
    let valid: Vec<&str> = valid.collect();
    if valid.is_empty() {
        return String::new();
    }
    let best = valid
        .iter()
        .map(|v| (strsim::damerau_levenshtein(name, v), *v))
        .min()
        .filter(|(d, v)| *d <= 3.max(v.len() / 3));
    let list = valid.join(", ");
    match best {
        Some((_, v)) => format!("; did you mean `{v}`? (valid: {list})"),
        None => format!(" (valid: {list})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_name_the_closest_valid_field() {
        let s = suggestion("headcont", ["headcount", "jurisdiction"].into_iter());
        assert!(s.contains("did you mean `headcount`"), "{s}");
        let s = suggestion("zzzzzzzzzz", ["a", "b"].into_iter());
        assert!(!s.contains("did you mean"), "{s}");
    }
}
