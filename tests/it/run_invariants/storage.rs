//! Storage replayed from a [`Spec`] by the documented rules, to compare with the engine's
//! residency and migration results.

use proptest::prelude::*;
use regsim::model::World;

use super::spec::*;

/// The storage of every population day by day, by the documented rules; returns PB-days outside
/// each population's enclave per month and PB moved per migration, and checks conservation.
pub fn replay_storage(spec: &Spec, world: &World) -> Result<(Vec<f64>, Vec<f64>), TestCaseError> {
    let ns = spec.sites.len();
    let cal = &world.calendar;
    let live_from = spec.site_live_from();
    let mut pb: Vec<Vec<f64>> = spec
        .pops
        .iter()
        .enumerate()
        .map(|(p, pop)| {
            let v = world.populations[p].volume_pb(0);
            let mut row = vec![0.0; ns];
            for &(s, share) in &pop.placement {
                row[s] = share * v;
            }
            row
        })
        .collect();
    let mut outside = vec![0.0; cal.months()];
    let mut moved = vec![0.0; spec.migrations.len()];
    for d in 0..spec.days as usize {
        // Rescale each population to its volume, in proportion to what each site holds.
        for (p, row) in pb.iter_mut().enumerate() {
            let target = world.populations[p].volume_pb(d);
            let have: f64 = row.iter().sum();
            if have > 0.0 {
                let k = target / have;
                row.iter_mut().for_each(|x| *x *= k);
            } else if target > 0.0 {
                for &(s, share) in &spec.pops[p].placement {
                    row[s] = share * target;
                }
            }
        }
        for (i, m) in spec.migrations.iter().enumerate() {
            if (d as u32) < m.start {
                continue;
            }
            let from: Vec<usize> = if m.from.is_empty() {
                (0..ns).filter(|s| !m.to.contains(s)).collect()
            } else {
                m.from.clone()
            };
            let mut budget = m.rate;
            'sources: for &src in &from {
                for &dst in &m.to {
                    if budget <= 0.0 {
                        break 'sources;
                    }
                    let available = pb[m.pop][src];
                    if available <= 0.0 {
                        break;
                    }
                    if live_from[dst] as usize > d {
                        continue;
                    }
                    let load: f64 = pb.iter().map(|row| row[dst]).sum();
                    let x = budget.min(available).min(spec.sites[dst].capacity - load);
                    if x > 0.0 {
                        pb[m.pop][src] -= x;
                        pb[m.pop][dst] += x;
                        budget -= x;
                        moved[i] += x;
                    }
                }
            }
        }
        for (p, row) in pb.iter().enumerate() {
            let v = world.populations[p].volume_pb(d);
            let sum: f64 = row.iter().sum();
            prop_assert!(
                (sum - v).abs() <= 1e-9 * v.max(1.0),
                "day {d}: population {p} holds {sum} PB over its sites, volume {v}"
            );
            prop_assert!(row.iter().all(|x| *x >= 0.0), "day {d}: {row:?}");
            for (s, site) in spec.sites.iter().enumerate() {
                if !spec.pops[p].enclave.contains(&site.jur) {
                    outside[cal.day_month[d] as usize] += row[s];
                }
            }
        }
    }
    Ok((outside, moved))
}
