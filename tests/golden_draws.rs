//! Value stability across platforms: fixed-seed draws of every sampler, pinned as exact f64 bit
//! patterns. regsim draws through pure-Rust maths (`libm`), so these bits must be the same on
//! every machine, compiler and C library; a platform (or a dependency update) that changes
//! one fails here loudly, before a sharded sweep merges numbers from two kinds of machine.
//! If a change is intended, every fixed-seed result changes too: say so in CHANGELOG.md.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use regsim::engine::sample::{self, Compound};
use regsim::model::{samplers, Dist};

type Rng = Xoshiro256PlusPlus;

/// Three draws of each sampler, each from a generator seeded with 2026.
fn draws() -> Vec<(&'static str, [f64; 3])> {
    let three = |f: &mut dyn FnMut(&mut Rng) -> f64| {
        let mut rng = Rng::seed_from_u64(2026);
        [f(&mut rng), f(&mut rng), f(&mut rng)]
    };
    let lognormal = Dist::lognormal(3.0, 1.2).unwrap();
    let pert = Dist::pert(1.0, 2.0, 9.0).unwrap();
    let clamped = Dist::normal(0.5, 1.0, true).unwrap();
    let exponential = Dist::exponential(2.5).unwrap();
    let records = Dist::uniform(1.0, 5.0);
    let plan = Compound::of(&records);
    vec![
        ("std_normal", three(&mut |r| samplers::std_normal(r))),
        (
            "std_exponential",
            three(&mut |r| samplers::std_exponential(r)),
        ),
        (
            "gamma(0.4, 2)",
            three(&mut |r| samplers::gamma(r, 0.4, 2.0)),
        ),
        (
            "gamma(7.5, 1)",
            three(&mut |r| samplers::gamma(r, 7.5, 1.0)),
        ),
        (
            "beta(1.5, 3.5)",
            three(&mut |r| samplers::beta(r, 1.5, 3.5)),
        ),
        ("poisson(4.2)", three(&mut |r| samplers::poisson(r, 4.2))),
        (
            "poisson(3.3e5)",
            three(&mut |r| samplers::poisson(r, 3.3e5)),
        ),
        (
            "poisson(2e13)",
            three(&mut |r| sample::poisson(r, 2e13) as f64),
        ),
        (
            "binomial(30, 0.1)",
            three(&mut |r| samplers::binomial(r, 30, 0.1) as f64),
        ),
        (
            "binomial(5e6, 0.3)",
            three(&mut |r| samplers::binomial(r, 5_000_000, 0.3) as f64),
        ),
        (
            "binomial(400, 0.8)",
            three(&mut |r| samplers::binomial(r, 400, 0.8) as f64),
        ),
        ("lognormal", three(&mut |r| lognormal.sample(r))),
        ("pert", three(&mut |r| pert.sample(r))),
        ("clamped normal", three(&mut |r| clamped.sample(r))),
        ("exponential", three(&mut |r| exponential.sample(r))),
        (
            "compound exponential",
            three(&mut |r| sample::compound(r, 1000, &exponential, Compound::of(&exponential))),
        ),
        (
            "compound uniform, summed",
            three(&mut |r| sample::compound(r, 50, &records, plan)),
        ),
        (
            "compound uniform, normal",
            three(&mut |r| sample::compound(r, 1_000_000, &records, plan)),
        ),
    ]
}

const PINNED: &[(&str, [u64; 3])] = &[
    (
        "std_normal",
        [0xbff3b5bcb46ba2a1, 0x3fda941e29b30343, 0x3ff4e1befdf9ef53],
    ),
    (
        "std_exponential",
        [0x3fe1d1e3db7ca360, 0x3fee7801992e2d57, 0x3ff47ad63260a850],
    ),
    (
        "gamma(0.4, 2)",
        [0x3ff068ed287289f5, 0x3ffdea9e9c736233, 0x3f3dbab1aa2819d2],
    ),
    (
        "gamma(7.5, 1)",
        [0x40116537e74237e1, 0x401c10f3d0221d1c, 0x4019d283c9dc3598],
    ),
    (
        "beta(1.5, 3.5)",
        [0x3fb5433225eb2393, 0x3fcaeb971cc459da, 0x3fb9a8070cd92a26],
    ),
    (
        "poisson(4.2)",
        [0x4010000000000000, 0x4014000000000000, 0x4014000000000000],
    ),
    (
        "poisson(3.3e5)",
        [0x4114226400000000, 0x41142a3000000000, 0x41142d1400000000],
    ),
    (
        "poisson(2e13)",
        [0x42b2309c91302000, 0x42b2309d0196d300, 0x42b2309d3e4f6600],
    ),
    (
        "binomial(30, 0.1)",
        [0x4008000000000000, 0x4008000000000000, 0x4010000000000000],
    ),
    (
        "binomial(5e6, 0.3)",
        [0x4136e28d00000000, 0x4136e60600000000, 0x4136e75000000000],
    ),
    (
        "binomial(400, 0.8)",
        [0x4074200000000000, 0x4073b00000000000, 0x4073700000000000],
    ),
    (
        "lognormal",
        [0x40125230cd09ff8d, 0x404087c87e16d610, 0x40580aff593e8b68],
    ),
    (
        "pert",
        [0x3ff836624ee7e4f0, 0x4002d71fb6ebab02, 0x3ffa670309a87718],
    ),
    (
        "clamped normal",
        [0x0000000000000000, 0x3fed4a0f14d981a2, 0x3ffce1befdf9ef53],
    ),
    (
        "exponential",
        [0x3ff6465cd25bcc38, 0x40030b00ffbcdc56, 0x4009998bbef8d264],
    ),
    (
        "compound exponential",
        [0x40a2c61bbdb4252f, 0x40a37d695b0f8cd1, 0x40a35aff33f18149],
    ),
    (
        "compound uniform, summed",
        [0x40653b312b744a2e, 0x4061f375f41061af, 0x4062a029251ffc2f],
    ),
    (
        "compound uniform, normal",
        [0x4146e098c7a4f968, 0x4146e44fc49d0754, 0x4146e65181fedacd],
    ),
];

#[test]
fn every_sampler_draws_the_pinned_bits() {
    let got = draws();
    let table: String = got
        .iter()
        .map(|(name, v)| {
            format!(
                "    (\"{name}\", [{:#018x}, {:#018x}, {:#018x}]),\n",
                v[0].to_bits(),
                v[1].to_bits(),
                v[2].to_bits()
            )
        })
        .collect();
    let pinned: String = PINNED
        .iter()
        .map(|(name, v)| {
            format!(
                "    (\"{name}\", [{:#018x}, {:#018x}, {:#018x}]),\n",
                v[0], v[1], v[2]
            )
        })
        .collect();
    assert_eq!(
        pinned, table,
        "draws differ from the pinned bits; now:\n{table}"
    );
}
