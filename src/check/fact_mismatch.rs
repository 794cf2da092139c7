//! `fact-mismatch`: prose that cites a provision and states a penalty, time limit, duration,
//! count, date or mode of trial different from the canonical facts in that provision's
//! legal summary.
//!
//! Method, for each statement outside the provision's own summary:
//! 1. The provisions it is about: citations of (or links to) legal summaries in the sentence;
//!    else earlier in its paragraph; else in its list introduction, table row or section
//!    heading.
//! 2. What it states: quantities (words or digits, durations normalised), "no time limit",
//!    "life imprisonment", dates, and modes of trial ("summary only", "either way").
//! 3. Which fact each figure is about, from cue words in the same clause: the fact's own
//!    `about` words (or its name), or generic cues — maximum / penalty / sentence /
//!    imprisonment for the maximum penalty, split by "on indictment" / "Crown Court" versus
//!    "summary" / "magistrates"; time limit / laid / charged / proceedings for the time
//!    limit; "in force" / "commenced" for the commencement date.
//! 4. History is respected: a sentence about the past ("before 2017", "was raised from", a
//!    date before a fact's `as_at`) is only compared with facts whose own `about` words it
//!    uses, and may state any of the provision's figures.
//! 5. A figure that equals a fact it may be about is consistent; a figure with candidate facts
//!    none of which it equals is a finding, against the most specific candidate. With
//!    several provisions in one sentence, the nearest citation is tried first.

use super::statements::{Statement, provisions_in};
use super::{Check, CheckContext};
use crate::analysis::dates::DateMention;
use crate::analysis::quantities::{Quantity, Unit};
use crate::analysis::{Bound, stem, tokens};
use crate::diag::{Diagnostic, FileId, Severity};
use crate::graph::Site;
use crate::model::{Amount, DurationUnit, Fact, Kind, ModeOfTrial, Page};
use jiff::civil::Date;
use rayon::prelude::*;
use std::ops::Range;

pub struct FactMismatch;

pub const NAME: &str = "fact-mismatch";

impl Check for FactMismatch {
    fn name(&self) -> &'static str {
        NAME
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "prose states a penalty, time limit, duration or count that differs from the cited provision's summary"
    }
    fn explain(&self) -> &'static str {
        "A sentence that cites a provision (\"s.4A PHA 1997\", \"section 2A of the Protection from\n\
         Harassment Act 1997\", or a link to its legal summary) and states a figure about it is\n\
         compared with the canonical facts in that summary's front matter: `offence.max_penalty`\n\
         (on indictment and summary), `offence.time_limit`, `offence.mode_of_trial`,\n\
         `legislation.in_force` and `facts`. Numbers in words and digits are read alike and\n\
         durations are normalised (12 months = 1 year). Which fact a figure is about comes from\n\
         the words around it: the fact's `about` cues, or \"maximum\", \"sentence\", \"imprisonment\",\n\
         \"on indictment\", \"magistrates\", \"time limit\", \"charged\", \"in force\". A sentence in the\n\
         past (\"before 2017 the maximum was 5 years\") is compared only with facts whose own cues\n\
         it uses, and a fact with `as_at` is not compared with a sentence about an earlier date.\n\n\
         Example:\n    The maximum sentence for s.4A PHA 1997 is five years.\n    \
         -> maximum penalty on indictment: 5 years here, 10 years in the summary of s.4A PHA 1997\n\n\
         Fix: correct the figure, or link to the legal summary rather than restating it. If the\n\
         summary is wrong, fix the summary's front matter."
    }
    fn cross_page(&self) -> bool {
        true
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        let st = cx.statements();
        for m in cx.fact_mismatches() {
            let s = &st.items[m.statement as usize];
            let (file, range) = s.locate(site, &m.span);
            let canon = &m.fact;
            let legal = &site.pages[canon.page];
            let mut d = Diagnostic::new(
                NAME,
                self.default_severity(),
                format!(
                    "{}: {} here, {} in the summary of {}",
                    canon.label,
                    m.stated,
                    canon.display,
                    provision_name(legal)
                ),
            )
            .at_label(file, range, format!("{} stated here", m.stated));
            if let Some((f, r)) = &canon.at {
                d = d.related(*f, r.clone(), format!("the summary says {}", canon.display));
            }
            out.push(d.help(
                "correct the figure, or link to the legal summary instead of restating it; if the summary is out of date, fix its front matter",
            ));
        }
    }
}

/// "s.4A PHA 1997" for a summary; the act's name for an act page.
pub fn provision_name(p: &Page) -> String {
    let Some(l) = &p.fm.legal.legislation else {
        return p.fm.title.clone();
    };
    let act = l.short.first().cloned().unwrap_or_else(|| l.act.clone());
    match &l.provision {
        Some(pr) if p.kind != Kind::Section => format!("{pr} {act}"),
        _ => act,
    }
}

/// What a canonical fact is, for choosing cue words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FactKind {
    MaxIndictment,
    MaxSummary,
    TimeLimit,
    InForce,
    Mode,
    Other,
}

/// A canonical value.
#[derive(Clone, Debug)]
enum Value {
    Duration(Quantity),
    Count(f64),
    NoLimit,
    Life,
    Dates(Vec<Date>),
    Mode(ModeOfTrial),
}

/// One fact of a legal summary, ready for comparison.
#[derive(Clone, Debug)]
pub struct CanonFact {
    pub page: usize,
    kind: FactKind,
    value: Value,
    /// Explicit cue phrases (stemmed words).
    cues: Vec<Vec<String>>,
    as_at: Option<Date>,
    /// "maximum penalty on indictment".
    pub label: String,
    /// "10 years".
    pub display: String,
    /// Where the fact is written.
    pub at: Option<(FileId, Range<usize>)>,
}

/// A finding: statement, span of the stated figure in its text, what it states, the fact.
#[derive(Clone, Debug)]
pub struct Mismatch {
    pub statement: u32,
    pub span: Range<usize>,
    pub stated: String,
    pub fact: CanonFact,
}

fn duration_unit(u: DurationUnit) -> Unit {
    match u {
        DurationUnit::Hour => Unit::Hour,
        DurationUnit::Day => Unit::Day,
        DurationUnit::Week => Unit::Week,
        DurationUnit::Month => Unit::Month,
        DurationUnit::Year => Unit::Year,
    }
}

fn value_of(a: &Amount) -> Option<Value> {
    Some(match a {
        Amount::Duration { value, unit } => Value::Duration(Quantity {
            span: 0..0,
            value: *value,
            max: None,
            unit: duration_unit(*unit),
            bound: Bound::Exact,
        }),
        Amount::Count { value } => Value::Count(*value),
        Amount::None => Value::NoLimit,
        Amount::Life => Value::Life,
        Amount::Date { value } => Value::Dates(vec![value.parse().ok()?]),
        Amount::Text { .. } => return None,
    })
}

fn mode_label(m: ModeOfTrial) -> &'static str {
    match m {
        ModeOfTrial::Summary => "summary only",
        ModeOfTrial::EitherWay => "either way",
        ModeOfTrial::Indictable => "indictable only",
    }
}

/// Stemmed, lower-case words of a phrase, punctuation dropped.
fn stems(phrase: &str) -> Vec<String> {
    tokens::tokenize(phrase)
        .iter()
        .filter(|t| t.is_alnum())
        .map(|t| stem::stem(&tokens::lower(t.text)))
        .collect()
}

fn display_amount(kind: FactKind, a: &Amount) -> String {
    match (kind, a) {
        (_, Amount::None) => "no time limit".into(),
        (_, Amount::Duration { value, unit }) => {
            // Years and months in words readers expect: "10 years", "12 months".
            Amount::Duration {
                value: *value,
                unit: *unit,
            }
            .to_string()
        }
        (_, a) => a.to_string(),
    }
}

/// The facts of one legal page.
fn canon_facts(site: &Site, pi: usize) -> Vec<CanonFact> {
    let page = &site.pages[pi];
    let legal = &page.fm.legal;
    let mut out = Vec::new();
    let file = page.file;
    let src = &site.sources.get(file).text;
    // The value as written, where the front matter span runs on (flow mappings).
    let value_span = |f: &Fact| -> Range<usize> {
        src.get(f.span.clone())
            .and_then(|t| t.find(f.raw.as_str()))
            .map_or(f.span.clone(), |i| {
                f.span.start + i..f.span.start + i + f.raw.len()
            })
    };
    let push_fact = |out: &mut Vec<CanonFact>, kind: FactKind, label: String, f: &Fact| {
        let Some(value) = value_of(&f.value) else {
            return;
        };
        let mut cues: Vec<Vec<String>> = f.about.iter().map(|c| stems(c)).collect();
        cues.retain(|c| !c.is_empty());
        out.push(CanonFact {
            page: pi,
            kind,
            value,
            cues,
            as_at: f.as_at,
            display: display_amount(kind, &f.value),
            label,
            at: Some((file, value_span(f))),
        });
    };
    if let Some(o) = &legal.offence {
        for (k, f) in &o.max_penalty {
            let (kind, label) = if k == "indictment" {
                (FactKind::MaxIndictment, "maximum penalty on indictment")
            } else {
                (
                    FactKind::MaxSummary,
                    "maximum penalty on summary conviction",
                )
            };
            push_fact(&mut out, kind, label.to_string(), f);
        }
        if let Some(f) = &o.time_limit {
            push_fact(&mut out, FactKind::TimeLimit, "time limit".into(), f);
        }
        if let Some(m) = o.mode_of_trial {
            out.push(CanonFact {
                page: pi,
                kind: FactKind::Mode,
                value: Value::Mode(m),
                cues: Vec::new(),
                as_at: None,
                label: "mode of trial".into(),
                display: mode_label(m).into(),
                at: page.fm.span("offence.mode_of_trial").map(|r| (file, r)),
            });
        }
    }
    for (k, f) in &legal.facts {
        let label = k.replace('_', " ");
        let kind = if k == "time_limit" {
            FactKind::TimeLimit
        } else {
            FactKind::Other
        };
        let before = out.len();
        push_fact(&mut out, kind, label.clone(), f);
        // A fact with no `about` is found by the words of its name.
        if let Some(c) = out.get_mut(before)
            && c.cues.is_empty()
            && kind == FactKind::Other
        {
            c.cues = label
                .split(' ')
                .filter(|w| w.len() > 3 && !matches!(*w, "max" | "min" | "from" | "with"))
                .map(|w| vec![stem::stem(w)])
                .collect();
        }
    }
    if let Some(l) = &legal.legislation
        && let Some(d) = l.in_force
        && page.kind != Kind::Section
    {
        let mut dates = vec![d];
        dates.extend(l.amended.iter().map(|a| a.on));
        out.push(CanonFact {
            page: pi,
            kind: FactKind::InForce,
            value: Value::Dates(dates),
            cues: Vec::new(),
            as_at: None,
            label: "in force".into(),
            display: d.strftime("%-d %B %Y").to_string(),
            at: page.fm.span("legislation.in_force").map(|r| (file, r)),
        });
    }
    out
}

/// What a sentence states.
#[derive(Clone, Debug)]
enum Stated {
    Duration(Quantity),
    Count(Quantity),
    NoLimit,
    Life,
    Date(DateMention),
    Mode(ModeOfTrial),
}

fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v}")
    }
}

fn unit_name(u: Unit, plural: bool) -> &'static str {
    match (u, plural) {
        (Unit::Second, false) => "second",
        (Unit::Second, true) => "seconds",
        (Unit::Minute, false) => "minute",
        (Unit::Minute, true) => "minutes",
        (Unit::Hour, false) => "hour",
        (Unit::Hour, true) => "hours",
        (Unit::Day, false) => "day",
        (Unit::Day, true) => "days",
        (Unit::WorkingDay, false) => "working day",
        (Unit::WorkingDay, true) => "working days",
        (Unit::Week, false) => "week",
        (Unit::Week, true) => "weeks",
        (Unit::Month, false) => "month",
        (Unit::Month, true) => "months",
        (Unit::Year, false) => "year",
        (Unit::Year, true) => "years",
        (Unit::Occasion, false) => "occasion",
        (Unit::Occasion, true) => "occasions",
        _ => "",
    }
}

/// A quantity as readers write it: "5 years", "2 occasions", "16".
pub fn quantity_text(q: &Quantity) -> String {
    let n = number(q.value);
    let n = match q.max {
        Some(m) => format!("{n} to {}", number(m)),
        None => n,
    };
    let u = unit_name(q.unit, (q.max.unwrap_or(q.value) - 1.0).abs() > 1e-9);
    if u.is_empty() {
        match q.unit {
            Unit::Percent => format!("{n}%"),
            Unit::Money => format!("£{n}"),
            Unit::FineLevel => format!("a level {n} fine"),
            _ => n,
        }
    } else {
        format!("{n} {u}")
    }
}

fn date_text(d: &DateMention) -> String {
    let m = d
        .month
        .and_then(|m| crate::model::MONTH_NAMES.get(m as usize - 1).copied())
        .unwrap_or("");
    match (d.day, d.month, d.year) {
        (Some(dd), Some(_), Some(y)) => format!("{dd} {m} {y}"),
        (None, Some(_), Some(y)) => format!("{m} {y}"),
        (_, _, Some(y)) => format!("{y}"),
        _ => d.canonical(),
    }
}

impl Stated {
    fn text(&self) -> String {
        match self {
            Stated::Duration(q) | Stated::Count(q) => quantity_text(q),
            Stated::NoLimit => "no time limit".into(),
            Stated::Life => "life imprisonment".into(),
            Stated::Date(d) => date_text(d),
            Stated::Mode(m) => mode_label(*m).into(),
        }
    }

    /// Whether it can be compared with a value at all.
    fn comparable(&self, v: &Value) -> bool {
        matches!(
            (self, v),
            (
                Stated::Duration(_) | Stated::Life,
                Value::Duration(_) | Value::NoLimit | Value::Life
            ) | (Stated::NoLimit, Value::Duration(_) | Value::NoLimit)
                | (Stated::Count(_), Value::Count(_))
                | (Stated::Date(_), Value::Dates(_))
                | (Stated::Mode(_), Value::Mode(_))
        )
    }

    fn equals(&self, v: &Value) -> bool {
        match (self, v) {
            (Stated::Duration(q), Value::Duration(f)) => q.same_amount(f),
            (Stated::Count(q), Value::Count(c)) => (q.value - c).abs() < 1e-9,
            (Stated::NoLimit, Value::NoLimit) | (Stated::Life, Value::Life) => true,
            (Stated::Date(d), Value::Dates(ds)) => ds.iter().any(|f| {
                d.year.is_none_or(|y| y == f.year() as i32)
                    && d.month.is_none_or(|m| m as i8 == f.month())
                    && d.day.is_none_or(|x| x as i8 == f.day())
            }),
            (Stated::Mode(a), Value::Mode(b)) => a == b,
            _ => false,
        }
    }
}

/// A sentence's words, stemmed, with clause numbers.
struct Words {
    stems: Vec<String>,
    spans: Vec<Range<usize>>,
    clause: Vec<u32>,
}

/// Conjunctions that can start a clause about something else after a comma ("…, and the
/// either-way offences have no time limit"); "so", "which" and "because" go on about the
/// same subject.
const CLAUSE_CONJ: &[&str] = &[
    "and",
    "but",
    "while",
    "whilst",
    "whereas",
    "although",
    "though",
    "or",
    "whereupon",
];

fn words(text: &str) -> Words {
    let toks = tokens::tokenize(text);
    let mut w = Words {
        stems: Vec::new(),
        spans: Vec::new(),
        clause: Vec::new(),
    };
    let mut clause = 0u32;
    let mut comma = false;
    for t in &toks {
        if !t.is_alnum() {
            match t.punct() {
                Some(';' | '\u{2014}' | '\u{2013}') => clause += 1,
                Some(',') => comma = true,
                _ => {}
            }
            continue;
        }
        let l = tokens::lower(t.text);
        if comma && CLAUSE_CONJ.contains(&l.as_ref()) {
            clause += 1;
        }
        comma = false;
        w.stems.push(stem::stem(&l));
        w.spans.push(t.span());
        w.clause.push(clause);
    }
    w
}

impl Words {
    /// Word indices where a stemmed phrase starts.
    fn find(&self, phrase: &[String]) -> Vec<usize> {
        if phrase.is_empty() || phrase.len() > self.stems.len() {
            return Vec::new();
        }
        (0..=self.stems.len() - phrase.len())
            .filter(|&i| phrase.iter().zip(&self.stems[i..]).all(|(a, b)| a == b))
            .collect()
    }

    /// Word index range covering a byte span.
    fn index_of(&self, span: &Range<usize>) -> Range<usize> {
        let s = self
            .spans
            .iter()
            .position(|r| r.end > span.start)
            .unwrap_or(self.spans.len());
        let e = self
            .spans
            .iter()
            .rposition(|r| r.start < span.end)
            .map_or(s, |i| i + 1)
            .max(s);
        s..e
    }

    fn has_any(&self, set: &[&str]) -> bool {
        self.stems.iter().any(|s| set.contains(&s.as_str()))
    }
}

/// Cue words, as Porter2 stems.
const PENALTY: &[&str] = &[
    "maximum", "max", "penalti", "sentenc", "imprison", "custodi", "custod", "prison", "jail",
    "gaol", "punish", "liabl", "carri", "life",
];
const INDICTMENT: &[&str] = &["indict", "crown"];
const SUMMARY: &[&str] = &["summari", "summarili", "magistr"];
const TIME_LIMIT: &[&[&str]] = &[
    &["time", "limit"],
    &["time-limit"],
    &["limit", "period"],
    &["limitation"],
    &["laid"],
    &["lay"],
    &["charg"],
    &["proceed"],
    &["prosecut"],
    &["summon"],
    &["brought"],
];
const IN_FORCE: &[&[&str]] = &[
    &["in", "forc"],
    &["commenc"],
    &["took", "effect"],
    &["came", "into", "effect"],
    &["effect", "from"],
];
/// Words that put a sentence in the past.
const PAST: &[&str] = &[
    "previous", "formerli", "origin", "former", "prior", "rais", "increas", "doubl", "reduc",
    "lower", "halv", "chang", "amend", "replac", "extend", "histor",
];
/// Words that put a sentence in the past when it also gives a date.
const PAST_WITH_DATE: &[&str] = &["was", "were", "befor", "until", "had", "between"];

/// Nearest distance (in words) from the figure to a match of any phrase in the same clause.
fn cue_distance(w: &Words, fig: &Range<usize>, phrases: &[Vec<String>]) -> Option<usize> {
    let clause = w.clause.get(fig.start).copied()?;
    let mut best: Option<usize> = None;
    for p in phrases {
        for i in w.find(p) {
            let end = i + p.len();
            if w.clause[i] != clause {
                continue;
            }
            // A cue inside the figure itself ("3 years" as an `about` phrase) counts.
            let d = if end <= fig.start {
                fig.start - end
            } else {
                i.saturating_sub(fig.end)
            };
            best = Some(best.map_or(d, |b: usize| b.min(d)));
        }
    }
    best
}

fn set(words: &[&str]) -> Vec<Vec<String>> {
    words.iter().map(|w| vec![w.to_string()]).collect()
}

fn phrases(p: &[&[&str]]) -> Vec<Vec<String>> {
    p.iter()
        .map(|ws| ws.iter().map(|w| w.to_string()).collect())
        .collect()
}

/// Precomputed generic cue phrases.
struct Cues {
    penalty: Vec<Vec<String>>,
    indictment: Vec<Vec<String>>,
    summary: Vec<Vec<String>>,
    time_limit: Vec<Vec<String>>,
    in_force: Vec<Vec<String>>,
}

impl Cues {
    fn new() -> Cues {
        Cues {
            penalty: set(PENALTY),
            indictment: set(INDICTMENT),
            summary: set(SUMMARY),
            time_limit: phrases(TIME_LIMIT),
            in_force: phrases(IN_FORCE),
        }
    }
}

/// Whether a clause speaks of a class of offences rather than one provision.
fn class_clause(text: &str, w: &Words, clause: Option<u32>) -> bool {
    w.spans.iter().zip(&w.clause).any(|(r, c)| {
        Some(*c) == clause
            && matches!(
                text[r.clone()].to_lowercase().as_str(),
                "offences" | "crimes" | "charges"
            )
    })
}

/// Statements of modes of trial, by phrase.
fn modes(w: &Words) -> Vec<(Range<usize>, ModeOfTrial)> {
    let mut out = Vec::new();
    let n = w.stems.len();
    let s = |i: usize| w.stems.get(i).map_or("", String::as_str);
    for i in 0..n {
        let m = match (s(i), s(i + 1), s(i + 2)) {
            ("summari", "onli", _) | ("summary-on", _, _) | ("summary-onli", _, _) => {
                Some((ModeOfTrial::Summary, 2))
            }
            ("triabl", "onli", "summarili") => Some((ModeOfTrial::Summary, 3)),
            ("either", "way", _) | ("either-way", _, _) => {
                Some((ModeOfTrial::EitherWay, if s(i) == "either" { 2 } else { 1 }))
            }
            ("indict", "onli", _) | ("indictable-on", _, _) | ("indictable-onli", _, _) => {
                Some((ModeOfTrial::Indictable, 2))
            }
            ("triabl", "onli", "on") if s(i + 3) == "indict" => Some((ModeOfTrial::Indictable, 4)),
            _ => None,
        };
        // Only a mode said of something ("s.2A is summary only", "triable either way", "an
        // either-way offence" after "is"), not an adjective ("a summary-only charge").
        let predicate = (i.saturating_sub(3)..i).any(|k| {
            matches!(
                s(k),
                "is" | "are"
                    | "was"
                    | "were"
                    | "remain"
                    | "becam"
                    | "becom"
                    | "be"
                    | "been"
                    | "triabl"
            )
        });
        if let Some((m, len)) = m
            && predicate
        {
            let len = len.min(n - i);
            out.push((w.spans[i].start..w.spans[i + len - 1].end, m));
        }
    }
    out
}

/// "no time limit", "no statutory time limit", "not subject to any time limit".
fn no_limits(w: &Words) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for i in 0..w.stems.len() {
        if !matches!(w.stems[i].as_str(), "no" | "not" | "without") {
            continue;
        }
        // Up to three words ("statutory", "subject to any") before "time limit".
        for j in i + 1..(i + 5).min(w.stems.len()) {
            if w.stems[j] == "time" && w.stems.get(j + 1).is_some_and(|x| x.starts_with("limit")) {
                out.push(w.spans[i].start..w.spans[j + 1].end);
                break;
            }
            if w.stems[j] == "limit" || w.stems[j] == "limitation" {
                // "no limit" alone is too vague unless "time" is named.
                break;
            }
        }
    }
    out
}

fn lifes(w: &Words) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for i in 0..w.stems.len() {
        let s = |k: usize| w.stems.get(k).map_or("", String::as_str);
        if s(i) == "life" && s(i + 1) == "imprison" {
            out.push(w.spans[i].start..w.spans[i + 1].end);
        } else if s(i) == "imprison" && s(i + 1) == "for" && s(i + 2) == "life" {
            out.push(w.spans[i].start..w.spans[i + 2].end);
        }
    }
    out
}

/// Everything needed to judge one statement.
struct Sentence {
    words: Words,
    /// Dates outside citations.
    dates: Vec<DateMention>,
    historical: bool,
}

/// A provision in context: its page, and where it is cited in the text (None: inherited).
struct Prov {
    page: usize,
    at: Option<usize>,
}

/// The decision for one stated figure against one provision's facts.
enum Verdict {
    /// Nothing to compare.
    Unknown,
    Consistent,
    Mismatch(usize),
}

fn judge(
    sen: &Sentence,
    cues: &Cues,
    stated: &Stated,
    fig: &Range<usize>,
    facts: &[CanonFact],
    own: &[CanonFact],
) -> Verdict {
    let w = &sen.words;
    let fw = w.index_of(fig);
    if fw.is_empty() {
        return Verdict::Unknown;
    }
    let near = |p: &[Vec<String>]| cue_distance(w, &fw, p);
    let penalty = near(&cues.penalty);
    let time = near(&cues.time_limit);
    let ind = near(&cues.indictment);
    let sum = near(&cues.summary);
    let court_is_summary = match (ind, sum) {
        (Some(a), Some(b)) => Some(b < a),
        (Some(_), None) => Some(false),
        (None, Some(_)) => Some(true),
        (None, None) => None,
    };
    let penalty_cue = penalty.is_some()
        || matches!(stated, Stated::Life)
        || ((ind.is_some() || sum.is_some()) && time.is_none());
    // (index, explicit cue distance, generic cue distance)
    let mut candidates: Vec<(usize, Option<usize>, Option<usize>)> = Vec::new();
    let mut acceptable: Vec<usize> = Vec::new();
    for (k, f) in facts.iter().enumerate() {
        if !stated.comparable(&f.value) {
            continue;
        }
        let explicit = if f.cues.is_empty() {
            None
        } else {
            near(&f.cues)
        };
        let generic = match f.kind {
            FactKind::MaxIndictment if court_is_summary != Some(true) && penalty_cue => {
                penalty.or(ind).or(Some(8))
            }
            FactKind::MaxSummary if court_is_summary != Some(false) && penalty_cue => {
                penalty.or(sum).or(Some(8))
            }
            FactKind::TimeLimit => {
                if matches!(stated, Stated::NoLimit) {
                    Some(0)
                } else {
                    time
                }
            }
            FactKind::InForce => near(&cues.in_force),
            FactKind::Mode => Some(0),
            _ => None,
        };
        if explicit.is_none() && generic.is_none() {
            if sen.historical {
                acceptable.push(k);
            }
            continue;
        }
        acceptable.push(k);
        // The past is compared only with facts that name it; a fact with `as_at` is not
        // compared with a sentence about an earlier date.
        let before_as_at = f.as_at.is_some_and(|a| {
            sen.dates.iter().any(|d| match (d.year, d.month, d.day) {
                (Some(y), m, dd) => {
                    let date = Date::new(y as i16, m.unwrap_or(12) as i8, dd.unwrap_or(1) as i8)
                        .unwrap_or(a);
                    date < a
                }
                _ => false,
            })
        });
        if explicit.is_none() && (sen.historical || before_as_at) {
            continue;
        }
        candidates.push((k, explicit, generic));
    }
    if candidates.is_empty() {
        return Verdict::Unknown;
    }
    // On a legal summary, a figure of the page's own provision is about that provision.
    if acceptable.iter().any(|&k| stated.equals(&facts[k].value))
        || own
            .iter()
            .any(|f| stated.comparable(&f.value) && stated.equals(&f.value))
    {
        return Verdict::Consistent;
    }
    // The most specific candidate: an explicit cue first, then the nearest cue.
    candidates.sort_by_key(|&(k, e, g)| (e.is_none(), e.or(g).unwrap_or(usize::MAX), k));
    Verdict::Mismatch(candidates[0].0)
}

/// Provisions a statement is about, nearest first.
fn provisions(site: &Site, s: &Statement) -> Vec<Prov> {
    let pi = s.page as usize;
    let doc = &site.docs[pi];
    let own: Vec<Prov> = s
        .full_body_ranges(site)
        .iter()
        .flat_map(|r| provisions_in(site, pi, r))
        .map(|(at, page)| Prov { page, at: Some(at) })
        .collect();
    let valid = |v: Vec<Prov>| -> Vec<Prov> { v.into_iter().filter(|p| p.page != pi).collect() };
    let own = valid(own);
    if !own.is_empty() {
        return own;
    }
    let inherit = |r: Range<usize>| -> Vec<Prov> {
        valid(
            provisions_in(site, pi, &r)
                .into_iter()
                .map(|(_, page)| Prov { page, at: None })
                .collect(),
        )
    };
    let block = &doc.blocks[s.block as usize];
    // Earlier in the paragraph.
    let start = s.own_body_range(site).start;
    let v = inherit(block.range.start..start);
    if !v.is_empty() {
        return v;
    }
    // List introduction.
    if let Some(ib) = super::statements::list_intro(doc, s.block as usize) {
        let v = inherit(doc.blocks[ib].range.clone());
        if !v.is_empty() {
            return v;
        }
    }
    // Table row: cells on the same line.
    if block.kind == crate::parse::markdown::BlockKind::TableCell {
        let body = &site.pages[pi].body.text;
        let line_start = body[..block.range.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = body[block.range.end.min(body.len())..]
            .find('\n')
            .map_or(body.len(), |i| block.range.end + i);
        let v = inherit(line_start..line_end);
        if !v.is_empty() {
            return v;
        }
    }
    // Section heading.
    if let Some(h) = block.section
        && let Some(head) = site.docs[pi].headings.get(h)
    {
        let v = inherit(head.range.clone());
        if !v.is_empty() {
            return v;
        }
    }
    Vec::new()
}

/// A table cell's context for cue words: its column header and the other cells of its row
/// ("| s.4A PHA 1997 | Either way | 10 years |" under "| Offence | Mode | Maximum |").
fn table_context(site: &Site, s: &Statement) -> Option<String> {
    use crate::parse::markdown::BlockKind;
    let pi = s.page as usize;
    let doc = &site.docs[pi];
    let body = &site.pages[pi].body.text;
    let b = s.block as usize;
    if doc.blocks[b].kind != BlockKind::TableCell {
        return None;
    }
    let same_line = |x: usize, y: usize| {
        let (a, c) = (doc.blocks[x].range.end, doc.blocks[y].range.start);
        a <= c && c <= body.len() && !body[a..c].contains('\n')
    };
    let mut first = b;
    while first > 0 && doc.blocks[first - 1].kind == BlockKind::TableCell {
        first -= 1;
    }
    let mut row_start = b;
    while row_start > first && same_line(row_start - 1, row_start) {
        row_start -= 1;
    }
    let mut row_end = b + 1;
    while row_end < doc.blocks.len()
        && doc.blocks[row_end].kind == BlockKind::TableCell
        && same_line(row_end - 1, row_end)
    {
        row_end += 1;
    }
    let mut parts = Vec::new();
    if row_start > first {
        // The header: the table's first row, same column.
        let col = b - row_start;
        let mut k = first;
        let mut ok = true;
        for _ in 0..col {
            if k + 1 >= doc.blocks.len() || !same_line(k, k + 1) {
                ok = false;
                break;
            }
            k += 1;
        }
        if ok {
            parts.push(doc.blocks[k].text.clone());
        }
    }
    for k in row_start..row_end {
        if k != b {
            parts.push(doc.blocks[k].text.clone());
        }
    }
    (!parts.is_empty()).then(|| parts.join(" / "))
}

/// All mismatches of the site, in statement order.
pub fn find(cx: &CheckContext) -> Vec<Mismatch> {
    let site = cx.site;
    let st = cx.statements();
    let facts: Vec<Vec<CanonFact>> = (0..site.pages.len())
        .map(|i| {
            if site.pages[i].kind == Kind::Legal || site.pages[i].fm.legal.legislation.is_some() {
                canon_facts(site, i)
            } else {
                Vec::new()
            }
        })
        .collect();
    if facts.iter().all(Vec::is_empty) {
        return Vec::new();
    }
    let cues = Cues::new();
    let per: Vec<Vec<Mismatch>> = st
        .items
        .par_iter()
        .enumerate()
        .map(|(i, s)| statement(site, &facts, &cues, i as u32, s))
        .collect();
    per.into_iter().flatten().collect()
}

fn statement(
    site: &Site,
    facts: &[Vec<CanonFact>],
    cues: &Cues,
    idx: u32,
    s: &Statement,
) -> Vec<Mismatch> {
    let mut out = Vec::new();
    // Most pages cite no legal summary at all (`Site::cites` leaves snippet text out).
    if !s.snippet && site.cites[s.page as usize].is_empty() {
        return out;
    }
    let provs = provisions(site, s);
    if provs.iter().all(|p| facts[p.page].is_empty()) {
        return out;
    }
    let own: &[CanonFact] = &facts[s.page as usize];
    let text = s.text(site);
    // A table cell is read with its column header and row, for cue words.
    let full = match table_context(site, s) {
        Some(h) => format!("{text} ({h})"),
        None => text.clone(),
    };
    let figures = crate::analysis::quantities::scan(&full);
    let pi = s.page as usize;
    let bodies = s.full_body_ranges(site);
    let cite_spans: Vec<Range<usize>> = site.docs[pi]
        .citations
        .iter()
        .filter(|c| {
            bodies
                .iter()
                .any(|b| c.range.start >= b.start && c.range.end <= b.end)
        })
        .map(|c| c.range.clone())
        .collect();
    let in_citation = |r: &Range<usize>| {
        if r.start >= text.len() {
            return false;
        }
        let b = s.body_range(site, &(r.start..r.end.min(text.len())));
        cite_spans
            .iter()
            .any(|c| b.start >= c.start && b.end <= c.end.max(c.start))
    };
    let dates: Vec<DateMention> = figures
        .dates
        .iter()
        .filter(|d| !in_citation(&d.span))
        .cloned()
        .collect();
    let words = words(&full);
    let historical = words.has_any(PAST) || (!dates.is_empty() && words.has_any(PAST_WITH_DATE));
    // Clause of each provision cited in the sentence.
    let word_body: Vec<usize> = words
        .spans
        .iter()
        .take_while(|r| r.end <= text.len())
        .map(|r| s.body_range(site, r).start)
        .collect();
    let clause_at = |body: usize| -> Option<u32> {
        let i = word_body.iter().position(|&b| b >= body)?;
        words.clause.get(i).copied()
    };
    let prov_clause: Vec<Option<u32>> = provs.iter().map(|p| p.at.and_then(&clause_at)).collect();
    let sen = Sentence {
        words,
        dates,
        historical,
    };
    let mut stated: Vec<(Range<usize>, Stated)> = Vec::new();
    for q in &figures.quantities {
        if q.span.start >= text.len() || q.max.is_some() || in_citation(&q.span) {
            continue;
        }
        if q.unit.is_duration() {
            stated.push((q.span.clone(), Stated::Duration(q.clone())));
        } else if matches!(q.unit, Unit::Count | Unit::Occasion | Unit::AgeYears) {
            stated.push((q.span.clone(), Stated::Count(q.clone())));
        }
    }
    for d in &sen.dates {
        if d.span.start < text.len() {
            stated.push((d.span.clone(), Stated::Date(d.clone())));
        }
    }
    for r in no_limits(&sen.words) {
        stated.push((r, Stated::NoLimit));
    }
    for r in lifes(&sen.words) {
        stated.push((r, Stated::Life));
    }
    for (r, m) in modes(&sen.words) {
        stated.push((r, Stated::Mode(m)));
    }
    let positioned = provs.iter().any(|p| p.at.is_some());
    for (span, what) in stated {
        // Figures of the list introduction are judged with the introduction itself; the
        // table context only lends cue words.
        if span.start >= text.len() || s.in_intro(&span) {
            continue;
        }
        let at = s.body_range(site, &span).start;
        let fig_clause = sen
            .words
            .clause
            .get(sen.words.index_of(&span).start)
            .copied();
        // A provision cited in the sentence counts for figures of its own clause, or of a
        // later clause that goes on about it; a clause about a class of offences ("the
        // either-way offences have no time limit") is not about the provision cited before
        // it. A sentence that cites none inherits its paragraph's (all alike).
        let mut order: Vec<&Prov> = if positioned {
            let in_clause: Vec<&Prov> = provs
                .iter()
                .zip(&prov_clause)
                .filter(|(p, c)| p.at.is_some() && **c == fig_clause)
                .map(|(p, _)| p)
                .collect();
            if !in_clause.is_empty() {
                in_clause
            } else if class_clause(&full, &sen.words, fig_clause) {
                Vec::new()
            } else {
                provs
                    .iter()
                    .zip(&prov_clause)
                    .filter(|(p, c)| p.at.is_some() && c.is_some() && **c < fig_clause)
                    .map(|(p, _)| p)
                    .collect()
            }
        } else {
            provs.iter().collect()
        };
        order.sort_by_key(|p| p.at.map_or(usize::MAX, |x| x.abs_diff(at)));
        let mut verdict: Option<(usize, usize)> = None;
        let mut consistent = false;
        for p in &order {
            match judge(&sen, cues, &what, &span, &facts[p.page], own) {
                Verdict::Unknown => continue,
                Verdict::Consistent => {
                    consistent = true;
                    break;
                }
                Verdict::Mismatch(k) => {
                    verdict.get_or_insert((p.page, k));
                    // The nearest cited provision decides; inherited ones are all tried.
                    if positioned {
                        break;
                    }
                }
            }
        }
        if consistent {
            continue;
        }
        if let Some((page, k)) = verdict {
            out.push(Mismatch {
                statement: idx,
                span,
                stated: what.text(),
                fact: facts[page][k].clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_split_at_semicolons_and_conjunctions() {
        let w = words(
            "On indictment the maximum is 10 years, and officers should review it; summarily 12 months.",
        );
        let c: Vec<u32> = w.clause.clone();
        assert_eq!(c.first(), Some(&0));
        assert!(c.contains(&1) && c.contains(&2));
    }

    #[test]
    fn modes_and_limits_are_read() {
        let w = words(
            "Stalking under s.2A is summary only and s.4A is triable either way; there is no statutory time limit.",
        );
        let m: Vec<ModeOfTrial> = modes(&w).into_iter().map(|x| x.1).collect();
        assert_eq!(m, [ModeOfTrial::Summary, ModeOfTrial::EitherWay]);
        assert_eq!(no_limits(&w).len(), 1);
        assert_eq!(lifes(&words("It carries life imprisonment.")).len(), 1);
    }

    #[test]
    fn quantities_read_as_written() {
        let q = crate::analysis::quantities::extract("up to five years' imprisonment");
        assert_eq!(quantity_text(&q[0]), "5 years");
        let q = crate::analysis::quantities::extract("on at least two occasions");
        assert_eq!(quantity_text(&q[0]), "2 occasions");
    }
}
