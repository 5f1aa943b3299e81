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
            // Below PER_SESSION_BELOW (1,024): the 1,000 draws one by one.
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
        [0xbfc9cef4eac910b2, 0x3fd297c615efa953, 0x3fdc45f414920493],
    ),
    (
        "std_exponential",
        [0x3fe315609b0106d2, 0x3fe7f22d840582ff, 0x3fe2b65411f889b8],
    ),
    (
        "gamma(0.4, 2)",
        [0x3fe6335425d12294, 0x3f66270ec12d35dd, 0x3fb3914c5ff5edd5],
    ),
    (
        "gamma(7.5, 1)",
        [0x401a8fb36b332625, 0x4020d4c4068f9817, 0x4010a91321f039b6],
    ),
    (
        "beta(1.5, 3.5)",
        [0x3fc8b899f5c375bf, 0x3fa59f44b7eccee5, 0x3fd18607fbec4ce8],
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
        [0x42b2309cd77db300, 0x42b2309cf9131000, 0x42b2309d03656600],
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
        [0x402f89ba6eebec25, 0x403c769c24cd1a23, 0x40411068526166b8],
    ),
    (
        "pert",
        [0x4002197014c556f8, 0x3ff46a3c3449343f, 0x400724b1055855ba],
    ),
    (
        "clamped normal",
        [0x3fd318858a9b77a7, 0x3fe94be30af7d4aa, 0x3fee22fa0a49024a],
    ),
    (
        "exponential",
        [0x3ff7dab8c1c14886, 0x3ffdeeb8e506e3bf, 0x3ff763e91676ac26],
    ),
    (
        "compound exponential",
        [0x40a3b5888afe31a3, 0x40a40be238ffe065, 0x40a301131f8e4d68],
    ),
    (
        "compound uniform, summed",
        [0x40653b312b744a2e, 0x4061f375f41061af, 0x4062a029251ffc2f],
    ),
    (
        "compound uniform, normal",
        [0x4146e2eb96ff8863, 0x4146e407ba62acb9, 0x4146e45f0e49771c],
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
