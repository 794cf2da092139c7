//! Numbers, durations, counts, percentages, money and fine levels in prose, in words or digits.
//!
//! Section numbers ("s.4A", "section 127", "para 10.1", "Part 2"), years in titles ("Act 1997"),
//! subsection markers ("(3)"), phone numbers ("call 999"), times of day and ordinals ("first",
//! "1st") are not quantities; dates are returned separately ([`super::dates`]).
//!
//! Durations compare exactly only within two families that convert exactly: seconds, minutes,
//! hours, days and weeks (a fortnight is two weeks); months and years (a year is 12 months).
//! So "12 months" equals "1 year" and "14 days" equals "a fortnight", while "52 weeks" is not
//! "a year" and "6 months" is not "26 weeks": the law states periods in one unit or the other,
//! and treating them as equal would hide real drift. Working days are their own unit.

use super::dates::{self, DateMention};
use super::tokens::{self, TokKind, Token};
use std::borrow::Cow;
use std::ops::Range;

/// Unit of a quantity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// Seconds.
    Second,
    /// Minutes.
    Minute,
    /// Hours.
    Hour,
    /// Calendar days.
    Day,
    /// Working or business days (not convertible to days).
    WorkingDay,
    /// Weeks (a fortnight is 2).
    Week,
    /// Calendar months.
    Month,
    /// Years as a duration (a decade is 10).
    Year,
    /// An age in years ("aged 16", "18 years old", "under the age of 18").
    AgeYears,
    /// Occasions or times ("on two occasions", "three times", "twice").
    Occasion,
    /// A bare count ("two officers").
    Count,
    /// Per cent.
    Percent,
    /// Pounds sterling (or another currency sign; the amount is what is compared).
    Money,
    /// A level on the standard scale of fines ("a level 5 fine").
    FineLevel,
}

/// How the amount is bounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bound {
    /// "6 months", "for 6 months".
    Exact,
    /// "at least", "not less than", "a minimum of", "or more".
    AtLeast,
    /// "at most", "not more than", "not exceeding", "a maximum of", "within", "10-year maximum".
    AtMost,
    /// "up to" (the same limit as [`Bound::AtMost`]; kept apart because the text says it so).
    UpTo,
    /// "more than", "over", "exceeding", "longer than".
    MoreThan,
    /// "less than", "under", "fewer than", "shorter than".
    LessThan,
    /// "6 to 12 months", "between 6 and 12 months", "6–12 months".
    Range,
}

/// A figure stated in text.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    /// Byte span of the whole phrase, bound words included ("at least six months").
    pub span: Range<usize>,
    /// The amount (the lower end of a range), in `unit`.
    pub value: f64,
    /// Upper end of a range, in `unit`.
    pub max: Option<f64>,
    /// Unit as written (a fortnight is written as 2 weeks, a decade as 10 years).
    pub unit: Unit,
    /// Bound.
    pub bound: Bound,
}

/// Unit families whose members convert exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Seconds to weeks, measured in seconds.
    Clock,
    /// Months and years, measured in months.
    Calendar,
    /// Any other unit on its own.
    Other(Unit),
}

impl Unit {
    /// The family and the factor that converts one of this unit into the family's base.
    pub fn family(self) -> (Family, f64) {
        match self {
            Unit::Second => (Family::Clock, 1.0),
            Unit::Minute => (Family::Clock, 60.0),
            Unit::Hour => (Family::Clock, 3_600.0),
            Unit::Day => (Family::Clock, 86_400.0),
            Unit::Week => (Family::Clock, 604_800.0),
            Unit::Month => (Family::Calendar, 1.0),
            Unit::Year => (Family::Calendar, 12.0),
            u => (Family::Other(u), 1.0),
        }
    }

    /// Whether the unit is a duration.
    pub fn is_duration(self) -> bool {
        matches!(self.family().0, Family::Clock | Family::Calendar) || self == Unit::WorkingDay
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

impl Quantity {
    /// Lower amount and upper amount (equal unless a range) in the family's base unit.
    pub fn normalised(&self) -> (Family, f64, f64) {
        let (fam, k) = self.unit.family();
        (fam, self.value * k, self.max.unwrap_or(self.value) * k)
    }

    /// Same amount in an exactly convertible unit, ignoring the bound: "12 months" equals
    /// "1 year" and "at least 1 year"; "52 weeks" does not equal "1 year".
    pub fn same_amount(&self, other: &Quantity) -> bool {
        let (fa, a0, a1) = self.normalised();
        let (fb, b0, b1) = other.normalised();
        fa == fb && close(a0, b0) && close(a1, b1)
    }

    /// Same amount and the same kind of bound; "up to" and "at most" count as one bound.
    pub fn same_figure(&self, other: &Quantity) -> bool {
        let b = |b: Bound| if b == Bound::UpTo { Bound::AtMost } else { b };
        self.same_amount(other) && b(self.bound) == b(other.bound)
    }

    /// The amount in days: exact for seconds to weeks, approximate for months (30.436875 days)
    /// and years (365.2425 days, the Gregorian mean) so that durations can be ordered; `None`
    /// for working days and for anything that is not a duration.
    pub fn in_days(&self) -> Option<f64> {
        match self.unit.family() {
            (Family::Clock, k) => Some(self.value * k / 86_400.0),
            (Family::Calendar, k) => Some(self.value * k * 30.436_875),
            _ => None,
        }
    }

    /// A canonical text of the figure, equal for figures that are [`Quantity::same_figure`]:
    /// used as a slot value in skeletons.
    pub fn canonical(&self) -> String {
        let (fam, lo, hi) = self.normalised();
        let fam = match fam {
            Family::Clock => "s".to_string(),
            Family::Calendar => "mo".to_string(),
            Family::Other(u) => format!("{u:?}"),
        };
        let bound = if self.bound == Bound::UpTo {
            Bound::AtMost
        } else {
            self.bound
        };
        let num = |v: f64| {
            // Integers print without a fraction; others with limited precision, so that
            // floating error cannot make equal figures print differently.
            if (v - v.round()).abs() < 1e-6 {
                format!("{}", v.round() as i64)
            } else {
                format!("{v:.4}")
            }
        };
        if self.max.is_some() {
            format!("{bound:?}:{}-{}{fam}", num(lo), num(hi))
        } else {
            format!("{bound:?}:{}{fam}", num(lo))
        }
    }
}

/// Quantities and dates found in one text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    /// Quantities, in order.
    pub quantities: Vec<Quantity>,
    /// Dates, in order.
    pub dates: Vec<DateMention>,
}

/// Quantities in `text`, in order (dates are left out; see [`scan`]).
pub fn extract(text: &str) -> Vec<Quantity> {
    scan(text).quantities
}

/// Quantities and dates in `text`, in one pass.
pub fn scan(text: &str) -> Figures {
    Prepared::new(text).figures
}

/// A text tokenised, lower-cased and scanned for figures once, shared by the classifier, the
/// skeleton and MinHash when one sentence goes through all three.
pub(super) struct Prepared<'a> {
    pub toks: Vec<Token<'a>>,
    pub lw: Vec<Cow<'a, str>>,
    pub figures: Figures,
}

impl<'a> Prepared<'a> {
    pub fn new(text: &'a str) -> Self {
        let toks = tokens::tokenize(text);
        let lw: Vec<Cow<'a, str>> = toks.iter().map(|t| tokens::lower(t.text)).collect();
        let figures = scan_tokens(&toks, &lw);
        Prepared { toks, lw, figures }
    }

    /// Figure spans (quantities, then dates, as indices into them) sorted by start: item
    /// `(span, Ok(q))` is quantity `q`, `(span, Err(d))` date `d`.
    pub fn figure_spans(&self) -> Vec<(Range<usize>, Result<usize, usize>)> {
        let mut v: Vec<(Range<usize>, Result<usize, usize>)> = self
            .figures
            .quantities
            .iter()
            .enumerate()
            .map(|(i, q)| (q.span.clone(), Ok(i)))
            .chain(
                self.figures
                    .dates
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (d.span.clone(), Err(i))),
            )
            .collect();
        v.sort_by_key(|(r, _)| (r.start, r.end));
        v
    }
}

fn small_number(w: &str) -> Option<f64> {
    Some(match w {
        "zero" | "nil" => 0.0,
        "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        _ => return None,
    })
}

fn multiplier(w: &str) -> Option<f64> {
    Some(match w {
        "hundred" => 100.0,
        "thousand" => 1_000.0,
        "million" => 1_000_000.0,
        "billion" => 1_000_000_000.0,
        "dozen" => 12.0,
        _ => return None,
    })
}

/// A unit word and how many of the unit one of it is ("fortnight" is 2 weeks).
fn unit_of(w: &str) -> Option<(Unit, f64)> {
    Some(match w {
        "second" | "seconds" | "secs" => (Unit::Second, 1.0),
        "minute" | "minutes" | "min" | "mins" | "minute's" | "minutes'" => (Unit::Minute, 1.0),
        "hour" | "hours" | "hr" | "hrs" | "hour's" => (Unit::Hour, 1.0),
        "day" | "days" | "day's" => (Unit::Day, 1.0),
        "week" | "weeks" | "wk" | "wks" | "week's" => (Unit::Week, 1.0),
        "fortnight" | "fortnights" | "fortnight's" => (Unit::Week, 2.0),
        "month" | "months" | "month's" => (Unit::Month, 1.0),
        "year" | "years" | "yr" | "yrs" | "year's" => (Unit::Year, 1.0),
        "decade" | "decades" => (Unit::Year, 10.0),
        "occasion" | "occasions" | "times" => (Unit::Occasion, 1.0),
        "percent" => (Unit::Percent, 1.0),
        "pounds" => (Unit::Money, 1.0),
        _ => return None,
    })
}

/// Whether a lower-case word is a unit word (used by the date reader to leave "1999 days" alone).
pub fn is_unit_word(w: &str) -> bool {
    unit_of(w).is_some()
}

/// Words after which a number is a reference, not a quantity.
fn is_reference_word(w: &str) -> bool {
    matches!(
        w,
        "s" | "ss"
            | "section"
            | "sections"
            | "subsection"
            | "subsections"
            | "para"
            | "paras"
            | "paragraph"
            | "paragraphs"
            | "part"
            | "parts"
            | "schedule"
            | "schedules"
            | "sch"
            | "article"
            | "articles"
            | "art"
            | "arts"
            | "regulation"
            | "regulations"
            | "reg"
            | "regs"
            | "rule"
            | "rules"
            | "r"
            | "rr"
            | "chapter"
            | "chapters"
            | "ch"
            | "annex"
            | "appendix"
            | "page"
            | "pages"
            | "p"
            | "pp"
            | "step"
            | "steps"
            | "stage"
            | "stages"
            | "phase"
            | "tier"
            | "code"
            | "version"
            | "number"
            | "form"
            | "figure"
            | "fig"
            | "table"
            | "box"
            | "item"
            | "question"
            | "clause"
            | "clauses"
            | "cl"
            | "class"
            | "category"
            | "grade"
            | "band"
            | "option"
            | "line"
            | "act"
            | "acts"
            | "order"
            | "bill"
            | "crim"
            | "civ"
            | "admin"
            | "ewca"
            | "ewhc"
            | "uksc"
            | "ukhl"
            | "qb"
            | "kb"
            | "wlr"
            | "cr"
            | "level"
            | "footnote"
            | "note"
            | "recommendation"
            | "principle"
            | "standard"
    )
}

fn is_phone_word(w: &str) -> bool {
    matches!(
        w,
        "call" | "calls" | "dial" | "dialling" | "ring" | "phone" | "telephone" | "tel" | "text"
    )
}

struct Scan<'t, 'a> {
    toks: &'t [Token<'a>],
    lw: &'t [Cow<'a, str>],
}

impl Scan<'_, '_> {
    fn w(&self, k: usize) -> &str {
        self.lw.get(k).map_or("", |c| c.as_ref())
    }

    fn kind(&self, k: usize) -> Option<TokKind> {
        self.toks.get(k).map(|t| t.kind)
    }

    fn punct(&self, k: usize) -> Option<char> {
        self.toks.get(k).and_then(Token::punct)
    }

    fn tight(&self, k: usize) -> bool {
        self.toks.get(k).is_some_and(|t| !t.space_before)
    }

    /// The alnum token index before `k`, if the tokens between are only whitespace.
    fn prev_word(&self, k: usize) -> Option<usize> {
        let p = k.checked_sub(1)?;
        self.toks[p].is_alnum().then_some(p)
    }

    fn number_token(&self, k: usize) -> Option<f64> {
        let t = self.toks.get(k)?;
        if t.kind != TokKind::Number || t.text.matches('.').count() > 1 {
            return None;
        }
        // Leading zeros mark codes and phone numbers ("0800", "01"), not amounts.
        if t.text.len() > 1 && t.text.starts_with('0') && !t.text.starts_with("0.") {
            return None;
        }
        t.text
            .replace(',', "")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
    }

    /// A cardinal in words starting at `k`: "twenty-eight", "one hundred and twenty".
    fn word_number(&self, k: usize) -> Option<(f64, usize)> {
        let first = self.w(k);
        if self.kind(k) != Some(TokKind::Word) || small_number(first).is_none() {
            return None;
        }
        let (mut total, mut current) = (0.0f64, 0.0f64);
        let mut j = k;
        let mut end = k;
        loop {
            let w = self.w(j);
            if self.kind(j) != Some(TokKind::Word) {
                break;
            }
            if let Some(v) = small_number(w) {
                current += v;
            } else if let Some(m) = multiplier(w) {
                if m >= 1_000.0 {
                    total += current.max(1.0) * m;
                    current = 0.0;
                } else {
                    current = current.max(1.0) * m;
                }
            } else {
                break;
            }
            end = j + 1;
            // What may join the next number word: a tight hyphen, a space, or "and" after
            // hundred/thousand.
            let next_is_num = |q: usize| {
                self.kind(q) == Some(TokKind::Word)
                    && (small_number(self.w(q)).is_some() || multiplier(self.w(q)).is_some())
            };
            if matches!(self.punct(j + 1), Some('-'))
                && self.tight(j + 1)
                && self.tight(j + 2)
                && next_is_num(j + 2)
            {
                j += 2;
            } else if next_is_num(j + 1) && self.toks[j + 1].space_before {
                j += 1;
            } else if self.w(j + 1) == "and" && multiplier(w).is_some() && next_is_num(j + 2) {
                j += 2;
            } else {
                break;
            }
        }
        Some((total + current, end))
    }

    /// A number at `k` in digits or words; returns value, index after, and whether it was
    /// written in words.
    fn number(&self, k: usize) -> Option<(f64, usize, bool)> {
        if let Some(v) = self.number_token(k) {
            let mut v = v;
            let mut next = k + 1;
            if let Some(m) = multiplier(self.w(next)).filter(|&m| m >= 100.0) {
                v *= m;
                next += 1;
            }
            return Some((v, next, false));
        }
        let (v, next) = self.word_number(k)?;
        Some((v, next, true))
    }

    /// "and a half" after a number.
    fn half(&self, k: usize) -> Option<usize> {
        (self.w(k) == "and" && self.w(k + 1) == "a" && self.w(k + 2) == "half").then_some(k + 3)
    }

    /// A unit at `k` (after optional hyphen and modifiers); returns unit, factor and the index
    /// after it.
    fn unit(&self, k: usize, article: bool) -> Option<(Unit, f64, usize)> {
        let mut j = k;
        if matches!(self.punct(j), Some('-' | '\u{2010}' | '\u{2011}'))
            && self.tight(j)
            && self.tight(j + 1)
        {
            j += 1;
        }
        let mut working = false;
        for _ in 0..2 {
            match self.w(j) {
                "calendar" | "clear" | "full" | "consecutive" | "complete" | "whole"
                | "further" | "additional" | "extra" | "more" | "successive" | "separate"
                | "entire" => j += 1,
                "working" | "business" => {
                    working = true;
                    j += 1;
                }
                _ => break,
            }
        }
        if self.punct(j) == Some('%') && self.tight(j) {
            return Some((Unit::Percent, 1.0, j + 1));
        }
        if self.w(j) == "per" && self.w(j + 1) == "cent" {
            return Some((Unit::Percent, 1.0, j + 2));
        }
        if self.kind(j) != Some(TokKind::Word) {
            return None;
        }
        let (mut unit, f) = unit_of(self.w(j))?;
        if article
            && matches!(
                unit,
                Unit::Second | Unit::Occasion | Unit::Percent | Unit::Money
            )
        {
            return None;
        }
        if working {
            if unit != Unit::Day {
                return None;
            }
            unit = Unit::WorkingDay;
        }
        let mut next = j + 1;
        // months' / years'
        if self.punct(next) == Some('\'') && self.tight(next) {
            next += 1;
        }
        if unit == Unit::Year {
            if self.w(next) == "old" {
                unit = Unit::AgeYears;
                next += 1;
            } else if (self.punct(next) == Some('-')
                && self.tight(next)
                && self.w(next + 1) == "old")
                || (self.w(next) == "of" && self.w(next + 1) == "age")
            {
                // "17-year-old", "18 years of age"
                unit = Unit::AgeYears;
                next += 2;
            }
        }
        Some((unit, f, next))
    }

    /// Bound words right before token `k`; returns the bound, the first token of the phrase
    /// and whether an age marker ("aged", "the age of") was seen.
    fn bound_before(&self, k: usize) -> (Bound, usize, bool) {
        let mut start = k;
        let mut age = false;
        // Whether the words right before token `s` are `phrase` (no allocation: this runs for
        // every number).
        let words_back = |s: usize, phrase: &[&str]| -> bool {
            let mut q = s;
            for want in phrase.iter().rev() {
                match self.prev_word(q) {
                    Some(p) if self.w(p) == *want => q = p,
                    _ => return false,
                }
            }
            true
        };
        let age_marker = |s: &mut usize, age: &mut bool| {
            for phrase in [&["the", "age", "of"][..], &["age", "of"], &["aged"]] {
                if words_back(*s, phrase) {
                    *s -= phrase.len();
                    *age = true;
                    return;
                }
            }
        };
        age_marker(&mut start, &mut age);
        const PHRASES: &[(&[&str], Bound)] = &[
            (&["not", "less", "than"], Bound::AtLeast),
            (&["no", "less", "than"], Bound::AtLeast),
            (&["not", "fewer", "than"], Bound::AtLeast),
            (&["no", "fewer", "than"], Bound::AtLeast),
            (&["not", "shorter", "than"], Bound::AtLeast),
            (&["no", "shorter", "than"], Bound::AtLeast),
            (&["a", "minimum", "of"], Bound::AtLeast),
            (&["not", "more", "than"], Bound::AtMost),
            (&["no", "more", "than"], Bound::AtMost),
            (&["not", "longer", "than"], Bound::AtMost),
            (&["no", "longer", "than"], Bound::AtMost),
            (&["a", "maximum", "of"], Bound::AtMost),
            (&["in", "excess", "of"], Bound::MoreThan),
            (&["no", "later", "than"], Bound::AtMost),
            (&["not", "later", "than"], Bound::AtMost),
            (&["no", "earlier", "than"], Bound::AtLeast),
            (&["not", "earlier", "than"], Bound::AtLeast),
            (&["at", "least"], Bound::AtLeast),
            (&["minimum", "of"], Bound::AtLeast),
            (&["at", "most"], Bound::AtMost),
            (&["not", "exceeding"], Bound::AtMost),
            (&["maximum", "of"], Bound::AtMost),
            (&["up", "to"], Bound::UpTo),
            (&["more", "than"], Bound::MoreThan),
            (&["greater", "than"], Bound::MoreThan),
            (&["longer", "than"], Bound::MoreThan),
            (&["less", "than"], Bound::LessThan),
            (&["fewer", "than"], Bound::LessThan),
            (&["shorter", "than"], Bound::LessThan),
            (&["within"], Bound::AtMost),
            (&["maximum"], Bound::AtMost),
            (&["max"], Bound::AtMost),
            (&["minimum"], Bound::AtLeast),
            (&["min"], Bound::AtLeast),
            (&["over"], Bound::MoreThan),
            (&["above"], Bound::MoreThan),
            (&["exceeding"], Bound::MoreThan),
            (&["under"], Bound::LessThan),
            (&["below"], Bound::LessThan),
        ];
        let mut bound = Bound::Exact;
        for (phrase, b) in PHRASES {
            if words_back(start, phrase) {
                bound = *b;
                start -= phrase.len();
                break;
            }
        }
        // "a maximum penalty of", "the minimum period of": one word between.
        if bound == Bound::Exact
            && words_back(start, &["of"])
            && let Some(p) = self.prev_word(start - 1).and_then(|p| self.prev_word(p))
        {
            let b = match self.w(p) {
                "maximum" => Some(Bound::AtMost),
                "minimum" => Some(Bound::AtLeast),
                _ => None,
            };
            if let Some(b) = b {
                bound = b;
                start = p;
                if self
                    .prev_word(p)
                    .is_some_and(|q| matches!(self.w(q), "a" | "the"))
                {
                    start = p - 1;
                }
            }
        }
        if !age {
            age_marker(&mut start, &mut age);
        }
        // `start` counts tokens; the phrase words are adjacent alnum tokens, so it is exact.
        (bound, start, age)
    }

    /// Bound words right after token `k` ("or more", "maximum"); returns the bound and the
    /// index after the phrase.
    fn bound_after(&self, k: usize) -> Option<(Bound, usize)> {
        let (a, b) = (self.w(k), self.w(k + 1));
        if a == "or" {
            let bound = match b {
                "more" | "longer" | "over" | "above" | "older" | "greater" => Bound::AtLeast,
                "less" | "fewer" | "under" | "below" | "younger" | "shorter" => Bound::AtMost,
                _ => return None,
            };
            return Some((bound, k + 2));
        }
        match (a, b) {
            ("at", "least") => Some((Bound::AtLeast, k + 2)),
            ("at", "most") => Some((Bound::AtMost, k + 2)),
            ("maximum" | "max", _) => Some((Bound::AtMost, k + 1)),
            ("minimum" | "min", _) => Some((Bound::AtLeast, k + 1)),
            _ => None,
        }
    }

    /// Skips a reference run after a reference word at `k` ("section 4A(3) and 5"); returns the
    /// index after it, or `None` when no number follows.
    fn skip_reference(&self, k: usize) -> Option<usize> {
        let mut j = k + 1;
        if self.punct(j) == Some('.') {
            j += 1;
        }
        let starts = match self.kind(j) {
            Some(TokKind::Number | TokKind::Mixed) => true,
            Some(TokKind::Word) => {
                // "Part A", "Code C": a single capital letter.
                let t = self.toks[j].text;
                t.chars().count() == 1 && t.chars().all(char::is_uppercase)
            }
            _ => false,
        };
        if !starts {
            return None;
        }
        let mut last = j;
        loop {
            let ok = match self.kind(j) {
                Some(TokKind::Number | TokKind::Mixed) => true,
                Some(TokKind::Word) => {
                    let t = self.toks[j].text;
                    let single = t.chars().count() == 1;
                    let in_parens = self.punct(j.wrapping_sub(1)) == Some('(')
                        && self.punct(j + 1) == Some(')');
                    let joins = matches!(self.w(j), "and" | "or" | "to")
                        && matches!(self.kind(j + 1), Some(TokKind::Number | TokKind::Mixed));
                    (single && (in_parens || t.chars().all(char::is_uppercase))) || joins
                }
                Some(TokKind::Punct) => match self.punct(j) {
                    Some('(' | ')' | '.' | '-' | '\u{2013}' | '/') => {
                        self.tight(j) || self.punct(j) == Some('(')
                    }
                    Some(',') => matches!(self.kind(j + 1), Some(TokKind::Number | TokKind::Mixed)),
                    _ => false,
                },
                None => false,
            };
            if !ok {
                break;
            }
            if self.kind(j) != Some(TokKind::Punct) || self.punct(j) == Some(')') {
                last = j;
            }
            j += 1;
        }
        Some(last + 1)
    }

    /// Reads a quantity whose number starts at `k`.
    fn quantity(&self, k: usize) -> Option<(Quantity, usize)> {
        let t = self.toks.get(k)?;
        // Money: "£1,000", "£2.5 million", "£2m".
        if matches!(t.punct(), Some('£' | '$' | '€')) {
            let (mut v, mut next) = match self.kind(k + 1) {
                Some(TokKind::Number) if self.tight(k + 1) => {
                    let (v, n, _) = self.number(k + 1)?;
                    (v, n)
                }
                Some(TokKind::Mixed) if self.tight(k + 1) => {
                    let (v, suf) = digit_prefix(self.toks[k + 1].text)?;
                    let m = match suf.to_ascii_lowercase().as_str() {
                        "m" | "mn" => 1_000_000.0,
                        "k" => 1_000.0,
                        "bn" => 1_000_000_000.0,
                        _ => return None,
                    };
                    (v * m, k + 2)
                }
                _ => return None,
            };
            if let Some(m) = multiplier(self.w(next)).filter(|&m| m >= 1_000.0)
                && self.toks[next - 1].kind == TokKind::Number
                && self.w(next - 1) != self.w(next)
                && !matches!(
                    self.w(next - 1),
                    "hundred" | "thousand" | "million" | "billion"
                )
            {
                v *= m;
                next += 1;
            }
            let (bound, start, _) = self.bound_before(k);
            return Some((
                self.finish(start, next - 1, v, None, Unit::Money, bound),
                next,
            ));
        }
        // Fine levels: "a level 5 fine", "level 4 on the standard scale", "a fine not exceeding
        // level 3".
        if self.w(k) == "level"
            && let Some(v) = self.number_token(k + 1)
        {
            let after_fine = self.w(k + 2) == "fine";
            let scale = self.w(k + 2) == "on"
                && self.w(k + 3) == "the"
                && self.w(k + 4) == "standard"
                && self.w(k + 5) == "scale";
            let before_fine = (k.saturating_sub(4)..k).any(|q| self.w(q) == "fine");
            if after_fine || scale || before_fine {
                let (bound, start, _) = self.bound_before(k);
                let end = if scale { k + 6 } else { k + 2 };
                return Some((
                    self.finish(start, end - 1, v, None, Unit::FineLevel, bound),
                    end,
                ));
            }
            return None;
        }
        // "once", "twice"
        let occ = match self.w(k) {
            "once" => Some(1.0),
            "twice" => Some(2.0),
            "thrice" => Some(3.0),
            _ => None,
        };
        if let Some(v) = occ
            && self.kind(k) == Some(TokKind::Word)
        {
            let (bound, start, _) = self.bound_before(k);
            return Some((self.finish(start, k, v, None, Unit::Occasion, bound), k + 1));
        }
        // "48hrs", "24h", "10yrs"
        if t.kind == TokKind::Mixed {
            let (v, suf) = digit_prefix(t.text)?;
            let unit = match suf.to_ascii_lowercase().as_str() {
                "h" | "hr" | "hrs" => Unit::Hour,
                "yr" | "yrs" => Unit::Year,
                "wk" | "wks" => Unit::Week,
                "min" | "mins" => Unit::Minute,
                _ => return None,
            };
            let (bound, start, _) = self.bound_before(k);
            return Some((self.finish(start, k, v, None, unit, bound), k + 1));
        }
        // Articles: "a year", "an hour", "a fortnight", "half an hour", "a dozen".
        let (mut value, mut next, article, words) = match self.w(k) {
            "a" | "an" if self.kind(k) == Some(TokKind::Word) => {
                if let Some(m) =
                    multiplier(self.w(k + 1)).filter(|_| self.kind(k + 1) == Some(TokKind::Word))
                {
                    (m, k + 2, false, true)
                } else {
                    (1.0, k + 1, true, true)
                }
            }
            "half" if matches!(self.w(k + 1), "a" | "an") => (0.5, k + 2, true, true),
            _ => {
                let (v, n, words) = self.number(k)?;
                (v, n, false, words)
            }
        };
        if let Some(n) = self.half(next) {
            value += 0.5;
            next = n;
        }
        let mut max = None;
        let (mut bound, start, age) = self.bound_before(k);
        // Ranges: "6 to 12", "6-12", "six to twelve", "between 6 and 12".
        if !article {
            let between = bound == Bound::Exact
                && self
                    .prev_word(start)
                    .is_some_and(|p| self.w(p) == "between");
            let joiner = match (self.w(next), self.punct(next)) {
                ("to", _) => Some(next + 1),
                ("and", _) if between => Some(next + 1),
                (_, Some('-' | '\u{2013}')) => Some(next + 1),
                _ => None,
            };
            if let Some(j) = joiner
                && let Some((hi, n, _)) = self.number(j)
                && hi >= value
            {
                max = Some(hi);
                next = n;
                bound = Bound::Range;
            }
        }
        let start = if max.is_some()
            && bound == Bound::Range
            && self
                .prev_word(start)
                .is_some_and(|p| self.w(p) == "between")
        {
            start - 1
        } else {
            start
        };
        let unit = self.unit(next, article);
        let (mut unit, factor, mut next) = match unit {
            Some((u, f, n)) => (u, f, n),
            None => {
                if article {
                    return None;
                }
                // A bare count. Leave out "one" in words ("one of the", "no one"): too
                // often not a figure at all.
                if words && value == 1.0 {
                    return None;
                }
                (Unit::Count, 1.0, next)
            }
        };
        value *= factor;
        let max = max.map(|m| m * factor);
        if age && matches!(unit, Unit::Count | Unit::Year) {
            unit = Unit::AgeYears;
        }
        if let Some((b, n)) = self.bound_after(next) {
            if bound == Bound::Exact {
                bound = b;
            }
            next = n;
        }
        Some((self.finish(start, next - 1, value, max, unit, bound), next))
    }

    fn finish(
        &self,
        start: usize,
        last: usize,
        value: f64,
        max: Option<f64>,
        unit: Unit,
        bound: Bound,
    ) -> Quantity {
        let s = self.toks[start].start;
        let e = self.toks[last.max(start)].end;
        Quantity {
            span: s..e,
            value,
            max,
            unit,
            bound,
        }
    }
}

/// Splits "48hrs" into 48 and "hrs".
fn digit_prefix(t: &str) -> Option<(f64, &str)> {
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (num, suf) = t.split_at(split);
    if num.is_empty() || suf.is_empty() || !suf.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    num.parse::<f64>().ok().map(|v| (v, suf))
}

/// The scanner over pre-tokenised text, shared with the skeleton builder.
pub(super) fn scan_tokens(toks: &[Token<'_>], lw: &[Cow<'_, str>]) -> Figures {
    let s = Scan { toks, lw };
    let mut out = Figures::default();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        // Dates first: "2025-03-27" is not a range and "27 March" is not a count.
        if let Some((d, next)) = dates::parse_at(toks, lw, i) {
            out.dates.push(d);
            i = next.max(i + 1);
            continue;
        }
        // Date-shaped runs that were not valid dates ("31/02/2025", "2025-13-01").
        if t.kind == TokKind::Number
            && let Some(sep @ ('/' | '-')) = s.punct(i + 1)
            && (1..=4).all(|k| s.tight(i + k))
            && s.kind(i + 2) == Some(TokKind::Number)
            && s.punct(i + 3) == Some(sep)
            && s.kind(i + 4) == Some(TokKind::Number)
        {
            i += 5;
            continue;
        }
        // Neutral citations "[2019]" and subsection markers "(3)".
        if matches!(t.punct(), Some('(' | '['))
            && matches!(s.kind(i + 1), Some(TokKind::Number | TokKind::Mixed))
            && matches!(s.punct(i + 2), Some(')' | ']'))
        {
            i += 3;
            continue;
        }
        if t.kind == TokKind::Word {
            if s.w(i) == "level"
                && let Some((q, next)) = s.quantity(i)
            {
                out.quantities.push(q);
                i = next;
                continue;
            }
            let reference = is_reference_word(s.w(i))
                // "No. 5" but not "no 28-day limit".
                || (matches!(s.w(i), "no" | "nos") && (t.text.starts_with('N') || s.punct(i + 1) == Some('.')));
            if reference && let Some(next) = s.skip_reference(i) {
                i = next;
                continue;
            }
            if is_phone_word(s.w(i)) && s.kind(i + 1) == Some(TokKind::Number) {
                // "call 999 or 101"
                i += 2;
                while matches!(s.w(i), "or" | "and") && s.kind(i + 1) == Some(TokKind::Number) {
                    i += 2;
                }
                continue;
            }
        }
        // Times of day: "10:30", "10 am", "10.30pm".
        if t.kind == TokKind::Number {
            if s.punct(i + 1) == Some(':')
                && s.tight(i + 1)
                && s.kind(i + 2) == Some(TokKind::Number)
            {
                i += 3;
                continue;
            }
            if matches!(s.w(i + 1), "am" | "pm") {
                i += 2;
                continue;
            }
        }
        if let Some((q, next)) = s.quantity(i) {
            out.quantities.push(q);
            i = next.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Quantity {
        let qs = extract(text);
        assert_eq!(qs.len(), 1, "{text}: {qs:?}");
        qs.into_iter().next().unwrap()
    }

    fn vu(text: &str) -> (f64, Unit, Bound) {
        let q = one(text);
        (q.value, q.unit, q.bound)
    }

    #[test]
    fn digits_and_words() {
        assert_eq!(vu("six months"), (6.0, Unit::Month, Bound::Exact));
        assert_eq!(vu("for twenty-eight days"), (28.0, Unit::Day, Bound::Exact));
        assert_eq!(vu("twenty eight days"), (28.0, Unit::Day, Bound::Exact));
        assert_eq!(vu("a year"), (1.0, Unit::Year, Bound::Exact));
        assert_eq!(vu("two years"), (2.0, Unit::Year, Bound::Exact));
        assert_eq!(vu("a 14-day period"), (14.0, Unit::Day, Bound::Exact));
        assert_eq!(vu("a 10-year maximum"), (10.0, Unit::Year, Bound::AtMost));
        assert_eq!(
            vu("12 months' imprisonment"),
            (12.0, Unit::Month, Bound::Exact)
        );
        assert_eq!(vu("within 3 days"), (3.0, Unit::Day, Bound::AtMost));
        assert_eq!(vu("one month"), (1.0, Unit::Month, Bound::Exact));
        assert_eq!(vu("a fortnight"), (2.0, Unit::Week, Bound::Exact));
        assert_eq!(vu("48 hours"), (48.0, Unit::Hour, Bound::Exact));
        assert_eq!(vu("48hrs"), (48.0, Unit::Hour, Bound::Exact));
        assert_eq!(vu("51 weeks"), (51.0, Unit::Week, Bound::Exact));
        assert_eq!(
            vu("one hundred and twenty days"),
            (120.0, Unit::Day, Bound::Exact)
        );
        assert_eq!(
            vu("six and a half months"),
            (6.5, Unit::Month, Bound::Exact)
        );
        assert_eq!(vu("half an hour"), (0.5, Unit::Hour, Bound::Exact));
        assert_eq!(
            vu("ten working days"),
            (10.0, Unit::WorkingDay, Bound::Exact)
        );
        assert_eq!(vu("a decade"), (10.0, Unit::Year, Bound::Exact));
        assert_eq!(vu("2.5 years"), (2.5, Unit::Year, Bound::Exact));
    }

    #[test]
    fn bounds() {
        assert_eq!(
            vu("at least six months"),
            (6.0, Unit::Month, Bound::AtLeast)
        );
        assert_eq!(vu("at most 5 years"), (5.0, Unit::Year, Bound::AtMost));
        assert_eq!(
            vu("not exceeding 51 weeks"),
            (51.0, Unit::Week, Bound::AtMost)
        );
        assert_eq!(vu("up to 10 years"), (10.0, Unit::Year, Bound::UpTo));
        assert_eq!(
            vu("more than 24 hours"),
            (24.0, Unit::Hour, Bound::MoreThan)
        );
        assert_eq!(vu("less than 14 days"), (14.0, Unit::Day, Bound::LessThan));
        assert_eq!(
            vu("not less than 2 years"),
            (2.0, Unit::Year, Bound::AtLeast)
        );
        assert_eq!(
            vu("a maximum of five years"),
            (5.0, Unit::Year, Bound::AtMost)
        );
        assert_eq!(vu("28 days or more"), (28.0, Unit::Day, Bound::AtLeast));
        assert_eq!(
            vu("on at least two occasions"),
            (2.0, Unit::Occasion, Bound::AtLeast)
        );
        assert_eq!(vu("twice"), (2.0, Unit::Occasion, Bound::Exact));
        let q = one("at least six months");
        assert_eq!(q.span, 0.."at least six months".len());
    }

    #[test]
    fn ranges() {
        let q = one("between 6 and 12 months");
        assert_eq!(
            (q.value, q.max, q.unit, q.bound),
            (6.0, Some(12.0), Unit::Month, Bound::Range)
        );
        assert_eq!(q.span.start, 0);
        let q = one("6-12 months");
        assert_eq!((q.value, q.max, q.unit), (6.0, Some(12.0), Unit::Month));
        let q = one("two to three years");
        assert_eq!((q.value, q.max, q.unit), (2.0, Some(3.0), Unit::Year));
        let q = one("6\u{2013}12 months");
        assert_eq!(q.max, Some(12.0));
    }

    #[test]
    fn other_units() {
        assert_eq!(vu("50%"), (50.0, Unit::Percent, Bound::Exact));
        assert_eq!(vu("fifty per cent"), (50.0, Unit::Percent, Bound::Exact));
        assert_eq!(vu("a fine of £1,000"), (1000.0, Unit::Money, Bound::Exact));
        assert_eq!(vu("£2.5 million"), (2_500_000.0, Unit::Money, Bound::Exact));
        assert_eq!(vu("£2m"), (2_000_000.0, Unit::Money, Bound::Exact));
        assert_eq!(vu("a level 5 fine"), (5.0, Unit::FineLevel, Bound::Exact));
        assert_eq!(
            vu("level 4 on the standard scale"),
            (4.0, Unit::FineLevel, Bound::Exact)
        );
        assert_eq!(
            vu("a fine not exceeding level 3"),
            (3.0, Unit::FineLevel, Bound::AtMost)
        );
        assert_eq!(vu("two officers"), (2.0, Unit::Count, Bound::Exact));
        assert_eq!(
            vu("aged 16 or over"),
            (16.0, Unit::AgeYears, Bound::AtLeast)
        );
        assert_eq!(
            vu("under the age of 18"),
            (18.0, Unit::AgeYears, Bound::LessThan)
        );
        assert_eq!(vu("a 17-year-old"), (17.0, Unit::AgeYears, Bound::Exact));
        assert_eq!(vu("18 years old"), (18.0, Unit::AgeYears, Bound::Exact));
    }

    #[test]
    fn not_quantities() {
        for t in [
            "s.4A(3) of the Protection from Harassment Act 1997",
            "section 127 of the Communications Act 2003",
            "sections 2 and 4",
            "ss. 2A, 4 and 4A",
            "para 10.1 of PACE Code C",
            "Part 2 and Schedule 1",
            "see the first and second visits",
            "call 999 or 101",
            "on the 1st visit",
            "at 10:30 or 10 am or 10.30pm",
            "form MG5",
            "under subsection (3)",
            "R v Smith [2019] EWCA Crim 123",
            "one of the officers",
            "no one was there",
            "a second officer",
            "Article 8 rights",
            "at level 2",
            "the 0800 number",
        ] {
            assert_eq!(extract(t), vec![], "{t}");
        }
    }

    #[test]
    fn references_do_not_swallow_figures() {
        let qs = extract("Under section 2 the maximum is 6 months");
        assert_eq!(qs.len(), 1);
        assert_eq!(qs[0].unit, Unit::Month);
        let qs = extract("There is no 28-day limit");
        assert_eq!(qs.len(), 1);
        assert_eq!(qs[0].value, 28.0);
    }

    #[test]
    fn same_amount_rules() {
        assert!(one("12 months").same_amount(&one("1 year")));
        assert!(one("a fortnight").same_amount(&one("14 days")));
        assert!(one("48 hours").same_amount(&one("two days")));
        assert!(!one("52 weeks").same_amount(&one("12 months")));
        assert!(!one("6 months").same_amount(&one("51 weeks")));
        assert!(!one("6 months").same_amount(&one("6 years")));
        assert!(!one("10 working days").same_amount(&one("10 days")));
        assert!(one("at least 1 year").same_amount(&one("12 months")));
        assert!(!one("at least 1 year").same_figure(&one("12 months")));
        assert!(one("up to 5 years").same_figure(&one("a maximum of five years")));
        assert_eq!(
            one("up to 5 years").canonical(),
            one("at most sixty months").canonical()
        );
        assert_ne!(
            one("2 occasions").canonical(),
            one("2 officers").canonical()
        );
    }

    #[test]
    fn in_days() {
        assert_eq!(one("2 weeks").in_days(), Some(14.0));
        assert_eq!(one("48 hours").in_days(), Some(2.0));
        assert!(one("6 months").in_days().unwrap() > one("26 weeks").in_days().unwrap());
        assert_eq!(one("3 officers").in_days(), None);
        assert_eq!(one("3 working days").in_days(), None);
    }

    #[test]
    fn dates_are_separate() {
        let f = scan("From 27 March 2025 the period is 28 days.");
        assert_eq!(f.dates.len(), 1);
        assert_eq!(f.quantities.len(), 1);
        assert_eq!(f.quantities[0].value, 28.0);
    }
}
