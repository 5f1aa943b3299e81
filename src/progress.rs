//! Progress on long work: when stderr is a terminal, `run` and `diff` show an overall bar over
//! every replication and a bar for the scenario running, and `sweep` one bar over the
//! replications of every point it runs, with the points finished; each with an ETA. On a pipe
//! or a file nothing is drawn, so outputs and logs stay the same.
//!
//! A replication's end costs an atomic increment (indicatif rate-limits its own redraws); the
//! terminal is redrawn at most [`HZ`] times a second, by a ticker thread that also keeps the
//! elapsed time and ETA moving while long replications run.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Most redraws a second.
const HZ: u8 = 4;

/// The bars of one command; all hidden off a terminal.
pub struct Progress {
    /// Every replication of the command.
    overall: ProgressBar,
    /// The scenario running (`run`, `diff`), or none (`sweep`).
    part: Option<ProgressBar>,
    /// Holds the bars' shared draw target.
    _multi: Option<MultiProgress>,
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .expect("valid template")
        .progress_chars("=> ")
}

impl Progress {
    /// Nothing drawn.
    pub fn hidden() -> Progress {
        Progress {
            overall: ProgressBar::hidden(),
            part: None,
            _multi: None,
        }
    }

    /// Replications finished so far (counted on a hidden bar too), for a front end that draws
    /// its own progress.
    pub fn replications_done(&self) -> u64 {
        self.overall.position()
    }

    /// `total` replications over several scenarios, run one after the other: an overall bar
    /// and one for the scenario running (see [`Progress::scenario`]).
    pub fn scenarios(total: u64) -> Progress {
        Progress::drawn(total, "overall", "starting", true)
    }

    /// A sweep running `points` points of `replications` replications each (`name`: the
    /// sweep's): one bar over all their replications, with the points finished.
    pub fn sweep(name: &str, points: u64, replications: u64) -> Progress {
        let message = format!("0/{points} points");
        Progress::drawn(points * replications, name, &message, false)
    }

    fn drawn(total: u64, prefix: &str, message: &str, with_part: bool) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(HZ));
        let overall = multi.add(
            ProgressBar::new(total)
                .with_style(style(
                    "{prefix:>16} [{bar:30}] {human_pos}/{human_len} replications · {msg} · {elapsed} elapsed, ETA {eta}",
                ))
                .with_prefix(prefix.to_string())
                .with_message(message.to_string()),
        );
        overall.enable_steady_tick(Duration::from_millis(1000 / HZ as u64));
        let part = with_part.then(|| {
            multi.add(ProgressBar::new(0).with_style(style(
                "{prefix:>16} [{bar:30}] {human_pos}/{human_len} replications · ETA {eta}",
            )))
        });
        Progress {
            overall,
            part,
            _multi: Some(multi),
        }
    }

    /// Scenario `name` (number `index` of `count`, from 1) starts, with `replications`.
    pub fn scenario(&self, name: &str, index: usize, count: usize, replications: u64) {
        self.overall
            .set_message(format!("scenario {index}/{count}"));
        if let Some(b) = &self.part {
            b.reset();
            b.set_length(replications);
            b.set_prefix(name.to_string());
        }
    }

    /// One replication finished.
    pub fn replicated(&self) {
        self.overall.inc(1);
        if let Some(b) = &self.part {
            b.inc(1);
        }
    }

    /// A sweep's `done`-th point of `of` finished.
    pub fn point_done(&self, done: usize, of: usize) {
        self.overall.set_message(format!("{done}/{of} points"));
    }

    /// Clears the bars (done again, harmlessly, when they are dropped).
    pub fn finish(&self) {
        if let Some(b) = &self.part {
            b.finish_and_clear();
        }
        self.overall.finish_and_clear();
    }
}

/// Whatever way a command leaves (an error, a stop), its bars are cleared before its message
/// is printed.
impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
