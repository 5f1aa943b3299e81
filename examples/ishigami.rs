//! regsim's Sobol' design and estimators on the Ishigami function (a = 7, b = 0.1), for
//! `benches/salib/compare.py`: prints `n,seed,S1_1,S1_2,S1_3,ST_1,ST_2,ST_3` for every N and
//! seed given, with the points of a `sobol` sweep of that seed (the same Saltelli layout and
//! scramble) and the same estimators as `sensitivity.csv` (S1: Saltelli 2010, ST: Jansen).
//!
//! Usage: cargo run --release --example ishigami -- N[,N...] SEED[,SEED...]

use std::f64::consts::PI;

use regsim::sweep::design::{plan, Axis, Design};
use regsim::sweep::sensitivity::sobol;

fn list(arg: Option<String>) -> Vec<u64> {
    arg.unwrap_or_default()
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (ns, seeds) = (list(args.next()), list(args.next()));
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
            let idx = sobol(&y, n, 3, 0, seed);
            let s1: Vec<String> = idx.iter().map(|i| i.s1.value.to_string()).collect();
            let st: Vec<String> = idx.iter().map(|i| i.st.value.to_string()).collect();
            println!("{n},{seed},{},{}", s1.join(","), st.join(","));
        }
    }
}
