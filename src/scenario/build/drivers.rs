//! A regulator's driver coefficients (`drivers`, `gravity`), shared by the regulator, its
//! transitions and fine model ([`super::regulator`]) and its cases ([`super::case`]).

use super::ctx::Ctx;
use crate::model::Drivers;
use crate::scenario::raw::RawDrivers;
use crate::scenario::source::FieldPath;

/// Driver coefficients, each non-negative, in the order of [`crate::model::DRIVER_NAMES`].
pub(super) fn drivers(cx: &mut Ctx, dp: &FieldPath, d: &RawDrivers) -> Drivers {
    [
        ("detected_incidents", d.detected_incidents),
        ("records_millions", d.records_millions),
        ("pb_outside", d.pb_outside),
        ("pb_accessible", d.pb_accessible),
        ("users_millions", d.users_millions),
        ("exposure_years", d.exposure_years),
        ("pb_restricted", d.pb_restricted),
        ("records_compelled_millions", d.records_compelled_millions),
    ]
    .map(|(k, v)| cx.non_negative(&dp.key(k), v))
}
