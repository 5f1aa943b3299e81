//! The TOML block `calibrate` writes: one `[[regulator.NAME.transition]]` per fitted exit
//! whose `per_year` is its Gamma posterior (drawn once per replication), the fine's share of the
//! legal maximum, and the appeal share and court hazards — each value with a comment naming the
//! rows it came from.

use std::fmt::Write as _;

use super::fit::{Fit, Hazard, PRIOR_RATE, PRIOR_SHAPE};

/// z of the 5th and 95th percentiles of a normal.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// A number short enough to read and exact enough to reproduce the fit (6 significant digits).
pub fn num(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let digits = 6 - 1 - x.abs().log10().floor() as i32;
    if (0..=12).contains(&digits) {
        let s = format!("{x:.*}", digits as usize);
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        if s.contains('.') || s.contains('e') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        format!("{x:.5e}")
    }
}

/// Ids as a comment list, wrapped under `# ` at 100 columns.
fn ids(list: &[String]) -> String {
    if list.is_empty() {
        "none".into()
    } else {
        list.join(", ")
    }
}

fn comment(out: &mut String, text: &str) {
    let mut line = String::from("#");
    for word in text.split(' ') {
        if line.len() + 1 + word.len() > 98 && line.len() > 1 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

fn hazard_comment(out: &mut String, h: &Hazard, until: &str) {
    let g = h.posterior;
    comment(
        out,
        &format!(
            "{} event(s) ({}) in {} case-years spent in `{}` by {} row(s) ({}; still there on {until}: {}). \
             Posterior mean {} a year, 95% interval {}–{}.",
            h.events.len(),
            ids(&h.events),
            num(h.exposure_years),
            h.from,
            h.exposed.len(),
            ids(&h.exposed),
            ids(&h.censored),
            num(g.mean()),
            num(g.quantile(0.025)),
            num(g.quantile(0.975)),
        ),
    );
    if h.events.is_empty() {
        comment(
            out,
            "No row left by this exit: its posterior rests on the prior's half event; drop the \
             transition if the regulator cannot take it.",
        );
    }
}

fn gamma(h: &Hazard) -> String {
    format!(
        "{{ dist = \"gamma\", shape = {}, rate = {} }}",
        num(h.posterior.shape),
        num(h.posterior.rate)
    )
}

/// The TOML block for one fit; `files` names the record files in its header.
pub fn toml(fit: &Fit, files: &str) -> String {
    let reg = &fit.regulator.id;
    let until = fit.until.to_string();
    let mut out = String::new();
    comment(
        &mut out,
        &format!(
            "Fitted by `regsim calibrate {files} --regulator {reg} --until {until}` ({} row(s): {}).",
            fit.rows.len(),
            ids(&fit.rows)
        ),
    );
    comment(
        &mut out,
        &format!(
            "Each hazard is exponential within its stage; its `per_year` is the Gamma posterior of the \
             censored likelihood, drawn once per replication: prior Gamma(shape {PRIOR_SHAPE}, rate \
             {PRIOR_RATE}) (half an event in a year: weak), posterior Gamma({PRIOR_SHAPE} + \
             events, {PRIOR_RATE} + case-years). Rows still open on {until} count their time to it \
             and no event."
        ),
    );
    for h in &fit.hazards {
        out.push('\n');
        let _ = writeln!(out, "[[regulator.{reg}.transition]]");
        let _ = writeln!(out, "from = \"{}\"", h.from);
        let _ = writeln!(out, "to = \"{}\"", h.to);
        hazard_comment(&mut out, h, &until);
        let _ = writeln!(out, "per_year = {}", gamma(h));
    }
    out.push('\n');
    let _ = writeln!(out, "[regulator.{reg}.fine]");
    match &fit.share {
        Some(s) => {
            let list: Vec<String> = s
                .rows
                .iter()
                .map(|(id, x)| format!("{id} {}", num(*x)))
                .collect();
            comment(
                &mut out,
                &format!(
                    "A fine's share of its legal maximum (fine_eur / (legal_max_share x turnover_eur)): \
                     lognormal by maximum likelihood on the log shares of {} fine(s) ({}): mu = {}, \
                     sigma = {}; median {}, 90% interval {}–{}.{}",
                    s.rows.len(),
                    list.join(", "),
                    num(s.mu),
                    num(s.sigma),
                    num(s.quantile(0.0)),
                    num(s.quantile(-Z95)),
                    num(s.quantile(Z95)),
                    if fit.fines_without_share.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " Fines without turnover or legal maximum, not used: {}.",
                            ids(&fit.fines_without_share)
                        )
                    }
                ),
            );
            let _ = writeln!(
                out,
                "share_of_max = {{ dist = \"lognormal\", p5 = {}, p95 = {} }}",
                num(s.quantile(-Z95)),
                num(s.quantile(Z95))
            );
        }
        None => comment(
            &mut out,
            &format!(
                "share_of_max not fitted: fewer than two fines with fine_eur, turnover_eur and \
                 legal_max_share by {until} (with a fine but not those: {}).",
                ids(&fit.fines_without_share)
            ),
        ),
    }
    out.push('\n');
    let _ = writeln!(out, "[regulator.{reg}.appeal]");
    let a = &fit.appeal_share;
    comment(
        &mut out,
        &format!(
            "{} of {} decision(s) whose appeal status was known on {until} were appealed ({}; known: \
             {}). Posterior mean with a Jeffreys Beta(1/2, 1/2) prior: (k + 1/2) / (n + 1).",
            a.appealed.len(),
            a.known.len(),
            ids(&a.appealed),
            ids(&a.known)
        ),
    );
    let _ = writeln!(out, "probability = {}", num(a.mean()));
    for h in &fit.appeal_hazards {
        out.push('\n');
        let _ = writeln!(out, "[[regulator.{reg}.appeal.outcome]]");
        let _ = writeln!(out, "outcome = \"{}\"", h.to);
        hazard_comment(&mut out, h, &until);
        let _ = writeln!(out, "per_year = {}", gamma(h));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_six_significant_digits() {
        assert_eq!(num(5.5), "5.5");
        assert_eq!(num(10.412_345_6), "10.4123");
        assert_eq!(num(0.000_123_456_78), "0.000123457");
        assert_eq!(num(3.0), "3.0");
        assert_eq!(num(2.5e9), "2.50000e9");
    }
}
