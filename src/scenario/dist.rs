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
    /// Lognormal given by `median` and `p90`, or by a 90% interval `p5`..`p95`.
    Lognormal {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        median: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p90: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p5: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p95: Option<f64>,
    },
    /// Exponential with `mean`.
    Exponential { mean: f64 },
    /// PERT (a scaled beta) on [min, max] with the given `mode`.
    Pert { min: f64, mode: f64, max: f64 },
    /// Poisson counts with `mean`.
    Poisson { mean: f64 },
    /// 1 with probability `p`, else 0.
    Bernoulli { p: f64 },
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
