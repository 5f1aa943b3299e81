//! Drawing a [`Spec`] from a [`Shape`]: sizes from proptest, everything else from its seed,
//! always a valid scenario.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::spec::*;

impl Spec {
    /// Draws a scenario of `shape`, every other choice from its seed.
    pub fn generate(shape: &Shape) -> Spec {
        let rng = &mut Xoshiro256PlusPlus::seed_from_u64(shape.seed);
        let days = rng.random_range(20..=600);
        let day = |rng: &mut Xoshiro256PlusPlus| rng.random_range(0..days);

        // Sites: the first is live from `start`; the others may go live later.
        let mut sites: Vec<Site> = (0..shape.sites)
            .map(|s| Site {
                jur: rng.random_range(0..JURS.len()),
                online: match (s, rng.random_range(0..3)) {
                    (0, _) | (_, 0) => Online::Start,
                    (_, 1) => Online::Field(rng.random_range(0..days)),
                    _ => Online::Event(rng.random_range(0..days)),
                },
                capacity: 0.0,
                capex: if rng.random_bool(0.5) {
                    rng.random_range(0.0..1e8)
                } else {
                    0.0
                },
                opex: rng.random_range(0.0..1e7),
            })
            .collect();
        let live_at_start: Vec<usize> = (0..sites.len())
            .filter(|&s| sites[s].online.day() == 0)
            .collect();

        let pops: Vec<Pop> = (0..shape.pops)
            .map(|_| {
                let users = 10f64.powf(rng.random_range(3.0..8.5));
                let mut placement: Vec<(usize, f64)> = Vec::new();
                let chosen = maybe_subset(rng, &live_at_start);
                let chosen = if chosen.is_empty() { vec![0] } else { chosen };
                let weights: Vec<f64> = chosen.iter().map(|_| rng.random_range(0.1..1.0)).collect();
                let total: f64 = weights.iter().sum();
                let mut left = 1.0;
                for (i, (&s, w)) in chosen.iter().zip(&weights).enumerate() {
                    let share = if i + 1 == chosen.len() {
                        left
                    } else {
                        w / total
                    };
                    left -= share;
                    placement.push((s, share));
                }
                Pop {
                    users,
                    growth: rng.random_range(-0.5..1.0),
                    mb: if rng.random_bool(0.1) {
                        0.0
                    } else {
                        rng.random_range(1.0..1000.0)
                    },
                    enclave: subset(rng, JURS.len()),
                    restricted: maybe_subset(rng, &[0, 1, 2, 3]),
                    placement,
                    revenue: rng.random_range(0.0..50.0),
                }
            })
            .collect();
        // Capacity: what the placements put there at `start`, and some room.
        for (s, site) in sites.iter_mut().enumerate() {
            let placed: f64 = pops
                .iter()
                .flat_map(|p| {
                    p.placement
                        .iter()
                        .filter(move |(ps, _)| *ps == s)
                        .map(move |(_, share)| share * p.users * p.mb / 1e9)
                })
                .sum();
            site.capacity = placed * rng.random_range(1.01..2.0) + rng.random_range(0.0..50.0);
        }

        let migrations: Vec<Migration> = if shape.sites < 2 {
            Vec::new()
        } else {
            (0..shape.migrations)
                .map(|_| {
                    let to = subset(rng, shape.sites);
                    let rest: Vec<usize> = (0..shape.sites).filter(|s| !to.contains(s)).collect();
                    let to = if rest.is_empty() { vec![to[0]] } else { to };
                    let rest: Vec<usize> = (0..shape.sites).filter(|s| !to.contains(s)).collect();
                    let mut from = maybe_subset(rng, &rest);
                    if rng.random_bool(0.5) {
                        from.reverse();
                    }
                    let mut to = to;
                    if rng.random_bool(0.5) {
                        to.reverse();
                    }
                    Migration {
                        pop: rng.random_range(0..shape.pops),
                        start: day(rng),
                        from,
                        to,
                        rate: rng.random_range(0.0..2.0),
                        cost_per_pb: rng.random_range(0.0..1e6),
                    }
                })
                .collect()
        };

        let staff: Vec<Staff> = (0..shape.staff)
            .map(|_| Staff {
                jur: rng.random_range(0..JURS.len()),
                headcount: if rng.random_bool(0.1) {
                    0.0
                } else {
                    rng.random_range(0.0..40.0)
                },
                sessions: Dist::draw(rng, 2.0),
                records: Dist::draw(rng, 500.0),
                pops: subset(rng, shape.pops),
                cats: subset(rng, CATS.len()),
                misuse: if rng.random_bool(0.2) {
                    0.0
                } else {
                    rng.random_range(0.0..=1.0)
                },
            })
            .collect();
        let staff_jurs: Vec<usize> = {
            let mut v: Vec<usize> = staff.iter().map(|g| g.jur).collect();
            v.sort();
            v.dedup();
            v
        };

        let controls: Vec<Control> = (0..shape.controls)
            .map(|_| {
                let kind = match rng.random_range(0..4) {
                    0 => ControlKind::Deny,
                    1 => ControlKind::Gateway {
                        masks: subset(rng, CATS.len()),
                        reid: if rng.random_bool(0.3) {
                            0.0
                        } else {
                            rng.random_range(0.0..=1.0)
                        },
                        pass: rng.random_range(0.0..=1.0),
                    },
                    2 => ControlKind::Approval {
                        reviewers: rng.random_range(1..=4),
                        review: Dist::draw(rng, 0.5),
                        approval: if rng.random_bool(0.3) {
                            1.0
                        } else {
                            rng.random_range(0.0..=1.0)
                        },
                        patience: rng.random_bool(0.6).then(|| Dist::draw(rng, 1.0)),
                    },
                    _ => ControlKind::Monitor {
                        detect: rng.random_range(0.0..=1.0),
                        delay: rng.random_bool(0.7).then(|| Dist::draw(rng, 60.0)),
                    },
                };
                let start = rng.random_bool(0.3).then(|| day(rng));
                let end = rng
                    .random_bool(0.3)
                    .then(|| rng.random_range(start.unwrap_or(0)..days));
                Control {
                    kind,
                    start,
                    end,
                    staff_jurs: maybe_subset(rng, &staff_jurs),
                    staff: maybe_subset(rng, &(0..shape.staff).collect::<Vec<_>>()),
                    pops: maybe_subset(rng, &(0..shape.pops).collect::<Vec<_>>()),
                    annual_cost: rng.random_range(0.0..1e7),
                }
            })
            .collect();
        let gateways: Vec<usize> = (0..controls.len())
            .filter(|&c| matches!(controls[c].kind, ControlKind::Gateway { .. }))
            .collect();
        let denies: Vec<usize> = (0..controls.len())
            .filter(|&c| matches!(controls[c].kind, ControlKind::Deny))
            .collect();

        let flows: Vec<Flow> = (0..shape.flows)
            .map(|_| {
                let start = rng.random_bool(0.5).then(|| day(rng));
                let end = rng
                    .random_bool(0.5)
                    .then(|| rng.random_range(start.unwrap_or(0)..days));
                Flow {
                    pop: rng.random_range(0..shape.pops),
                    to: rng.random_range(0..JURS.len()),
                    pb: rng.random_range(0.0..0.1),
                    start,
                    end,
                    gateway: if gateways.is_empty() || rng.random_bool(0.3) {
                        None
                    } else {
                        Some(gateways[rng.random_range(0..gateways.len())])
                    },
                }
            })
            .collect();

        let ban = shape.ban.then(|| {
            let lo = rng.random_range(0.0..0.9);
            Ban {
                pop: rng.random_range(0..shape.pops),
                churn: Dist::draw(rng, 5.0),
                residual: (lo, rng.random_range(lo + 0.01..=1.0)),
                returning: rng.random_bool(0.5).then(|| Dist::draw(rng, 3.0)),
            }
        });
        let regulator = shape.regulator.then(|| Regulator {
            order: (!denies.is_empty() && rng.random_bool(0.5))
                .then(|| denies[rng.random_range(0..denies.len())]),
            penalty: if rng.random_bool(0.5) {
                rng.random_range(0.0..0.01)
            } else {
                0.0
            },
            per_year: [
                rng.random_range(0.0..5.0),
                rng.random_range(0.0..5.0),
                rng.random_range(0.0..5.0),
            ],
            drivers: [
                rng.random_range(0.0..0.1),
                rng.random_range(0.0..0.01),
                rng.random_range(0.0..0.1),
            ],
            max_share: rng.random_range(0.0..0.06),
            max_floor: rng.random_range(0.0..2e7),
        });

        // Sites switched on by an event get exactly one certain event; the other events are
        // drawn among what the scenario has.
        let mut events: Vec<Event> = sites
            .iter()
            .enumerate()
            .filter_map(|(s, site)| match site.online {
                Online::Event(d) => Some(Event {
                    day: d,
                    kind: EventKind::SiteOnline(s),
                    probability: None,
                    delay: None,
                }),
                _ => None,
            })
            .collect();
        for _ in 0..shape.events {
            let kind = match rng.random_range(0..6) {
                0 | 1 if !controls.is_empty() => {
                    let c = rng.random_range(0..controls.len());
                    if rng.random_bool(0.5) {
                        EventKind::ControlOn(c)
                    } else {
                        EventKind::ControlOff(c)
                    }
                }
                2 => EventKind::Headcount(
                    rng.random_range(0..staff.len()),
                    rng.random_range(0.0..60.0),
                ),
                3 => {
                    EventKind::Outage(rng.random_range(0..pops.len()), rng.random_range(0.0..72.0))
                }
                4 if ban.is_some() => {
                    if rng.random_bool(0.6) {
                        EventKind::BanStart
                    } else {
                        EventKind::BanEnd
                    }
                }
                5 if regulator.is_some() => EventKind::RegulatorState(
                    rng.random_range(0..REG_STATES.len()),
                    rng.random_bool(0.3).then(|| rng.random_range(0.0..1e7)),
                ),
                _ => EventKind::Headcount(
                    rng.random_range(0..staff.len()),
                    rng.random_range(0.0..60.0),
                ),
            };
            events.push(Event {
                day: day(rng),
                kind,
                probability: rng.random_bool(0.3).then(|| rng.random_range(0.0..=1.0)),
                delay: rng.random_bool(0.2).then(|| Dist::draw(rng, 30.0)),
            });
        }
        events.sort_by_key(|e| e.day);

        Spec {
            days,
            seed: rng.random_range(0..1_000_000),
            discount_rate: if rng.random_bool(0.5) {
                0.0
            } else {
                rng.random_range(0.0..0.2)
            },
            turnover: rng.random_range(0.0..1e11),
            pops,
            sites,
            migrations,
            flows,
            staff,
            controls,
            events,
            ban,
            regulator,
        }
    }
}
