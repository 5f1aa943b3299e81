//! Errors and their exit codes.
//!
//! Bad input is collected as [`Diagnostic`]s (`file:line:col: message`) and reported all at once
//! with exit code 2; anything that goes wrong while running or writing is a runtime failure
//! (exit 1); a failed `[[expect]]` check is exit 3, after all outputs are written. `main` maps
//! [`Error`] to these codes and nothing else decides them.

use std::fmt;
use std::path::PathBuf;

/// Exit code of a successful run.
pub const EXIT_OK: i32 = 0;
/// Exit code of a runtime failure (I/O, an engine failure).
pub const EXIT_RUNTIME: i32 = 1;
/// Exit code of bad usage or invalid input; nothing was written.
pub const EXIT_INVALID: i32 = 2;
/// Exit code when an `[[expect]]` check failed; every output was written.
pub const EXIT_EXPECT: i32 = 3;

/// One problem in an input file, located as precisely as the file allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based line and column (in characters), when the problem has a place in the file.
    pub location: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.location {
            Some((line, col)) => write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                line,
                col,
                self.message
            ),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid input files: every problem found, in file order.
    #[error("{}", render(.0))]
    Invalid(Vec<Diagnostic>),
    /// Bad command-line usage that clap cannot see (e.g. a folder with no scenarios).
    #[error("{0}")]
    Usage(String),
    /// A failure while running or writing outputs.
    #[error(transparent)]
    Runtime(#[from] anyhow::Error),
    /// SIGINT, SIGTERM or `--timeout` stopped the run; says what was written in full.
    #[error("{0}")]
    Stopped(String),
    /// At least one `[[expect]]` check failed (outputs were written); one line per failure.
    #[error("{0}")]
    Expectations(String),
}

fn render(diags: &[Diagnostic]) -> String {
    let mut s = String::new();
    for (i, d) in diags.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&d.to_string());
    }
    s
}

impl Error {
    /// The documented exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid(_) | Error::Usage(_) => EXIT_INVALID,
            Error::Runtime(_) | Error::Stopped(_) => EXIT_RUNTIME,
            Error::Expectations(_) => EXIT_EXPECT,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Runtime(e.into())
    }
}
