//! Integration tests, in one binary so a fresh clone builds and links them once: each module
//! drives the real `regsim` binary (or the library) on real scenario files in a temp dir.

mod answers;
mod bad_inputs;
mod calibration;
mod charts;
mod cli;
mod discover;
mod docs;
mod enforcement;
mod facts;
mod fuzz_regressions;
mod golden_draws;
mod hardening;
mod library;
mod queueing;
mod run_invariants;
mod streams;
mod sweep;
