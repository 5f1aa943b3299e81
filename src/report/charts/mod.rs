//! Charts, each written as both SVG and PNG (1200×700) with plotters.
//!
//! Every chart is a plain value (series already computed from the [`Summary`] and the
//! per-replication totals) that knows how to draw itself on any plotters backend; [`render`]
//! draws it twice, on an SVG string and on an RGB buffer encoded as PNG. Text uses the DejaVu
//! Sans font embedded in the binary (registered with plotters' `ab_glyph`), so PNGs look the same
//! on a machine with no fonts; SVGs name `sans-serif` and let the browser draw the text.
//!
//! The look is shared (`draw.rs`, re-exported here): a title, a subtitle naming the scenario and
//! seed, a legend row above the plot (never on top of data), the Okabe–Ito colour-blind-safe
//! palette, dates on time axes and money with its currency. Nothing depends on time or hash
//! order, so the same seed gives the same bytes.
//!
//! [`Summary`]: crate::metrics::aggregate::Summary

pub mod annual;
pub mod axis;
pub mod comparison;
mod draw;
pub mod forest;
mod loss;
pub mod scenario;
mod text;
mod time;
mod timeline;

pub use draw::*;
pub use loss::LossChart;
pub use time::{Layer, TimeChart};
pub use timeline::TimelineChart;
