//! YAML with positions. Front matter and `site.yaml` are read into a small tree of [`Node`]s
//! that remember their line and column, so validation can report every problem at its place
//! rather than stopping at the first, which serde's derive would do.
//!
//! serde-saphyr does the parsing: it is maintained, has no unsafe code, and enforces budgets
//! (depth, node count, aliases) against hostile YAML such as alias bombs.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options, Spanned};
use std::fmt;

/// A YAML value with the 1-based line and column where it starts (relative to the parsed text).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// Name of the value's type, for "expected a list, found a number" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "true/false",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// A scalar as text, as an editor wrote it (numbers and booleans too).
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                i64::try_from(v)
                    .map(Value::Int)
                    .or(Ok(Value::Float(v as f64)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
                Ok(Value::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Str(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Value, E> {
                Ok(Value::Str(v))
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
                Value::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some(n) = seq.next_element::<Node>()? {
                    items.push(n);
                }
                Ok(Value::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some((k, v)) = map.next_entry::<Node, Node>()? {
                    items.push((k, v));
                }
                Ok(Value::Map(items))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Value>::deserialize(d)?;
        Ok(Node {
            value: s.value,
            line: s.referenced.line() as usize,
            col: s.referenced.column() as usize,
        })
    }
}

/// Limits for one YAML document. Front matter is small; these stop alias bombs, deep nesting
/// and huge key counts long before they cost memory.
#[derive(Debug, Clone, Copy)]
pub struct YamlLimits {
    pub max_bytes: usize,
    pub max_depth: usize,
    pub max_nodes: usize,
}

impl Default for YamlLimits {
    fn default() -> Self {
        YamlLimits {
            max_bytes: 256 * 1024,
            max_depth: 32,
            max_nodes: 20_000,
        }
    }
}

/// What went wrong, so callers can say how to fix it (a syntax slip and a limit need
/// different advice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    Syntax,
    /// Over `max_bytes`.
    TooBig,
    /// An anchor or alias (`&a`, `*a`): refused outright, they are how alias bombs work.
    Aliases,
    /// Nested deeper than `max_depth`.
    TooDeep,
    /// More than `max_nodes` values.
    TooMany,
}

/// A YAML syntax or limit error, with the 1-based position when the parser knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub message: String,
    pub line: Option<usize>,
    pub col: Option<usize>,
}

/// Parses one YAML document into a positioned tree. Anchors and aliases are refused: front
/// matter has no use for them and they are how alias bombs work.
pub fn parse(text: &str, limits: YamlLimits) -> Result<Node, YamlError> {
    if text.len() > limits.max_bytes {
        return Err(YamlError {
            kind: YamlErrorKind::TooBig,
            message: format!(
                "the YAML is {} bytes, over the limit of {} bytes",
                text.len(),
                limits.max_bytes
            ),
            line: Some(1),
            col: Some(1),
        });
    }
    let mut budget = Budget::default();
    budget.max_depth = limits.max_depth;
    budget.max_nodes = limits.max_nodes;
    budget.max_aliases = 0;
    budget.max_anchors = 0;
    budget.max_documents = 1;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    // YAML 1.2 booleans only: `on:` (SPEC's amendment key) and `no` stay words.
    options.strict_booleans = true;
    options.leading_zero_numbers_as_strings = true;
    if text.trim().is_empty() {
        return Ok(Node {
            value: Value::Map(Vec::new()),
            line: 1,
            col: 1,
        });
    }
    serde_saphyr::from_str_with_options::<Node>(text, options).map_err(|e| {
        let loc = e.location();
        let (kind, message) = classify(&e, limits);
        YamlError {
            kind,
            message,
            line: loc.map(|l| l.line() as usize).filter(|&l| l > 0),
            col: loc.map(|l| l.column() as usize).filter(|&c| c > 0),
        }
    })
}

/// The error's kind and a plain message without the parser's own source snippet (our
/// renderer shows the source).
fn classify(e: &serde_saphyr::Error, limits: YamlLimits) -> (YamlErrorKind, String) {
    use serde_saphyr::budget::BudgetBreach;
    let mut inner = e;
    while let serde_saphyr::Error::WithSnippet { error, .. }
    | serde_saphyr::Error::AliasError { error, .. } = inner
    {
        inner = error;
    }
    let too_deep = || {
        (
            YamlErrorKind::TooDeep,
            format!(
                "the YAML is nested more than {} levels deep",
                limits.max_depth
            ),
        )
    };
    let aliases = || {
        (
            YamlErrorKind::Aliases,
            "YAML anchors and aliases (&name, *name) are not allowed".to_string(),
        )
    };
    if let serde_saphyr::Error::Budget { breach, .. } = inner {
        return match breach {
            BudgetBreach::Aliases { .. } | BudgetBreach::Anchors { .. } => aliases(),
            BudgetBreach::Depth { .. } => too_deep(),
            BudgetBreach::Nodes { .. } | BudgetBreach::Events { .. } => (
                YamlErrorKind::TooMany,
                format!("the YAML has more than {} values", limits.max_nodes),
            ),
            other => (
                YamlErrorKind::TooBig,
                format!("the YAML is too large ({other:?})"),
            ),
        };
    }
    let full = e.without_snippet().to_string();
    let first = full.lines().next().unwrap_or("invalid YAML");
    // The parser's own position counts from the start of the YAML block; ours is the file's.
    let first = first.split(" at line ").next().unwrap_or(first).trim();
    let lower = first.to_lowercase();
    if lower.contains("alias") || lower.contains("anchor") {
        return aliases();
    }
    // The scanner has its own recursion guard for flow collections (`[[[[...`).
    if lower.contains("depth") || lower.contains("nesting") || lower.contains("recursion") {
        return too_deep();
    }
    (YamlErrorKind::Syntax, first.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_recorded() {
        let n = parse("title: Hello\ntags:\n  - a\n  - b\n", YamlLimits::default()).unwrap();
        let Value::Map(m) = n.value else { panic!() };
        assert_eq!(m[0].0.value, Value::Str("title".into()));
        assert_eq!((m[0].0.line, m[0].0.col), (1, 1));
        assert_eq!((m[0].1.line, m[0].1.col), (1, 8));
        assert_eq!((m[1].0.line, m[1].0.col), (2, 1));
        let Value::Seq(s) = &m[1].1.value else {
            panic!()
        };
        assert_eq!((s[1].line, s[1].col), (4, 5));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse("title: \"unterminated\nsummary: x\n", YamlLimits::default()).unwrap_err();
        assert!(e.line.is_some(), "{e:?}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n";
        let e = parse(bomb, YamlLimits::default()).unwrap_err();
        assert_eq!(e.kind, YamlErrorKind::Aliases, "{e:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        for deep in [
            format!("a: {}{}", "[".repeat(200), "]".repeat(200)),
            format!("a: {}{}", "[".repeat(5000), "]".repeat(5000)),
            (0..100).map(|i| format!("{}k:\n", " ".repeat(i))).collect(),
        ] {
            let e = parse(&deep, YamlLimits::default()).unwrap_err();
            assert_eq!(e.kind, YamlErrorKind::TooDeep, "{e:?}");
        }
    }

    #[test]
    fn too_many_values_are_refused() {
        let many: String = (0..10_000).map(|i| format!("k{i}: 1\n")).collect();
        let e = parse(&many, YamlLimits::default()).unwrap_err();
        assert_eq!(e.kind, YamlErrorKind::TooMany, "{e:?}");
        let big = "a: b\n".repeat(100_000);
        let e = parse(&big, YamlLimits::default()).unwrap_err();
        assert_eq!(e.kind, YamlErrorKind::TooBig, "{e:?}");
    }

    #[test]
    fn duplicate_keys_are_refused() {
        assert!(parse("title: a\ntitle: b\n", YamlLimits::default()).is_err());
    }
}
