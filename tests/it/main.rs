//! Integration tests, in one binary so a fresh clone builds and links them once: each module
//! drives the real `regsim` binary (or the library) on real scenario files in a temp dir.

mod answer_first;
mod answers;
mod api;
mod bad_inputs;
mod bar_labels;
mod calibrate;
mod calibration;
mod cases;
mod channels;
mod charts;
mod cli;
mod common;
mod courts;
mod discover;
mod docs;
mod enforcement;
mod facts;
mod fine_inputs;
mod fuzz_regressions;
mod golden_draws;
mod hardening;
mod incremental;
mod library;
mod lost_work;
mod mgcg;
mod output_folders;
mod pairing;
mod precision;
mod queueing;
mod run_invariants;
mod streams;
mod sweep;
mod tails;
