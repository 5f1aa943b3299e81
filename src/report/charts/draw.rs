//! The look every chart shares: size, the embedded font registered with plotters, the
//! Okabe–Ito palette, the [`Plot`] trait and [`render`] (SVG and PNG), the frame with title,
//! subtitle and legend row, swatches, the empty-chart message and the run label.

use std::sync::Once;

use anyhow::anyhow;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle};

use super::text::{self, FONT};

/// Width and height of every chart, in pixels.
pub const SIZE: (u32, u32) = (1200, 700);

/// The family every chart uses; registered under the name SVG viewers also understand.
pub(crate) const FAMILY: &str = "sans-serif";

/// Registers the embedded font with plotters (once per process).
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if register_font(FAMILY, FontStyle::Normal, FONT).is_err() {
            panic!("the embedded DejaVu Sans font is not a valid TrueType font");
        }
    });
}

/// Okabe & Ito's colour-blind-safe palette.
pub mod palette {
    use plotters::style::RGBColor;
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    pub const GREEN: RGBColor = RGBColor(0, 158, 115);
    pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
    /// A ninth series colour beyond Okabe & Ito's eight: the mid grey their extended palette uses.
    pub const GREY: RGBColor = RGBColor(153, 153, 153);
    /// Series colours in order of use (yellow late: it is faint on white; grey for a ninth).
    pub const SERIES: [RGBColor; 9] = [
        BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY_BLUE, BLACK, YELLOW, GREY,
    ];
    /// The i-th series colour, cycling.
    pub fn series(i: usize) -> RGBColor {
        SERIES[i % SERIES.len()]
    }
    /// Text and axes.
    pub const INK: RGBColor = RGBColor(34, 34, 34);
    /// Subtitles and notes.
    pub const MUTED: RGBColor = RGBColor(90, 90, 90);
    /// Grid lines.
    pub const GRID: RGBColor = RGBColor(225, 225, 225);
    pub const GRID_LIGHT: RGBColor = RGBColor(242, 242, 242);
    /// Timeline event markers.
    pub const EVENT: RGBColor = RGBColor(150, 150, 150);
}

/// The result of drawing on a backend.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A chart that can draw itself on any backend.
pub trait Plot {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// One chart, ready to write as `<name>.svg` and `<name>.png`.
pub struct Rendered {
    pub name: String,
    pub svg: Vec<u8>,
    pub png: Vec<u8>,
}

/// Draws `plot` as SVG and as PNG.
pub fn render(name: &str, plot: &impl Plot) -> anyhow::Result<Rendered> {
    register_fonts();
    let (w, h) = SIZE;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        plot.draw(&root)
            .and_then(|_| root.present())
            .map_err(|e| anyhow!("cannot draw chart {name} (SVG): {e}"))?;
    }
    let mut rgb = vec![255u8; (w * h * 3) as usize];
    {
        let root = text::Crisp(BitMapBackend::with_buffer(&mut rgb, SIZE)).into_drawing_area();
        plot.draw(&root)
            .and_then(|_| root.present())
            .map_err(|e| anyhow!("cannot draw chart {name} (PNG): {e}"))?;
    }
    Ok(Rendered {
        name: name.to_string(),
        svg: svg.into_bytes(),
        png: encode_png(&rgb, w, h)?,
    })
}

/// RGB pixels as a PNG file.
fn encode_png(rgb: &[u8], w: u32, h: u32) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        enc.set_filter(png::FilterType::Sub);
        let mut writer = enc.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

/// A font of the chart family.
pub(crate) fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size).into_font()).color(&palette::INK)
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// A line over a faint band (median with p5–p95).
    Band(RGBColor),
    /// A filled block (stacked areas, bars).
    Fill(RGBColor),
    /// A pale block with a solid left edge (timeline bars).
    Bar(RGBColor),
    /// A faint vertical line (timeline events).
    Event,
    /// A dot.
    Dot(RGBColor),
}

/// One legend entry.
#[derive(Debug, Clone)]
pub struct LegendItem {
    pub swatch: Swatch,
    pub label: String,
}

impl LegendItem {
    pub fn new(swatch: Swatch, label: impl Into<String>) -> LegendItem {
        LegendItem {
            swatch,
            label: label.into(),
        }
    }
}

/// Title, subtitle, legend and footnote of a chart.
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub title: String,
    pub subtitle: String,
    pub legend: Vec<LegendItem>,
    /// A line under the plot (what is not shown, how to read it).
    pub note: Option<String>,
}

const PAD: i32 = 24;
const LEGEND_ROW: i32 = 26;
/// Opacity of p5–p95 bands.
pub(crate) const BAND_ALPHA: f64 = 0.18;

/// Draws the white page, title, subtitle, legend and note; returns the area left for the plot.
pub(crate) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    h: &Header,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (w, height) = root.dim_in_pixel();
    root.draw_text(&h.title, &font(26.0), (PAD, 16))?;
    root.draw_text(&h.subtitle, &font(16.0).color(&palette::MUTED), (PAD, 50))?;
    // Lay the legend out in rows that fit the width.
    let lf = font(15.0);
    let mut rows: Vec<Vec<(i32, &LegendItem)>> = vec![Vec::new()];
    let mut x = PAD;
    for item in &h.legend {
        let (tw, _) = root
            .estimate_text_size(&item.label, &lf)
            .unwrap_or((item.label.len() as u32 * 8, 15));
        let width = 34 + tw as i32 + 26;
        if x + width > w as i32 - PAD && x > PAD {
            rows.push(Vec::new());
            x = PAD;
        }
        rows.last_mut().expect("a row").push((x, item));
        x += width;
    }
    let legend_top = 80;
    for (r, row) in rows.iter().enumerate() {
        let y = legend_top + r as i32 * LEGEND_ROW + LEGEND_ROW / 2;
        for (x, item) in row {
            draw_swatch(root, item.swatch, *x, y)?;
            root.draw_text(
                &item.label,
                &lf.pos(Pos::new(HPos::Left, VPos::Center)),
                (x + 34, y),
            )?;
        }
    }
    let legend_rows = if h.legend.is_empty() { 0 } else { rows.len() };
    let top = legend_top + legend_rows as i32 * LEGEND_ROW + 6;
    let bottom = if let Some(note) = &h.note {
        let nf = font(14.0).color(&palette::MUTED);
        let lines = wrap(root, note, &nf, w as i32 - 2 * PAD);
        let n = lines.len() as i32;
        for (i, line) in lines.iter().enumerate() {
            root.draw_text(line, &nf, (PAD, height as i32 - 8 - (n - i as i32) * 19))?;
        }
        14 + n * 19
    } else {
        8
    };
    Ok(root.margin(top, bottom, 8, 44))
}

/// `text` broken at spaces into lines no wider than `width`.
fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    width: i32,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        let w = area
            .estimate_text_size(&candidate, style)
            .map(|s| s.0 as i32)
            .unwrap_or(candidate.len() as i32 * 8);
        if w > width && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    lines.push(line);
    lines
}

fn draw_swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: Swatch,
    x: i32,
    y: i32,
) -> DrawResult<DB> {
    match s {
        Swatch::Line(c) => {
            root.draw(&PathElement::new(
                vec![(x, y), (x + 28, y)],
                c.stroke_width(3),
            ))?;
        }
        Swatch::Dashed(c) => {
            for k in 0..3 {
                let x0 = x + k * 11;
                root.draw(&PathElement::new(
                    vec![(x0, y), (x0 + 6, y)],
                    c.stroke_width(3),
                ))?;
            }
        }
        Swatch::Band(c) => {
            root.draw(&Rectangle::new(
                [(x, y - 8), (x + 28, y + 8)],
                c.mix(BAND_ALPHA * 1.5).filled(),
            ))?;
            root.draw(&PathElement::new(
                vec![(x, y), (x + 28, y)],
                c.stroke_width(3),
            ))?;
        }
        Swatch::Fill(c) => {
            root.draw(&Rectangle::new([(x, y - 8), (x + 28, y + 8)], c.filled()))?;
        }
        Swatch::Bar(c) => {
            root.draw(&Rectangle::new(
                [(x, y - 8), (x + 28, y + 8)],
                c.mix(0.28).filled(),
            ))?;
            root.draw(&PathElement::new(
                vec![(x + 1, y - 8), (x + 1, y + 8)],
                c.stroke_width(3),
            ))?;
        }
        Swatch::Dot(c) => {
            root.draw(&Circle::new((x + 14, y), 5, c.filled()))?;
        }
        Swatch::Event => {
            for k in 0..4 {
                let y0 = y - 10 + k * 6;
                root.draw(&PathElement::new(
                    vec![(x + 14, y0), (x + 14, y0 + 3)],
                    palette::EVENT.stroke_width(2),
                ))?;
            }
        }
    }
    Ok(())
}

/// A message in the middle of an area that has nothing to plot.
pub(crate) fn empty_message<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[&str],
) -> DrawResult<DB> {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Rectangle::new(
        [(40, 20), (w as i32 - 40, h as i32 - 20)],
        palette::GRID.stroke_width(1),
    ))?;
    let f = font(20.0)
        .color(&palette::MUTED)
        .pos(Pos::new(HPos::Center, VPos::Center));
    let n = lines.len() as i32;
    for (i, l) in lines.iter().enumerate() {
        let y = h as i32 / 2 + (i as i32 * 2 - (n - 1)) * 16;
        area.draw_text(l, &f, (w as i32 / 2, y))?;
    }
    Ok(())
}

/// `scenario · seed S · N replications`, the start of every per-scenario subtitle.
pub fn run_label(name: &str, seed: u64, replications: usize) -> String {
    format!(
        "{name} · seed {seed} · {} replications",
        crate::report::format::thousands(replications as u64)
    )
}
