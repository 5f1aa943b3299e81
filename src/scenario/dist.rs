//! How distributions and dates are written in TOML.
//!
//! A distribution is either a plain number (a constant) or a table tagged by `dist`:
//!
//! ```toml
//! review_days = 0.5                                          # constant
//! review_days = { dist = "exponential", mean = 0.5 }
//! records_per_session = { dist = "lognormal", median = 40, p90 = 400 }
//! records_per_session = { dist = "lognormal", p5 = 5, p95 = 900 }   # a 90% interval
//! ```
//!
//! A date is a string `"YYYY-MM-DD"`; a bare TOML date (`2024-10-01`) is accepted too.

use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::Dist;

/// A distribution as written: a number or a `dist`-tagged table.
#[derive(Debug, Clone, PartialEq)]
pub enum RawDist {
    /// A plain number.
    Number(f64),
    /// A table such as `{ dist = "pert", min = 1, mode = 2, max = 5 }`.
    Tagged(TaggedDist),
}

/// The tagged forms of a distribution.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum TaggedDist {
    /// Always `value`.
    Constant { value: f64 },
    /// Uniform on [min, max).
    Uniform { min: f64, max: f64 },
    /// Normal with `mean` and `sd` (clamped at 0 where the quantity cannot be negative).
    Normal { mean: f64, sd: f64 },
    /// Lognormal given by `median` and `p90`, by a 90% interval `p5`..`p95`, or by `mean` and
    /// `cv`.
    Lognormal {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        median: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p90: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p5: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p95: Option<f64>,
        /// With `cv`: the mean and the coefficient of variation (sd / mean), so that sweeping
        /// either moves the mean as written.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cv: Option<f64>,
    },
    /// Exponential with `mean`.
    Exponential { mean: f64 },
    /// PERT (a scaled beta) on [min, max] with the given `mode`, or with the given `mean`
    /// (mode = (6·mean − min − max) / 4), so that sweeping the mean moves the mean.
    Pert {
        min: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mode: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean: Option<f64>,
        max: f64,
    },
    /// Poisson counts with `mean`.
    Poisson { mean: f64 },
    /// 1 with probability `p`, else 0.
    Bernoulli { p: f64 },
    /// Gamma with `shape` and `rate` (mean shape/rate): a hazard's posterior, for example.
    Gamma { shape: f64, rate: f64 },
    /// Beta on [0, 1] with shapes `a` and `b` (mean a/(a + b)): a share's posterior.
    Beta { a: f64, b: f64 },
}

impl Serialize for RawDist {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RawDist::Number(v) => s.serialize_f64(*v),
            RawDist::Tagged(t) => t.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for RawDist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawDist;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a number or a table like { dist = \"lognormal\", median = 10, p90 = 40 }",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDist, E> {
                Ok(RawDist::Number(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDist, E> {
                Ok(RawDist::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDist, E> {
                Ok(RawDist::Number(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawDist, A::Error> {
                TaggedDist::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawDist::Tagged)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for RawDist {
    fn schema_name() -> Cow<'static, str> {
        "Distribution".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let tagged = g.subschema_for::<TaggedDist>();
        json_schema!({
            "description": "A number (constant) or a table tagged by `dist`.",
            "anyOf": [ { "type": "number" }, tagged ]
        })
    }
}

/// A calendar date as written, `"YYYY-MM-DD"`. Checked when the model is built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawDate(pub String);

impl Serialize for RawDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date like \"2024-10-01\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDate, E> {
                Ok(RawDate(v.to_string()))
            }
            // The toml crate hands a bare TOML date over as a one-entry map.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawDate, A::Error> {
                let _key: Option<String> = map.next_key()?;
                let value: String = map.next_value()?;
                Ok(RawDate(value))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for RawDate {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A date, \"YYYY-MM-DD\".",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        })
    }
}

impl fmt::Display for RawDate {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// z-score of the 90th percentile of the standard normal.
const Z90: f64 = 1.281_551_565_544_600_5;
/// z-score of the 95th percentile of the standard normal.
const Z95: f64 = 1.644_853_626_951_472_2;

impl RawDist {
    /// Builds a distribution over any real numbers.
    pub fn to_any(&self) -> Result<Dist, String> {
        build(self, false)
    }

    /// Builds a distribution for a quantity that cannot be negative.
    pub fn to_non_negative(&self) -> Result<Dist, String> {
        build(self, true)
    }

    /// Builds a distribution of a probability or share: its support must lie in [0, 1].
    pub fn to_probability(&self) -> Result<Dist, String> {
        let d = build(self, true)?;
        if d.within_unit_interval() {
            Ok(d)
        } else {
            Err("a share must be a number in [0, 1] or a uniform, pert, bernoulli or beta distribution within [0, 1]".into())
        }
    }
}

fn build(raw: &RawDist, nonneg: bool) -> Result<Dist, String> {
    let finite = |name: &str, v: f64| -> Result<f64, String> {
        if v.is_finite() {
            Ok(v)
        } else {
            Err(format!("`{name}` must be a finite number, got {v}"))
        }
    };
    let neg = |name: &str, v: f64| -> Result<(), String> {
        if nonneg && v < 0.0 {
            Err(format!("`{name}` must be ≥ 0 for this quantity, got {v}"))
        } else {
            Ok(())
        }
    };
    let tagged = match raw {
        RawDist::Number(v) => {
            let v = finite("value", *v)?;
            neg("value", v)?;
            return Ok(Dist::Constant(v));
        }
        RawDist::Tagged(t) => t,
    };
    Ok(match *tagged {
        TaggedDist::Constant { value } => {
            let v = finite("value", value)?;
            neg("value", v)?;
            Dist::Constant(v)
        }
        TaggedDist::Uniform { min, max } => {
            finite("min", min)?;
            finite("max", max)?;
            neg("min", min)?;
            if max <= min {
                return Err(format!(
                    "uniform needs `min` < `max`, got min {min}, max {max}"
                ));
            }
            Dist::uniform(min, max)
        }
        TaggedDist::Normal { mean, sd } => {
            finite("mean", mean)?;
            finite("sd", sd)?;
            if sd < 0.0 {
                return Err(format!("normal needs `sd` ≥ 0, got {sd}"));
            }
            Dist::normal(mean, sd, nonneg)?
        }
        TaggedDist::Lognormal {
            median,
            p90,
            p5,
            p95,
            mean,
            cv,
        } => {
            let (mu, sigma) =
                match (median, p90, p5, p95, mean, cv) {
                    (None, None, None, None, Some(m), Some(c)) => {
                        finite("mean", m)?;
                        finite("cv", c)?;
                        if m <= 0.0 || c < 0.0 {
                            return Err(format!(
                                "lognormal needs `mean` > 0 and `cv` ≥ 0, got mean {m}, cv {c}"
                            ));
                        }
                        // σ² = ln(1 + cv²), μ = ln(mean) − σ²/2.
                        let s2 = libm::log1p(c * c);
                        (libm::log(m) - s2 / 2.0, libm::sqrt(s2))
                    }
                    (Some(m), Some(p), None, None, None, None) => {
                        finite("median", m)?;
                        finite("p90", p)?;
                        if m <= 0.0 || p < m {
                            return Err(format!(
                                "lognormal needs 0 < `median` ≤ `p90`, got median {m}, p90 {p}"
                            ));
                        }
                        (libm::log(m), (libm::log(p) - libm::log(m)) / Z90)
                    }
                    (None, None, Some(a), Some(b), None, None) => {
                        finite("p5", a)?;
                        finite("p95", b)?;
                        if a <= 0.0 || b < a {
                            return Err(format!(
                                "lognormal needs 0 < `p5` ≤ `p95`, got p5 {a}, p95 {b}"
                            ));
                        }
                        let (la, lb) = (libm::log(a), libm::log(b));
                        ((la + lb) / 2.0, (lb - la) / (2.0 * Z95))
                    }
                    _ => return Err(
                        "lognormal takes `median` and `p90`, or `p5` and `p95`, or `mean` and `cv`"
                            .into(),
                    ),
                };
            Dist::lognormal(mu, sigma)?
        }
        TaggedDist::Exponential { mean } => {
            finite("mean", mean)?;
            if mean <= 0.0 {
                return Err(format!("exponential needs `mean` > 0, got {mean}"));
            }
            Dist::exponential(mean)?
        }
        TaggedDist::Pert {
            min,
            mode,
            mean,
            max,
        } => {
            let mode = match (mode, mean) {
                (Some(m), None) => m,
                (None, Some(m)) => {
                    finite("mean", m)?;
                    let mode = (6.0 * m - min - max) / 4.0;
                    if !(min <= mode && mode <= max) {
                        return Err(format!(
                            "pert by `mean` needs a mean within [(5·min + max)/6, (min + 5·max)/6] so that its mode lies in [min, max]; got mean {m} on [{min}, {max}]"
                        ));
                    }
                    mode
                }
                _ => return Err("pert takes `min`, `max` and one of `mode` or `mean`".into()),
            };
            finite("min", min)?;
            finite("mode", mode)?;
            finite("max", max)?;
            neg("min", min)?;
            if !(min <= mode && mode <= max && min < max) {
                return Err(format!(
                    "pert needs `min` ≤ `mode` ≤ `max` and `min` < `max`, got {min}, {mode}, {max}"
                ));
            }
            Dist::pert(min, mode, max)?
        }
        TaggedDist::Poisson { mean } => {
            finite("mean", mean)?;
            if mean < 0.0 {
                return Err(format!("poisson needs `mean` ≥ 0, got {mean}"));
            }
            Dist::poisson(mean)?
        }
        TaggedDist::Bernoulli { p } => {
            finite("p", p)?;
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("bernoulli needs 0 ≤ `p` ≤ 1, got {p}"));
            }
            Dist::Bernoulli { p }
        }
        TaggedDist::Gamma { shape, rate } => {
            finite("shape", shape)?;
            finite("rate", rate)?;
            if shape <= 0.0 || rate <= 0.0 {
                return Err(format!(
                    "gamma needs `shape` > 0 and `rate` > 0, got shape {shape}, rate {rate}"
                ));
            }
            Dist::gamma(shape, rate)?
        }
        TaggedDist::Beta { a, b } => {
            finite("a", a)?;
            finite("b", b)?;
            if a <= 0.0 || b <= 0.0 {
                return Err(format!("beta needs `a` > 0 and `b` > 0, got a {a}, b {b}"));
            }
            Dist::beta(a, b)?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn tagged(t: TaggedDist) -> RawDist {
        RawDist::Tagged(t)
    }

    #[test]
    fn lognormal_quantile_forms_hit_their_quantiles() {
        let d = tagged(TaggedDist::Lognormal {
            median: None,
            p90: None,
            p5: Some(2.0),
            p95: Some(50.0),
            mean: None,
            cv: None,
        })
        .to_any()
        .unwrap();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let n = 100_000;
        let below5 = (0..n).filter(|_| d.sample(&mut rng) < 2.0).count() as f64 / n as f64;
        // Binomial SE of a 5% share over 1e5 draws is 0.0007.
        assert!((below5 - 0.05).abs() < 0.003, "{below5}");
    }

    #[test]
    fn mean_forms_have_the_mean_and_spread_written() {
        let parse = |t: &str| -> Dist {
            let v: toml::Value =
                toml::from_str::<toml::Table>(&format!("d = {t}")).unwrap()["d"].clone();
            RawDist::deserialize(v).unwrap().to_any().unwrap()
        };
        let n = 200_000;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let d = parse("{ dist = \"lognormal\", mean = 10, cv = 0.5 }");
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let sd = (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64).sqrt();
        // SE of the mean 10·0.5/√2e5 = 0.011; of the sd about 0.03 (kurtosis included).
        assert!((m - 10.0).abs() < 0.05, "{m}");
        assert!((sd - 5.0).abs() < 0.15, "{sd}");
        let d = parse("{ dist = \"pert\", min = 0, mean = 3, max = 10 }");
        let m = (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64;
        // sd at most 10/6·1.2, SE under 0.005.
        assert!((m - 3.0).abs() < 0.02, "{m}");
        let e = RawDist::deserialize(
            toml::from_str::<toml::Table>("d = { dist = \"pert\", min = 0, mean = 9.9, max = 10 }")
                .unwrap()["d"]
                .clone(),
        )
        .unwrap()
        .to_any()
        .unwrap_err();
        assert!(e.contains("mode lies in [min, max]"), "{e}");
    }

    #[test]
    fn impossible_parameters_are_refused_with_the_field_named() {
        let e = RawDist::Number(-1.0).to_non_negative().unwrap_err();
        assert!(e.contains("value"), "{e}");
        let e = tagged(TaggedDist::Uniform { min: 3.0, max: 1.0 })
            .to_any()
            .unwrap_err();
        assert!(e.contains("min"), "{e}");
        let e = tagged(TaggedDist::Exponential { mean: f64::NAN })
            .to_any()
            .unwrap_err();
        assert!(e.contains("finite"), "{e}");
        let e = tagged(TaggedDist::Lognormal {
            median: Some(1.0),
            p90: None,
            p5: None,
            p95: None,
            mean: None,
            cv: None,
        })
        .to_any()
        .unwrap_err();
        assert!(e.contains("p90"), "{e}");
        assert!(tagged(TaggedDist::Bernoulli { p: 1.5 }).to_any().is_err());
        let e = tagged(TaggedDist::Gamma {
            shape: 2.0,
            rate: 0.0,
        })
        .to_any()
        .unwrap_err();
        assert!(e.contains("rate"), "{e}");
        let e = tagged(TaggedDist::Beta { a: -1.0, b: 2.0 })
            .to_any()
            .unwrap_err();
        assert!(e.contains("`a`"), "{e}");
    }
}
