//! Sweep charts, as plain SVG written by hand (no fonts needed, byte-identical for the same
//! results): metric vs parameter with a p5–p95 band for one-parameter sweeps, a heatmap of the
//! mean for two-parameter grids, and a tornado of the sensitivity indices (Sobol ST with S1, or
//! Morris μ*) for `sobol` and `morris` designs. One chart per metric of the sweep's `metrics`
//! (default: a few headline metrics).

use std::fmt::Write;

use crate::report::format::{nice_ticks, si};

use super::sensitivity::Estimate;

const W: f64 = 900.0;
const H: f64 = 520.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 70.0;
const BOTTOM: f64 = 70.0;
const BLUE: &str = "#0072B2";
const ORANGE: &str = "#E69F00";

/// Metrics charted when the sweep file lists none.
pub const DEFAULT_METRICS: [&str; 4] = [
    "exposure.records_reidentifiable",
    "exposure.users_distinct",
    "exposure.score",
    "cost.total",
];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn f(v: f64) -> String {
    format!("{:.1}", v)
}

fn open(title: &str, subtitle: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"13\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"{LEFT}\" y=\"28\" font-size=\"17\" font-weight=\"bold\">{}</text>\n<text x=\"{LEFT}\" y=\"48\" fill=\"#555\">{}</text>\n",
        esc(title),
        esc(subtitle)
    );
    s
}

/// A linear map from `lo..hi` onto `a..b`.
fn scale(lo: f64, hi: f64, a: f64, b: f64) -> impl Fn(f64) -> f64 {
    let span = if hi > lo { hi - lo } else { 1.0 };
    move |v| a + (v - lo) / span * (b - a)
}

/// Metric vs one parameter: mean line, p5–p95 band, points sorted by the parameter.
/// `rows`: (parameter value, mean, p5, p95).
pub fn band(
    metric: &str,
    parameter: &str,
    subtitle: &str,
    rows: &[(f64, f64, f64, f64)],
) -> String {
    let mut rows = rows.to_vec();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (xlo, xhi) = (rows[0].0, rows[rows.len() - 1].0);
    let ylo = rows
        .iter()
        .map(|r| r.2.min(r.1))
        .fold(f64::INFINITY, f64::min);
    let yhi = rows
        .iter()
        .map(|r| r.3.max(r.1))
        .fold(f64::NEG_INFINITY, f64::max);
    let yt = nice_ticks(ylo.min(0.0), yhi, 5);
    let (y0, y1) = (yt[0], yt[yt.len() - 1]);
    let xs = scale(xlo, xhi, LEFT, W - RIGHT);
    let ys = scale(y0, y1, H - BOTTOM, TOP);
    let mut s = open(&format!("{metric} vs {parameter}"), subtitle);
    for t in &yt {
        let y = ys(*t);
        let _ = writeln!(
            s,
            "<line x1=\"{}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            f(LEFT),
            f(W - RIGHT),
            f(LEFT - 8.0),
            y + 4.0,
            esc(&si(*t))
        );
    }
    for t in nice_ticks(xlo, xhi, 6)
        .iter()
        .filter(|t| **t >= xlo && **t <= xhi)
    {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            f(xs(*t)),
            f(H - BOTTOM + 20.0),
            esc(&si(*t))
        );
    }
    let mut band = String::new();
    for r in &rows {
        let _ = write!(band, "{},{} ", f(xs(r.0)), f(ys(r.3)));
    }
    for r in rows.iter().rev() {
        let _ = write!(band, "{},{} ", f(xs(r.0)), f(ys(r.2)));
    }
    let _ = writeln!(
        s,
        "<polygon points=\"{}\" fill=\"{BLUE}\" fill-opacity=\"0.2\" stroke=\"none\"/>",
        band.trim_end()
    );
    let line: Vec<String> = rows
        .iter()
        .map(|r| format!("{},{}", f(xs(r.0)), f(ys(r.1))))
        .collect();
    let _ = writeln!(
        s,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{BLUE}\" stroke-width=\"2.5\"/>",
        line.join(" ")
    );
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n<text x=\"{}\" y=\"{}\" fill=\"{BLUE}\">mean, with p5–p95 across replications</text>\n</svg>",
        f((LEFT + W - RIGHT) / 2.0),
        f(H - 25.0),
        esc(parameter),
        f(W - RIGHT - 330.0),
        f(TOP - 8.0)
    );
    s
}

/// Colour of `t` in [0, 1] on a light-to-dark blue ramp.
fn ramp(t: f64) -> String {
    let t = t.clamp(0.0, 1.0);
    let (a, b) = ([240.0, 249.0, 232.0], [8.0, 64.0, 129.0]);
    let c: Vec<u8> = (0..3)
        .map(|i| (a[i] + t * (b[i] - a[i])).round() as u8)
        .collect();
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Heatmap of a metric's mean over a two-parameter grid. `xs`, `ys`: the axes' values in grid
/// order; `means[i][j]` at (xs[i], ys[j]).
pub fn heatmap(
    metric: &str,
    params: (&str, &str),
    subtitle: &str,
    xs: &[f64],
    ys: &[f64],
    means: &[Vec<f64>],
) -> String {
    let lo = means
        .iter()
        .flatten()
        .copied()
        .fold(f64::INFINITY, f64::min);
    let hi = means
        .iter()
        .flatten()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let cw = (W - LEFT - RIGHT) / xs.len() as f64;
    let ch = (H - TOP - BOTTOM) / ys.len() as f64;
    let mut s = open(&format!("{metric}: mean over the grid"), subtitle);
    for (i, x) in xs.iter().enumerate() {
        for (j, _) in ys.iter().enumerate() {
            let v = means[i][j];
            let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
            let (px, py) = (LEFT + i as f64 * cw, H - BOTTOM - (j + 1) as f64 * ch);
            let ink = if t > 0.55 { "white" } else { "black" };
            let _ = writeln!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"white\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{ink}\">{}</text>",
                f(px),
                f(py),
                f(cw),
                f(ch),
                ramp(t),
                f(px + cw / 2.0),
                f(py + ch / 2.0 + 4.0),
                esc(&si(v))
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            f(LEFT + (i as f64 + 0.5) * cw),
            f(H - BOTTOM + 20.0),
            esc(&si(*x))
        );
    }
    for (j, y) in ys.iter().enumerate() {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            f(LEFT - 8.0),
            f(H - BOTTOM - (j as f64 + 0.5) * ch + 4.0),
            esc(&si(*y))
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n<text x=\"20\" y=\"{}\" transform=\"rotate(-90 20 {})\" text-anchor=\"middle\">{}</text>\n</svg>",
        f((LEFT + W - RIGHT) / 2.0),
        f(H - 25.0),
        esc(params.0),
        f((TOP + H - BOTTOM) / 2.0),
        f((TOP + H - BOTTOM) / 2.0),
        esc(params.1)
    );
    s
}

/// Tornado of sensitivity indices, largest `main` first: a bar per parameter with its 95%
/// interval, and (Sobol) the first-order index as a thinner bar.
pub fn tornado(
    metric: &str,
    subtitle: &str,
    label: &str,
    rows: &[(String, Estimate, Option<Estimate>)],
) -> String {
    let mut rows = rows.to_vec();
    rows.sort_by(|a, b| b.1.value.total_cmp(&a.1.value).then(a.0.cmp(&b.0)));
    let hi = rows
        .iter()
        .map(|r| r.1.hi.max(r.1.value))
        .fold(0.0, f64::max)
        .max(1e-300);
    let left = 330.0;
    let xt = nice_ticks(0.0, hi, 5);
    let xs = scale(0.0, xt[xt.len() - 1], left, W - RIGHT);
    let rh = (H - TOP - BOTTOM) / rows.len().max(1) as f64;
    let mut s = open(&format!("{metric}: what matters most"), subtitle);
    for t in &xt {
        let x = xs(*t);
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{}\" y2=\"{}\" stroke=\"#ddd\"/><text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            f(TOP),
            f(H - BOTTOM),
            f(H - BOTTOM + 20.0),
            esc(&si(*t))
        );
    }
    for (i, (name, main, first)) in rows.iter().enumerate() {
        let y = TOP + i as f64 * rh;
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{BLUE}\"/>",
            f(left - 8.0),
            f(y + rh / 2.0 + 4.0),
            esc(name),
            f(left),
            f(y + rh * 0.2),
            f((xs(main.value.max(0.0)) - left).max(0.0)),
            f(rh * 0.6)
        );
        if let Some(e) = first {
            let _ = writeln!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{ORANGE}\"/>",
                f(left),
                f(y + rh * 0.4),
                f((xs(e.value.max(0.0)) - left).max(0.0)),
                f(rh * 0.2)
            );
        }
        let (a, b) = (xs(main.lo.max(0.0)), xs(main.hi.max(0.0)));
        let _ = writeln!(
            s,
            "<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"black\" stroke-width=\"1.5\"/>",
            f(a),
            f(b),
            f(y + rh / 2.0),
            f(y + rh / 2.0)
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n</svg>",
        f((left + W - RIGHT) / 2.0),
        f(H - 25.0),
        esc(label)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(v: f64) -> Estimate {
        Estimate {
            value: v,
            lo: v * 0.8,
            hi: v * 1.2,
        }
    }

    #[test]
    fn charts_are_well_formed_svg() {
        let b = band("m", "p", "s", &[(1.0, 2.0, 1.0, 3.0), (0.0, 1.0, 0.5, 2.0)]);
        let h = heatmap(
            "m",
            ("a", "b<c"),
            "s",
            &[1.0, 2.0],
            &[3.0, 4.0, 5.0],
            &[vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0]],
        );
        let t = tornado(
            "m",
            "s",
            "ST",
            &[
                ("a".into(), e(0.5), Some(e(0.3))),
                ("b".into(), e(0.1), None),
            ],
        );
        for svg in [b, h, t] {
            roxmltree::Document::parse(&svg).unwrap();
        }
    }
}
