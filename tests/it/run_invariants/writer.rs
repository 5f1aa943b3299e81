//! A [`Spec`] written as scenario TOML, and the days on which its sites go live and its controls
//! are on, as the checks need them.

use std::fmt::Write as _;

use super::spec::*;

impl Spec {
    /// The scenario as a TOML file.
    pub fn toml(&self) -> String {
        let mut t = String::new();
        let w = &mut t;
        writeln!(w, "start = \"{}\"", date(0)).unwrap();
        writeln!(w, "end = \"{}\"", date(self.days - 1)).unwrap();
        writeln!(w, "seed = {}", self.seed).unwrap();
        writeln!(w, "\n[finance]\ndiscount_rate = {:?}", self.discount_rate).unwrap();
        if self.regulator.is_some() {
            writeln!(
                w,
                "turnover = [{{ date = \"{}\", amount = {:?} }}]",
                date(0),
                self.turnover
            )
            .unwrap();
        }
        for (i, p) in self.pops.iter().enumerate() {
            let placement: Vec<String> = p
                .placement
                .iter()
                .map(|(s, share)| format!("s{s} = {share:?}"))
                .collect();
            writeln!(
                w,
                "\n[population.p{i}]\nhome = \"A\"\nenclave = {}\nrestricted = {}\nusers = {:?}\ngrowth = {:?}\ndata_per_user_mb = {:?}\nplacement = {{ {} }}\nrevenue_per_user_year = {:?}",
                jurs(&p.enclave),
                jurs(&p.restricted),
                p.users,
                p.growth,
                p.mb,
                placement.join(", "),
                p.revenue
            )
            .unwrap();
        }
        for (i, s) in self.sites.iter().enumerate() {
            writeln!(
                w,
                "\n[site.s{i}]\njurisdiction = \"{}\"\ncapacity_pb = {:?}\ncapex = {:?}\nopex_per_year = {:?}",
                JURS[s.jur], s.capacity, s.capex, s.opex
            )
            .unwrap();
            if let Online::Field(d) = s.online {
                writeln!(w, "online = \"{}\"", date(d)).unwrap();
            }
        }
        for (i, m) in self.migrations.iter().enumerate() {
            writeln!(
                w,
                "\n[migration.m{i}]\npopulation = \"p{}\"\nstart = \"{}\"\nto = {}\nrate_pb_per_day = {:?}\ncost_per_pb = {:?}",
                m.pop,
                date(m.start),
                names("s", &m.to),
                m.rate,
                m.cost_per_pb
            )
            .unwrap();
            if !m.from.is_empty() {
                writeln!(w, "from = {}", names("s", &m.from)).unwrap();
            }
        }
        for (i, f) in self.flows.iter().enumerate() {
            writeln!(
                w,
                "\n[flow.f{i}]\npopulation = \"p{}\"\nto = \"{}\"\npb_per_day = {:?}",
                f.pop, JURS[f.to], f.pb
            )
            .unwrap();
            if let Some(d) = f.start {
                writeln!(w, "start = \"{}\"", date(d)).unwrap();
            }
            if let Some(d) = f.end {
                writeln!(w, "end = \"{}\"", date(d)).unwrap();
            }
            if let Some(c) = f.gateway {
                writeln!(w, "gateway = \"c{c}\"").unwrap();
            }
        }
        for (i, g) in self.staff.iter().enumerate() {
            writeln!(
                w,
                "\n[staff.g{i}]\njurisdiction = \"{}\"\nheadcount = {:?}\nsessions_per_person_day = {}\nrecords_per_session = {}\npopulations = {}\ncategories = {}\nmisuse_share = {:?}",
                JURS[g.jur],
                g.headcount,
                g.sessions.toml(),
                g.records.toml(),
                names("p", &g.pops),
                cats(&g.cats),
                g.misuse
            )
            .unwrap();
        }
        for (i, c) in self.controls.iter().enumerate() {
            let kind = match c.kind {
                ControlKind::Deny => "deny",
                ControlKind::Gateway { .. } => "gateway",
                ControlKind::Approval { .. } => "approval",
                ControlKind::Monitor { .. } => "monitor",
            };
            writeln!(
                w,
                "\n[control.c{i}]\nkind = \"{kind}\"\nannual_cost = {:?}",
                c.annual_cost
            )
            .unwrap();
            if let Some(d) = c.start {
                writeln!(w, "start = \"{}\"", date(d)).unwrap();
            }
            if let Some(d) = c.end {
                writeln!(w, "end = \"{}\"", date(d)).unwrap();
            }
            if !c.staff_jurs.is_empty() {
                writeln!(w, "staff_jurisdictions = {}", jurs(&c.staff_jurs)).unwrap();
            }
            if !c.staff.is_empty() {
                writeln!(w, "staff = {}", names("g", &c.staff)).unwrap();
            }
            if !c.pops.is_empty() {
                writeln!(w, "populations = {}", names("p", &c.pops)).unwrap();
            }
            match &c.kind {
                ControlKind::Deny => {}
                ControlKind::Gateway { masks, reid, pass } => writeln!(
                    w,
                    "masks = {}\nreid_probability = {reid:?}\nflow_pass_share = {pass:?}",
                    cats(masks)
                )
                .unwrap(),
                ControlKind::Approval {
                    reviewers,
                    review,
                    approval,
                    patience,
                } => {
                    writeln!(
                        w,
                        "reviewers = {reviewers}\nreview_days = {}\napproval_probability = {approval:?}",
                        review.toml()
                    )
                    .unwrap();
                    if let Some(p) = patience {
                        writeln!(w, "patience_days = {}", p.toml()).unwrap();
                    }
                }
                ControlKind::Monitor { detect, delay } => {
                    writeln!(w, "detect_probability = {detect:?}").unwrap();
                    if let Some(d) = delay {
                        writeln!(w, "detection_delay_days = {}", d.toml()).unwrap();
                    }
                }
            }
        }
        if let Some(b) = &self.ban {
            writeln!(
                w,
                "\n[ban.b]\npopulation = \"p{}\"\nchurn_per_year = {}\nresidual_share = {{ dist = \"uniform\", min = {:?}, max = {:?} }}",
                b.pop,
                b.churn.toml(),
                b.residual.0,
                b.residual.1
            )
            .unwrap();
            if let Some(r) = &b.returning {
                writeln!(w, "return_per_year = {}", r.toml()).unwrap();
            }
        }
        if let Some(r) = &self.regulator {
            writeln!(
                w,
                "\n[regulator.r]\ninitial = \"calm\"\n\n[regulator.r.fine]\nmax_share_of_turnover = {:?}\nmax_floor = {:?}\n\n[regulator.r.drivers]\ndetected_incidents = {:?}\nrecords_millions = {:?}\npb_outside = {:?}",
                r.max_share, r.max_floor, r.drivers[0], r.drivers[1], r.drivers[2]
            )
            .unwrap();
            writeln!(w, "\n[regulator.r.state.calm]\n\n[regulator.r.state.probe]\nproceedings = true\nmilestone = true\n\n[regulator.r.state.fined]\nfine = true\nmilestone = true\npenalty_share_of_daily_turnover = {:?}", r.penalty).unwrap();
            if let Some(c) = r.order {
                writeln!(w, "orders = [{{ control = \"c{c}\", after_days = 3 }}]").unwrap();
            }
            for (i, (from, to)) in [("calm", "probe"), ("probe", "fined"), ("fined", "calm")]
                .iter()
                .enumerate()
            {
                writeln!(
                    w,
                    "\n[[regulator.r.transition]]\nfrom = \"{from}\"\nto = \"{to}\"\nper_year = {:?}",
                    r.per_year[i]
                )
                .unwrap();
            }
        }
        for e in &self.events {
            writeln!(w, "\n[[timeline]]\ndate = \"{}\"", date(e.day)).unwrap();
            match &e.kind {
                EventKind::ControlOn(c) => {
                    writeln!(w, "kind = \"control_on\"\ncontrol = \"c{c}\"").unwrap()
                }
                EventKind::ControlOff(c) => {
                    writeln!(w, "kind = \"control_off\"\ncontrol = \"c{c}\"").unwrap()
                }
                EventKind::Headcount(g, h) => writeln!(
                    w,
                    "kind = \"headcount\"\nstaff = \"g{g}\"\nheadcount = {h:?}"
                )
                .unwrap(),
                EventKind::SiteOnline(s) => {
                    writeln!(w, "kind = \"site_online\"\nsite = \"s{s}\"").unwrap()
                }
                EventKind::Outage(p, h) => {
                    writeln!(w, "kind = \"outage\"\npopulation = \"p{p}\"\nhours = {h:?}").unwrap()
                }
                EventKind::BanStart => writeln!(w, "kind = \"ban_start\"\nban = \"b\"").unwrap(),
                EventKind::BanEnd => writeln!(w, "kind = \"ban_end\"\nban = \"b\"").unwrap(),
                EventKind::RegulatorState(s, fine) => {
                    writeln!(
                        w,
                        "kind = \"regulator_state\"\nregulator = \"r\"\nstate = \"{}\"",
                        REG_STATES[*s]
                    )
                    .unwrap();
                    if let Some(f) = fine {
                        writeln!(w, "fine = {f:?}").unwrap();
                    }
                }
            }
            if let Some(p) = e.probability {
                writeln!(w, "probability = {p:?}").unwrap();
            }
            if let Some(d) = &e.delay {
                writeln!(w, "delay_days = {}", d.toml()).unwrap();
            }
        }
        t
    }

    /// Day each site goes live (`None`: never within the horizon).
    pub fn site_live_from(&self) -> Vec<u32> {
        self.sites.iter().map(|s| s.online.day()).collect()
    }

    /// Each control's on/off state per day when it is certain (no uncertain event touches it,
    /// no compliance order names it), else `None`.
    pub fn control_days(&self) -> Vec<Option<Vec<bool>>> {
        let days = self.days as usize;
        (0..self.controls.len())
            .map(|c| {
                let ctl = &self.controls[c];
                let touching: Vec<&Event> = self
                    .events
                    .iter()
                    .filter(|e| {
                        matches!(e.kind, EventKind::ControlOn(x) | EventKind::ControlOff(x) if x == c)
                    })
                    .collect();
                let ordered = self.regulator.as_ref().is_some_and(|r| r.order == Some(c));
                if ordered || touching.iter().any(|e| !e.certain()) {
                    return None;
                }
                let switchable = ctl.start.is_some()
                    || touching
                        .iter()
                        .any(|e| matches!(e.kind, EventKind::ControlOn(_)));
                // Changes per day: the `start` and `end` fields first, then written events.
                let mut changes: Vec<(u32, bool)> = Vec::new();
                if let Some(s) = ctl.start {
                    changes.push((s, true));
                }
                if let Some(e) = ctl.end {
                    if e + 1 < self.days {
                        changes.push((e + 1, false));
                    }
                }
                for e in &touching {
                    changes.push((e.day, matches!(e.kind, EventKind::ControlOn(_))));
                }
                changes.sort_by_key(|(d, _)| *d);
                let mut on = !switchable;
                let mut next = 0;
                let mut v = Vec::with_capacity(days);
                for d in 0..self.days {
                    while next < changes.len() && changes[next].0 == d {
                        on = changes[next].1;
                        next += 1;
                    }
                    v.push(on);
                }
                Some(v)
            })
            .collect()
    }
}
