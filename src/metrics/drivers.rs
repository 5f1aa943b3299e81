//! Which drawn input moves a paired difference most: Spearman's rank correlation of the
//! difference, replication by replication, with each quantity drawn once per replication (the
//! columns of `inputs.csv`). Ranks of ties are averaged; a constant column has no correlation.

/// The input whose rank correlation with a paired difference is strongest.
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    /// The `inputs.csv` column.
    pub input: String,
    /// Spearman's ρ, from −1 to 1.
    pub rho: f64,
}

/// Ranks from 1 to n, ties given the mean of the ranks they span.
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            r[k] = mean;
        }
        i = j + 1;
    }
    r
}

/// Pearson's correlation; `None` when either side is constant.
fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len().min(b.len()) as f64;
    if n < 3.0 {
        return None;
    }
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    (saa > 0.0 && sbb > 0.0).then(|| (sab / (saa * sbb).sqrt()).clamp(-1.0, 1.0))
}

/// Spearman's rank correlation of `a` and `b`; `None` when either is constant.
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    pearson(&ranks(a), &ranks(b))
}

/// The input of `inputs` (name, one value per replication) with the largest |ρ| against
/// `diff`; the first in column order on a tie; `None` when no input varies with it.
pub fn strongest(diff: &[f64], inputs: &[(String, Vec<f64>)]) -> Option<Driver> {
    let mut best: Option<Driver> = None;
    for (name, column) in inputs {
        let Some(rho) = spearman(diff, column) else {
            continue;
        };
        if best.as_ref().is_none_or(|b| rho.abs() > b.rho.abs()) {
            best = Some(Driver {
                input: name.clone(),
                rho,
            });
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_their_mean_rank() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), [3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn a_monotone_input_beats_a_noisy_one_and_constants_are_skipped() {
        // diff = exp(x): monotone in x (ρ = 1) though far from linear; y is unrelated.
        let x: Vec<f64> = (0..50).map(|i| ((i * 17) % 50) as f64).collect();
        let diff: Vec<f64> = x.iter().map(|v| (v / 5.0).exp()).collect();
        let y: Vec<f64> = (0..50).map(|i| ((i * 31 + 7) % 13) as f64).collect();
        let inputs = vec![
            ("constant".to_string(), vec![1.0; 50]),
            ("y".to_string(), y),
            ("minus_x".to_string(), x.iter().map(|v| -v).collect()),
        ];
        let d = strongest(&diff, &inputs).unwrap();
        assert_eq!(d.input, "minus_x");
        assert!((d.rho + 1.0).abs() < 1e-12, "{}", d.rho);
        assert_eq!(spearman(&diff, &[2.0; 50]), None);
        assert_eq!(strongest(&diff, &inputs[..1]), None);
    }
}
