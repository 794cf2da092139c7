//! Amounts written in front matter: durations ("10 years", "3 days"), counts, dates, "none".

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DurationUnit {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl DurationUnit {
    pub fn parse(word: &str) -> Option<DurationUnit> {
        let w = word.trim_end_matches(['\'', '’']).to_ascii_lowercase();
        Some(match w.as_str() {
            "hour" | "hours" | "hr" | "hrs" => DurationUnit::Hour,
            "day" | "days" => DurationUnit::Day,
            "week" | "weeks" => DurationUnit::Week,
            "month" | "months" => DurationUnit::Month,
            "year" | "years" | "yr" | "yrs" => DurationUnit::Year,
            _ => return None,
        })
    }

    fn name(self, plural: bool) -> &'static str {
        match (self, plural) {
            (DurationUnit::Hour, false) => "hour",
            (DurationUnit::Hour, true) => "hours",
            (DurationUnit::Day, false) => "day",
            (DurationUnit::Day, true) => "days",
            (DurationUnit::Week, false) => "week",
            (DurationUnit::Week, true) => "weeks",
            (DurationUnit::Month, false) => "month",
            (DurationUnit::Month, true) => "months",
            (DurationUnit::Year, false) => "year",
            (DurationUnit::Year, true) => "years",
        }
    }
}

/// A canonical amount a checker can compare prose against.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Amount {
    Duration {
        value: f64,
        unit: DurationUnit,
    },
    Count {
        value: f64,
    },
    /// "none": no time limit.
    None,
    /// Life imprisonment.
    Life,
    Date {
        value: String,
    },
    Text {
        value: String,
    },
}

const SMALL_NUMBERS: [&str; 21] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

fn number_word(s: &str) -> Option<f64> {
    let s = s.to_ascii_lowercase();
    if let Ok(v) = s.replace(',', "").parse::<f64>() {
        return Some(v);
    }
    if s == "a" || s == "an" {
        return Some(1.0);
    }
    SMALL_NUMBERS.iter().position(|w| *w == s).map(|i| i as f64)
}

impl Amount {
    /// Reads a front-matter amount. Anything that is not a recognised duration, count, date or
    /// keyword is kept as text, so a checker can still show it.
    pub fn parse(s: &str) -> Amount {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        match lower.as_str() {
            "none" | "no limit" | "no time limit" => return Amount::None,
            "life" | "life imprisonment" => return Amount::Life,
            _ => {}
        }
        if jiff::civil::Date::strptime("%Y-%m-%d", t).is_ok() {
            return Amount::Date {
                value: t.to_string(),
            };
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        if words.len() == 1
            && let Some(v) = number_word(words[0])
        {
            return Amount::Count { value: v };
        }
        if words.len() == 2
            && let (Some(v), Some(u)) = (number_word(words[0]), DurationUnit::parse(words[1]))
        {
            return Amount::Duration { value: v, unit: u };
        }
        Amount::Text {
            value: t.to_string(),
        }
    }

    /// Whether two amounts are the same, with durations compared across units where the
    /// conversion is exact (12 months = 1 year, 14 days = 2 weeks, 48 hours = 2 days).
    pub fn same_as(&self, other: &Amount) -> bool {
        match (self, other) {
            (Amount::Duration { value: a, unit: ua }, Amount::Duration { value: b, unit: ub }) => {
                match (canonical(*a, *ua), canonical(*b, *ub)) {
                    (Some(x), Some(y)) => (x.0 - y.0).abs() < 1e-9 && x.1 == y.1,
                    _ => false,
                }
            }
            (Amount::Count { value: a }, Amount::Count { value: b }) => (a - b).abs() < 1e-9,
            (Amount::Text { value: a }, Amount::Text { value: b }) => a.eq_ignore_ascii_case(b),
            (a, b) => a == b,
        }
    }
}

/// Durations in comparable units: months for months and years, hours for hours to weeks.
fn canonical(v: f64, u: DurationUnit) -> Option<(f64, u8)> {
    Some(match u {
        DurationUnit::Year => (v * 12.0, 0),
        DurationUnit::Month => (v, 0),
        DurationUnit::Week => (v * 168.0, 1),
        DurationUnit::Day => (v * 24.0, 1),
        DurationUnit::Hour => (v, 1),
    })
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let num = |v: f64| {
            if v.fract() == 0.0 {
                format!("{}", v as i64)
            } else {
                format!("{v}")
            }
        };
        match self {
            Amount::Duration { value, unit } => {
                write!(
                    f,
                    "{} {}",
                    num(*value),
                    unit.name((*value - 1.0).abs() > 1e-9)
                )
            }
            Amount::Count { value } => write!(f, "{}", num(*value)),
            Amount::None => write!(f, "none"),
            Amount::Life => write!(f, "life imprisonment"),
            Amount::Date { value } | Amount::Text { value } => write!(f, "{value}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_compares_durations() {
        assert!(Amount::parse("12 months").same_as(&Amount::parse("1 year")));
        assert!(Amount::parse("ten years").same_as(&Amount::parse("10 years")));
        assert!(!Amount::parse("6 months").same_as(&Amount::parse("51 weeks")));
        assert!(Amount::parse("48 hours").same_as(&Amount::parse("2 days")));
        assert_eq!(Amount::parse("none"), Amount::None);
        assert_eq!(Amount::parse("2 years").to_string(), "2 years");
        assert_eq!(Amount::parse("1 month").to_string(), "1 month");
        assert!(matches!(Amount::parse("2020-01-20"), Amount::Date { .. }));
        assert!(matches!(
            Amount::parse("an unlimited fine"),
            Amount::Text { .. }
        ));
    }
}
