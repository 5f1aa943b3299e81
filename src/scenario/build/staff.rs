//! The `[staff.NAME]` blocks: groups of people who read user data — where they work from, how
//! many they are, how often they read which populations' data and categories, and the share
//! who misuse it.

use super::codes::{categories, Jurisdictions};
use super::ctx::{
    lookup, Ctx, MAX_HEADCOUNT, MAX_RECORDS_PER_SESSION, MAX_SESSIONS_PER_PERSON_DAY,
};
use super::names::Names;
use crate::model::StaffGroup;
use crate::scenario::raw::RawScenario;
use crate::scenario::source::FieldPath;

/// Every staff group, in name order.
pub(super) fn staff(
    cx: &mut Ctx,
    raw: &RawScenario,
    jur: &Jurisdictions,
    names: &Names,
) -> Vec<StaffGroup> {
    let mut staff = Vec::new();
    for (gn, g) in &raw.staff {
        let gp = FieldPath::root().key("staff").key(gn);
        let mut pops = Vec::new();
        for (i, p) in g.populations.iter().enumerate() {
            if let Some(x) = lookup(
                cx,
                &gp.key("populations").index(i),
                "population",
                &names.pops,
                p,
            ) {
                if pops.contains(&x) {
                    cx.err(
                        &gp.key("populations").index(i),
                        format!(
                            "field `{}`: population `{p}` is listed twice",
                            gp.key("populations")
                        ),
                    );
                } else {
                    pops.push(x);
                }
            }
        }
        if g.populations.is_empty() {
            cx.err(
                &gp.key("populations"),
                format!(
                    "field `{}`: name at least one population the group reads",
                    gp.key("populations")
                ),
            );
        }
        let cats = categories(cx, &gp.key("categories"), &g.categories);
        if g.categories.is_empty() {
            cx.err(
                &gp.key("categories"),
                format!(
                    "field `{}`: name at least one data category",
                    gp.key("categories")
                ),
            );
        }
        staff.push(StaffGroup {
            name: gn.clone(),
            jurisdiction: jur.index(&g.jurisdiction).unwrap_or(0),
            headcount: cx.at_most(&gp.key("headcount"), g.headcount, MAX_HEADCOUNT),
            sessions_per_person_day: cx.dist_at_most(
                &gp.key("sessions_per_person_day"),
                &g.sessions_per_person_day,
                true,
                MAX_SESSIONS_PER_PERSON_DAY,
            ),
            records_per_session: cx.dist_at_most(
                &gp.key("records_per_session"),
                &g.records_per_session,
                true,
                MAX_RECORDS_PER_SESSION,
            ),
            populations: pops,
            categories: cats,
            misuse_share: cx.probability(&gp.key("misuse_share"), g.misuse_share),
        });
    }
    staff
}
