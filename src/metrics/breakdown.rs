//! Breakdowns: metrics per entity, named `<metric>.<entity>`, where a scenario has more than one
//! entity of a kind — exposure per staff group and per population, fines per regulator and per
//! case, infrastructure cost per site, running cost and lost work per control, PB-days held in a restricted
//! jurisdiction per population and per site that can hold them, records compelled per
//! population. They are amounts ([`Kind::Sum`]) and add up to their metric (a regulator's cases
//! to its breakdown); `cost.total` is never their sum (it adds the eight components only).

use super::Kind;
use crate::model::World;

/// The first metric index of each breakdown (entities in the world's order), `None` where the
/// scenario has at most one entity of that kind.
#[derive(Debug, Clone, Default)]
pub struct Breakdown {
    pub visible_by_group: Option<usize>,
    pub reidentifiable_by_group: Option<usize>,
    pub visible_by_population: Option<usize>,
    pub reidentifiable_by_population: Option<usize>,
    pub fines_by_regulator: Option<usize>,
    pub fine_count_by_regulator: Option<usize>,
    /// Fines per case (`cost.fines.<regulator>.<case>`) of the chains that are cases, in chain
    /// order: those of a regulator add up to its `cost.fines.<regulator>`.
    pub fines_by_case: Option<usize>,
    pub fine_count_by_case: Option<usize>,
    pub infrastructure_by_site: Option<usize>,
    /// Running cost of each control (monitors' fees and other controls' costs).
    pub cost_by_control: Option<usize>,
    /// Work lost to each control (`cost.lost_work.<control>`), where two or more price it.
    pub lost_work_by_control: Option<usize>,
    /// `exposure.pb_days_restricted` per population, and per restricted site: the sites in a
    /// jurisdiction some population restricts (`restricted_sites`, in site order).
    pub restricted_by_population: Option<usize>,
    pub restricted_by_site: Option<usize>,
    pub restricted_sites: Vec<usize>,
    /// `exposure.records_compelled` per population.
    pub compelled_by_population: Option<usize>,
}

impl Breakdown {
    /// Appends the breakdown metrics to `names`/`kinds`.
    pub fn add(world: &World, names: &mut Vec<String>, kinds: &mut Vec<Kind>) -> Breakdown {
        let mut add = |metric: &str, entities: Vec<&str>| -> Option<usize> {
            if entities.len() < 2 {
                return None;
            }
            let first = names.len();
            for e in entities {
                let mut name = format!("{metric}.{e}");
                if names.contains(&name) {
                    name = format!("{metric}.by_entity.{e}");
                }
                names.push(name);
                kinds.push(Kind::Sum);
            }
            Some(first)
        };
        let groups: Vec<&str> = world.staff.iter().map(|g| g.name.as_str()).collect();
        let pops: Vec<&str> = world.populations.iter().map(|p| p.name.as_str()).collect();
        let regs: Vec<&str> = world.regulator_names.iter().map(String::as_str).collect();
        let cases: Vec<String> = world
            .regulators
            .iter()
            .filter(|r| r.case.is_some())
            .map(|r| r.key('.'))
            .collect();
        let cases: Vec<&str> = cases.iter().map(String::as_str).collect();
        let sites: Vec<&str> = world.sites.iter().map(|s| s.name.as_str()).collect();
        let controls: Vec<&str> = world.controls.iter().map(|c| c.name.as_str()).collect();
        let costly_controls = world
            .controls
            .iter()
            .filter(|c| world.drawn[c.annual_cost].dist.mean() > 0.0)
            .count();
        let priced = |d: Option<usize>| d.is_some_and(|d| world.drawn[d].dist.mean() > 0.0);
        let lost_work_controls = world
            .controls
            .iter()
            .filter(|c| priced(c.cost_per_blocked_session) || priced(c.cost_per_delay_day))
            .count();
        let restricted_sites: Vec<usize> = (0..world.sites.len())
            .filter(|&s| {
                let j = world.sites[s].jurisdiction;
                world.populations.iter().any(|p| p.restricted[j])
            })
            .collect();
        let restricted_site_names = restricted_sites
            .iter()
            .map(|&s| world.sites[s].name.as_str())
            .collect();
        let channels = !restricted_sites.is_empty();
        let compelled = !world.compelled.is_empty();
        Breakdown {
            visible_by_group: add("exposure.records_visible", groups.clone()),
            reidentifiable_by_group: add("exposure.records_reidentifiable", groups),
            visible_by_population: add("exposure.records_visible", pops.clone()),
            reidentifiable_by_population: add("exposure.records_reidentifiable", pops.clone()),
            fines_by_regulator: add("cost.fines", regs.clone()),
            fine_count_by_regulator: add("regulatory.fines", regs),
            fines_by_case: add("cost.fines", cases.clone()),
            fine_count_by_case: add("regulatory.fines", cases),
            infrastructure_by_site: add("cost.infrastructure", sites),
            cost_by_control: if costly_controls >= 2 {
                add("cost.control", controls.clone())
            } else {
                None
            },
            lost_work_by_control: if lost_work_controls >= 2 {
                add("cost.lost_work", controls)
            } else {
                None
            },
            restricted_by_population: if channels {
                add("exposure.pb_days_restricted", pops.clone())
            } else {
                None
            },
            restricted_by_site: add("exposure.pb_days_restricted", restricted_site_names),
            restricted_sites,
            compelled_by_population: if compelled {
                add("exposure.records_compelled", pops)
            } else {
                None
            },
        }
    }
}
