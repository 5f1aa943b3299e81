//! regsim's Sobol' design and estimators on the Ishigami function (a = 7, b = 0.1), for
//! `benches/salib/compare.py`: prints `n,seed,S1_1,S1_2,S1_3,ST_1,ST_2,ST_3` for every N and
//! seed given, with the points of a `sobol` sweep of that seed (the same Saltelli layout and
//! scramble) and the same estimators as `sensitivity.csv` (S1: Saltelli 2010, ST: Jansen).
//!
//! With `estimate N`, it reads N·5 outputs in regsim's Saltelli order (per row A, B, AB_1,
//! AB_2, AB_3) from stdin instead and prints `S1_1,S1_2,S1_3,ST_1,ST_2,ST_3` for them, so
//! `compare.py` can run regsim's estimators on SALib's samples.
//!
//! Usage: cargo run --release --example ishigami -- N[,N...] SEED[,SEED...]
//!        cargo run --release --example ishigami -- estimate N < outputs

use std::f64::consts::PI;
use std::io::Read;

use regsim::sweep::design::{plan, Axis, Design};
use regsim::sweep::sensitivity::sobol;

fn list(arg: Option<String>) -> Vec<u64> {
    arg.unwrap_or_default()
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect()
}

/// S1 then ST of the three inputs, comma-separated.
fn indices(y: &[f64], n: usize, seed: u64) -> String {
    let idx = sobol(y, n, 3, 0, seed);
    let s1 = idx.iter().map(|i| i.s1.value.to_string());
    let st = idx.iter().map(|i| i.st.value.to_string());
    s1.chain(st).collect::<Vec<_>>().join(",")
}

/// `estimate N`: the indices of the N·5 outputs on stdin.
fn estimate(n: Option<String>) {
    let n = n.and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
    let mut text = String::new();
    let read = std::io::stdin().read_to_string(&mut text);
    let y: Vec<f64> = text
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    if n == 0 || read.is_err() || y.len() != n * 5 {
        eprintln!("usage: ishigami estimate N < outputs (N·5 numbers)");
        std::process::exit(2);
    }
    println!("{}", indices(&y, n, 1));
}

fn main() {
    let mut args = std::env::args().skip(1);
    let first = args.next();
    if first.as_deref() == Some("estimate") {
        return estimate(args.next());
    }
    let (ns, seeds) = (list(first), list(args.next()));
    if ns.is_empty() || seeds.is_empty() {
        eprintln!("usage: ishigami N[,N...] SEED[,SEED...]");
        std::process::exit(2);
    }
    let axis = Axis::Range {
        min: -PI,
        max: PI,
        log: false,
        steps: None,
    };
    println!("n,seed,S1_1,S1_2,S1_3,ST_1,ST_2,ST_3");
    for &n in &ns {
        for &seed in &seeds {
            let n = n as usize;
            let p = plan(Design::Sobol { samples: n }, &vec![axis.clone(); 3], seed);
            let y: Vec<f64> = p
                .points
                .iter()
                .map(|x| x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin())
                .collect();
            println!("{n},{seed},{}", indices(&y, n, seed));
        }
    }
}
