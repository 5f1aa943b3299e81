//! Which controls are on and which sites are live: switched by the day loop on timeline events
//! and orders, read by sessions (routes), the estate (flows, site costs) and control fees.

/// On/off state of every control and site, indexed like the world's lists.
#[derive(Debug)]
pub(super) struct Switches {
    pub controls_on: Vec<bool>,
    pub sites_online: Vec<bool>,
    /// Sites decommissioned and emptied: offline for good.
    pub sites_retired: Vec<bool>,
}
