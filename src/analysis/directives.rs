//! The directive classifier: modal class, actor, normalised action and conditions of a
//! sentence (SPEC §6.4 "Directive classes").
//!
//! | class | written as |
//! |---|---|
//! | must | must, shall, is required to, is obliged to, is under a duty to, has to¹, always¹, imperative ("Record …") |
//! | must-not | must not, shall not, never¹, "Do not …", "You do not …", may not¹, cannot¹, is not permitted to¹, is prohibited from |
//! | should | should, ought to, is expected to |
//! | should-not | should not, ought not to |
//! | may | may¹, can¹, is permitted / allowed / authorised / entitled to¹ |
//! | need-not | need not, is not required to, is not obliged to, is not expected to, does not need to, does not have to |
//!
//! ¹ Deontic only: the subject is a police role ("officers", "call handlers", "you") or there is
//! no subject (imperative). "This may indicate …", "Victims may be reluctant …" and "may be" /
//! "can be" / "may have" are not directives. "May not" and "cannot" with a role subject are read
//! as prohibitions, as legal drafting uses them.
//!
//! Other subjects still classify for must / should / need-not, with the subject as actor ("The
//! court must be satisfied …" → actor "court"; "A person must not pursue …" → "person"), and
//! [`Directive::role_subject`] tells the caller whether the sentence addresses the police.
//! Questions classify too ([`Directive::question`]); the caller decides what to do with them.
//!
//! Actors are lower case and singular: a known compound role ("call handler", "custody
//! officer") or a role head ("frontline officers" → "officer"), otherwise the subject's last
//! two words. The reader ("you") and imperatives have no actor (`None`), consistently. A
//! passive with a non-person subject ("Records must be kept") has no actor either, and its
//! subject joins the action, so it meets the active form ("Keep records").
//!
//! The action is the normalised verb followed by the object's content words, sorted and
//! deduplicated (stop words dropped, negators kept, irregular forms mapped, Porter2 stems,
//! figures as canonical values), so word order and inflection do not split one action in
//! two. Abbreviations are expanded first through the caller's [`Expander`].

use super::lexicon as lx;
use super::quantities::Prepared;
use super::stem;
use super::tokens::{self, TokKind};
use std::borrow::Cow;
use std::ops::Range;

/// Modal class of a directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Modal {
    /// must, shall, is required to, always, imperative.
    Must,
    /// must not, shall not, never, do not.
    MustNot,
    /// should, ought to.
    Should,
    /// should not, ought not to.
    ShouldNot,
    /// may, can (deontic).
    May,
    /// need not, is not required to.
    NeedNot,
}

impl Modal {
    /// Incompatible classes on the same action (SPEC §6.4): must vs must-not, must vs
    /// need-not, may vs must-not, should vs should-not. Symmetric.
    pub fn conflicts(a: Modal, b: Modal) -> bool {
        use Modal::*;
        matches!(
            (a, b),
            (Must, MustNot)
                | (MustNot, Must)
                | (Must, NeedNot)
                | (NeedNot, Must)
                | (May, MustNot)
                | (MustNot, May)
                | (Should, ShouldNot)
                | (ShouldNot, Should)
        )
    }

    /// must vs should (either polarity): not a conflict, but a divergence the caller reports
    /// as a warning on near-identical sentences. Symmetric.
    pub fn diverges(a: Modal, b: Modal) -> bool {
        use Modal::*;
        matches!(
            (a, b),
            (Must, Should) | (Should, Must) | (MustNot, ShouldNot) | (ShouldNot, MustNot)
        )
    }

    /// Whether the class forbids or releases (must-not, should-not, need-not).
    pub fn is_negative(self) -> bool {
        matches!(self, Modal::MustNot | Modal::ShouldNot | Modal::NeedNot)
    }

    /// The kebab-case name used in messages ("must-not").
    pub fn name(self) -> &'static str {
        match self {
            Modal::Must => "must",
            Modal::MustNot => "must-not",
            Modal::Should => "should",
            Modal::ShouldNot => "should-not",
            Modal::May => "may",
            Modal::NeedNot => "need-not",
        }
    }
}

/// A directive sentence, classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Modal class, polarity included.
    pub modal: Modal,
    /// Normalised actor; `None` for imperatives, "you" and passives without a person subject.
    pub actor: Option<String>,
    /// Whether the subject is a police role or the reader (or there is none): the sentence
    /// addresses the police rather than describing what the law requires of others.
    pub role_subject: bool,
    /// Normalised verb (stem), "be …" for a passive of a role or person ("be train").
    pub verb: String,
    /// Verb then sorted object key words: the action key compared between directives.
    pub action: String,
    /// Normalised condition clauses ("if victim risk", "unless suspect arrest"), in order.
    pub conditions: Vec<String>,
    /// Byte span of the modal phrase ("must not", "is required to", "Never", "Do not", or the
    /// imperative verb).
    pub modal_span: Range<usize>,
    /// Imperative ("Record …", "Do not …", "Never …").
    pub imperative: bool,
    /// Passive ("must be recorded").
    pub passive: bool,
    /// The sentence is a question.
    pub question: bool,
}

/// Expands abbreviations before analysis ("PIN" → "Police Information Notice"). The token is
/// passed as written; for a plural of an all-capitals token ("PINs") the singular is tried too.
pub trait Expander {
    /// The expansion of `token`, if it is an abbreviation.
    fn expand(&self, token: &str) -> Option<String>;
}

impl<F: Fn(&str) -> Option<String>> Expander for F {
    fn expand(&self, token: &str) -> Option<String> {
        self(token)
    }
}

/// An expander that expands nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoExpansion;

impl Expander for NoExpansion {
    fn expand(&self, _token: &str) -> Option<String> {
        None
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Word,
    Punct(char),
    Figure,
}

#[derive(Clone, Debug)]
struct W<'a> {
    text: Cow<'a, str>,
    span: Range<usize>,
    kind: Kind,
    /// Written as an abbreviation (two or more capitals: "PIN", "SPOs").
    abbr: bool,
}

fn expand_token(expander: &dyn Expander, t: &str) -> Option<String> {
    if let Some(e) = expander.expand(t) {
        return Some(e);
    }
    let stem = t.strip_suffix('s')?;
    if stem.len() >= 2
        && stem
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return expander.expand(stem);
    }
    None
}

/// Normalised words of a sentence: lower case, contractions split, abbreviations expanded,
/// figures (quantities and dates) folded into one word holding their canonical value.
fn words<'a>(prep: &Prepared<'a>, expander: &dyn Expander) -> Vec<W<'a>> {
    let spans = prep.figure_spans();
    let mut out = Vec::with_capacity(prep.toks.len());
    let mut f = 0;
    for (i, (t, l)) in prep.toks.iter().zip(&prep.lw).enumerate() {
        while f < spans.len() && spans[f].0.end <= t.start {
            f += 1;
        }
        if let Some((r, which)) = spans.get(f)
            && t.start >= r.start
            && t.end <= r.end
        {
            if t.start == r.start {
                let canon = match which {
                    Ok(q) => prep.figures.quantities[*q].canonical(),
                    Err(d) => format!("date:{}", prep.figures.dates[*d].canonical()),
                };
                out.push(W {
                    text: Cow::Owned(canon),
                    span: r.clone(),
                    kind: Kind::Figure,
                    abbr: false,
                });
            }
            continue;
        }
        let abbr = t.text.chars().filter(|c| c.is_uppercase()).count() >= 2;
        let word = |text: Cow<'a, str>| W {
            text,
            span: t.span(),
            kind: Kind::Word,
            abbr,
        };
        // A dot inside a token run ("s.24", "e.g") does not end a clause, and a hyphen
        // inside a word ("stirring-up") does not end a subject.
        if matches!(t.punct(), Some('.' | '-'))
            && !t.space_before
            && prep
                .toks
                .get(i + 1)
                .is_some_and(|n| !n.space_before && n.is_alnum())
        {
            continue;
        }
        match t.kind {
            TokKind::Punct => out.push(W {
                text: l.clone(),
                span: t.span(),
                kind: Kind::Punct(t.punct().unwrap_or(' ')),
                abbr: false,
            }),
            TokKind::Number => out.push(word(l.clone())),
            TokKind::Word | TokKind::Mixed => {
                if let Some(exp) = expand_token(expander, t.text) {
                    for e in tokens::tokenize(&exp).iter().filter(|e| e.is_alnum()) {
                        out.push(word(Cow::Owned(tokens::lower(e.text).into_owned())));
                    }
                } else if let Some((a, b)) = tokens::contraction(l) {
                    out.push(word(Cow::Borrowed(a)));
                    out.push(word(Cow::Borrowed(b)));
                } else {
                    out.push(word(l.clone()));
                }
            }
        }
    }
    out
}

/// Singular of a lower-case noun, by rule with a few irregulars.
fn singular(w: &str) -> String {
    match w {
        "people" | "persons" => return "person".into(),
        "children" => return "child".into(),
        "women" => return "woman".into(),
        "men" => return "man".into(),
        "staff" | "police" | "series" | "species" | "news" | "always" | "its" | "this" | "his"
        | "us" | "was" | "is" | "has" | "does" => return w.into(),
        _ => {}
    }
    if !w.is_ascii() || w.len() < 4 {
        return w.into();
    }
    if let Some(s) = w.strip_suffix("ies") {
        return format!("{s}y");
    }
    if w.ends_with("sses") || w.ends_with("xes") || w.ends_with("ches") || w.ends_with("shes") {
        return w[..w.len() - 2].into();
    }
    if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return w[..w.len() - 1].into();
    }
    w.into()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SubjectKind {
    /// No subject: imperative or fragment.
    None,
    /// "you": the reader, like an imperative.
    Reader,
    /// A police role.
    Role,
    /// A person or body named in law.
    Agent,
    /// Anything else (things, pronouns, "there").
    Other,
}

fn normalise_actor(words: &[&str]) -> Actor {
    let ws: Vec<String> = words.iter().map(|w| singular(w)).collect();
    if ws.is_empty() {
        return (None, SubjectKind::None);
    }
    if ws.len() == 1 && ws[0] == "you" {
        return (None, SubjectKind::Reader);
    }
    let joined = ws.join(" ");
    // Longest first: "senior investigating officer" before "investigating officer". Sorted
    // once; matched without building strings (this runs for every directive).
    static COMPOUNDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let compounds = COMPOUNDS.get_or_init(|| {
        let mut v: Vec<&str> = lx::COMPOUND_ROLES.to_vec();
        v.sort_by_key(|c| (std::cmp::Reverse(c.len()), *c));
        v
    });
    for &c in compounds {
        let tail = joined.len().checked_sub(c.len() + 1);
        if joined == c
            || (joined.ends_with(c) && tail.is_some_and(|t| joined.as_bytes()[t] == b' '))
        {
            return (Some(c.to_string()), SubjectKind::Role);
        }
    }
    let last = ws.last().map(String::as_str).unwrap_or("");
    if lx::is_role_head(last) {
        return (Some(last.to_string()), SubjectKind::Role);
    }
    if lx::is_agent(last) {
        return (Some(last.to_string()), SubjectKind::Agent);
    }
    let tail = ws[ws.len().saturating_sub(2)..].join(" ");
    (Some(tail), SubjectKind::Other)
}

/// A normalised actor and what kind of subject it came from.
type Actor = (Option<String>, SubjectKind);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gate {
    /// Classifies whatever the subject.
    Open,
    /// Needs a role subject, the reader, or no subject.
    Role,
    /// Needs the reader ("You do not …").
    Reader,
}

#[derive(Clone, Copy, Debug)]
struct Hit {
    modal: Modal,
    /// First word of the phrase.
    start: usize,
    /// Last word of the phrase.
    last: usize,
    gate: Gate,
}

struct Sentence<'s, 'a> {
    ws: &'s [W<'a>],
}

impl Sentence<'_, '_> {
    fn t(&self, k: usize) -> &str {
        match self.ws.get(k) {
            Some(w) if w.kind == Kind::Word => &w.text,
            _ => "",
        }
    }

    fn is_word(&self, k: usize) -> bool {
        self.ws.get(k).is_some_and(|w| w.kind == Kind::Word)
    }

    fn is_boundary(&self, k: usize) -> bool {
        matches!(
            self.ws.get(k).map(|w| w.kind),
            Some(Kind::Punct(
                ',' | ';'
                    | ':'
                    | '('
                    | ')'
                    | '.'
                    | '!'
                    | '?'
                    | '"'
                    | '\u{2014}'
                    | '\u{2013}'
                    | '['
                    | ']'
            ))
        )
    }

    fn modal_at(&self, k: usize) -> Option<Hit> {
        let (w, n1, n2, n3) = (self.t(k), self.t(k + 1), self.t(k + 2), self.t(k + 3));
        let neg1 = matches!(n1, "not" | "never");
        let hit = |modal, last, gate| {
            Some(Hit {
                modal,
                start: k,
                last,
                gate,
            })
        };
        match w {
            "must" | "shall" => hit(
                if neg1 { Modal::MustNot } else { Modal::Must },
                k + usize::from(neg1),
                Gate::Open,
            ),
            "should" => hit(
                if neg1 {
                    Modal::ShouldNot
                } else {
                    Modal::Should
                },
                k + usize::from(neg1),
                Gate::Open,
            ),
            "ought" if n1 == "to" => hit(Modal::Should, k + 1, Gate::Open),
            "ought" if n1 == "not" && n2 == "to" => hit(Modal::ShouldNot, k + 2, Gate::Open),
            "may" | "can" => hit(
                if neg1 { Modal::MustNot } else { Modal::May },
                k + usize::from(neg1),
                Gate::Role,
            ),
            "need" if n1 == "not" => hit(Modal::NeedNot, k + 1, Gate::Open),
            "do" | "does" if n1 == "not" && matches!(n2, "need" | "have") && n3 == "to" => {
                hit(Modal::NeedNot, k + 3, Gate::Open)
            }
            "do" if n1 == "not" => hit(Modal::MustNot, k + 1, Gate::Reader),
            "is" | "are" | "am" | "be" => {
                let j = if n1 == "not" { k + 2 } else { k + 1 };
                let neg = n1 == "not";
                let (a, b) = (self.t(j), self.t(j + 1));
                match (a, b) {
                    ("required" | "obliged" | "obligated", "to") => hit(
                        if neg { Modal::NeedNot } else { Modal::Must },
                        j + 1,
                        Gate::Open,
                    ),
                    ("expected", "to") => hit(
                        if neg { Modal::NeedNot } else { Modal::Should },
                        j + 1,
                        Gate::Open,
                    ),
                    (
                        "permitted" | "allowed" | "authorised" | "authorized" | "entitled"
                        | "empowered",
                        "to",
                    ) => hit(
                        if neg { Modal::MustNot } else { Modal::May },
                        j + 1,
                        Gate::Role,
                    ),
                    ("prohibited" | "forbidden" | "barred", "from" | "to") => hit(
                        if neg { Modal::May } else { Modal::MustNot },
                        j + 1,
                        if neg { Gate::Role } else { Gate::Open },
                    ),
                    ("under", "a") if self.t(j + 2) == "duty" && self.t(j + 3) == "to" => hit(
                        if neg { Modal::NeedNot } else { Modal::Must },
                        j + 3,
                        Gate::Open,
                    ),
                    _ => None,
                }
            }
            "has" | "have" if n1 == "to" => hit(Modal::Must, k + 1, Gate::Role),
            "has" | "have" if n1 == "a" && n2 == "duty" && n3 == "to" => {
                hit(Modal::Must, k + 3, Gate::Open)
            }
            "always"
                if self.is_word(k + 1) && !self.is_word_in(k.wrapping_sub(1), &["as", "not"]) =>
            {
                hit(Modal::Must, k, Gate::Role)
            }
            "never" if self.is_word(k + 1) => hit(Modal::MustNot, k, Gate::Role),
            _ => None,
        }
    }

    fn is_word_in(&self, k: usize, set: &[&str]) -> bool {
        set.contains(&self.t(k))
    }

    /// Skips adverbs from `k`; returns the first other index.
    fn skip_adverbs(&self, mut k: usize) -> usize {
        while lx::is_skippable_adverb(self.t(k)) || self.t(k) == "always" {
            k += 1;
        }
        k
    }

    /// Imperative at `s`: optional adverbs / "always" / "never" / "do not", then a listed verb.
    /// Returns the class, the phrase's first and last word, and the verb's index.
    fn imperative_at(&self, s: usize) -> Option<(Modal, usize, usize, usize)> {
        let mut k = s;
        let mut modal = Modal::Must;
        let mut marker: Option<(usize, usize)> = None;
        for _ in 0..4 {
            match self.t(k) {
                "always" => {
                    marker = Some((k, k));
                    k += 1;
                }
                "never" => {
                    modal = Modal::MustNot;
                    marker = Some((k, k));
                    k += 1;
                }
                "do" if self.t(k + 1) == "not" => {
                    modal = Modal::MustNot;
                    marker = Some((k, k + 1));
                    k += 2;
                }
                w if lx::is_skippable_adverb(w) => k += 1,
                _ => break,
            }
        }
        let v = self.t(k);
        if !lx::is_imperative_verb(v) {
            return None;
        }
        let n1 = self.t(k + 1);
        // "Record keeping is …", "Search powers are …": the first word belongs to a subject.
        // Verbs that take a clause ("Ensure victims are safe") are exempt from the second test.
        let clausal = matches!(
            v,
            "ensure"
                | "check"
                | "confirm"
                | "note"
                | "remember"
                | "consider"
                | "establish"
                | "verify"
                | "ascertain"
                | "determine"
                | "explain"
                | "tell"
                | "ask"
                | "inform"
                | "notify"
                | "show"
                | "state"
                | "advise"
                | "decide"
                | "make"
                | "recognise"
                | "think"
        );
        if lx::blocks_imperative(n1)
            || (!clausal
                && self.is_word(k + 1)
                && !lx::is_determiner(n1)
                && lx::blocks_imperative(self.t(k + 2)))
        {
            return None;
        }
        // "Do not need to" / "do not have to" are not prohibitions.
        if modal == Modal::MustNot && matches!(v, "need" | "have") {
            return None;
        }
        let (a, b) = marker.unwrap_or((k, k));
        Some((modal, a, b, k))
    }

    /// The subject noun phrase before `k`, back to the clause boundary at or after `floor`,
    /// its last five words (enough for an actor: "officer in the case").
    fn subject(&self, k: usize, floor: usize) -> Vec<usize> {
        let mut idx = self.subject_phrase(k, floor);
        if idx.len() > 5 {
            idx.drain(..idx.len() - 5);
        }
        idx
    }

    /// The whole subject noun phrase: a passive's thing subject joins the action, head noun
    /// and all ("material seized in a burglary case").
    fn subject_phrase(&self, k: usize, floor: usize) -> Vec<usize> {
        let mut start = k;
        while start > floor {
            let p = start - 1;
            if !self.is_word(p)
                || lx::is_condition_word(self.t(p))
                || matches!(
                    self.t(p),
                    "but" | "so" | "because" | "although" | "though" | "otherwise" | "therefore"
                )
            {
                break;
            }
            start = p;
        }
        let mut idx: Vec<usize> = (start..k).collect();
        // Relative clauses: "officers who attend" → "officers"; complementisers: "ensure that
        // officers" → "officers".
        if let Some(pos) = idx
            .iter()
            .rposition(|&q| matches!(self.t(q), "who" | "which" | "that" | "whom" | "whose"))
        {
            let rel = self.t(idx[pos]);
            let before = &idx[..pos];
            let complementiser = rel == "that"
                && (before.is_empty()
                    || before
                        .iter()
                        .any(|&q| matches!(self.t(q), "is" | "are" | "was" | "were" | "be"))
                    || before.last().is_some_and(|&q| {
                        let w = self.t(q);
                        lx::is_imperative_verb(w)
                            || matches!(
                                w,
                                "means"
                                    | "important"
                                    | "essential"
                                    | "vital"
                                    | "necessary"
                                    | "satisfied"
                                    | "aware"
                                    | "clear"
                                    | "states"
                                    | "provides"
                                    | "requires"
                                    | "so"
                                    | "such"
                            )
                    }));
            idx = if complementiser {
                idx[pos + 1..].to_vec()
            } else {
                before.to_vec()
            };
        }
        // Determiners go, but a lone "this" / "that" stays: it is the subject.
        while idx.len() > 1
            && idx.first().is_some_and(|&q| {
                lx::is_determiner(self.t(q)) || lx::is_skippable_adverb(self.t(q))
            })
        {
            idx.remove(0);
        }
        // "chief officer of police" → "chief officer"; "officer in charge of the case" →
        // "officer in charge".
        if let Some(of) = idx.iter().position(|&q| self.t(q) == "of")
            && of > 0
        {
            idx.truncate(of);
        }
        idx
    }

    /// Content words from `k` to the end of the clause, normalised; stops at a boundary, a
    /// condition word, or "and/or" followed by a new modal.
    fn objects(&self, mut k: usize, out: &mut Vec<String>) {
        let mut taken = 0;
        while k < self.ws.len() && taken < 8 {
            if let Some(after) = self.abbreviation_in_brackets(k) {
                k = after;
                continue;
            }
            if self.is_boundary(k) {
                break;
            }
            let w = &self.ws[k];
            match w.kind {
                Kind::Figure => {
                    out.push(w.text.to_string());
                    taken += 1;
                }
                Kind::Word => {
                    let t: &str = &w.text;
                    if lx::is_condition_word(t) {
                        break;
                    }
                    if matches!(t, "and" | "or" | "but") && self.modal_at(k + 1).is_some() {
                        break;
                    }
                    if !lx::is_stop_word(t) && !lx::is_skippable_adverb(t) {
                        out.push(stem::normalise(t));
                        taken += 1;
                    }
                }
                Kind::Punct(_) => {}
            }
            k += 1;
        }
    }

    /// An abbreviation in brackets after what it abbreviates ("a police information notice
    /// (PIN) in a stalking case"): the index after the closing bracket. The phrase goes on.
    fn abbreviation_in_brackets(&self, k: usize) -> Option<usize> {
        if !matches!(self.ws.get(k)?.kind, Kind::Punct('(')) {
            return None;
        }
        let mut q = k + 1;
        let mut words = 0;
        while q < self.ws.len() && q <= k + 4 {
            let w = &self.ws[q];
            match w.kind {
                Kind::Punct(')') => return (words > 0).then_some(q + 1),
                Kind::Word if w.abbr => words += 1,
                Kind::Punct('-') => {}
                _ => return None,
            }
            q += 1;
        }
        None
    }

    /// The condition clause starting at `k` (a condition word), normalised.
    fn condition(&self, k: usize, stops: &[usize]) -> String {
        let mut parts = vec![self.t(k).to_string()];
        let mut q = k + 1;
        while q < self.ws.len() && parts.len() < 12 {
            if self.is_boundary(q)
                || stops.contains(&q)
                || (self.is_word(q) && lx::is_condition_word(self.t(q)))
            {
                break;
            }
            let w = &self.ws[q];
            match w.kind {
                Kind::Figure => parts.push(w.text.to_string()),
                Kind::Word if !lx::is_stop_word(&w.text) => parts.push(stem::normalise(&w.text)),
                _ => {}
            }
            q += 1;
        }
        parts.join(" ")
    }
}

fn action_key(verb: &str, mut objects: Vec<String>) -> String {
    objects.sort_unstable();
    objects.dedup();
    objects.retain(|o| !o.is_empty() && o != verb);
    let mut s = verb.to_string();
    for o in objects {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&o);
    }
    s
}

/// Normalises a free phrase as an action: first content word (the verb) then the other content
/// words sorted and deduplicated; stems, stop words dropped, abbreviations expanded.
pub fn normalise_action(phrase: &str, expander: &dyn Expander) -> String {
    let prep = Prepared::new(phrase);
    let ws = words(&prep, expander);
    let mut content = ws.iter().filter_map(|w| match w.kind {
        Kind::Figure => Some(w.text.to_string()),
        Kind::Word if !lx::is_stop_word(&w.text) && !lx::is_skippable_adverb(&w.text) => {
            Some(stem::normalise(&w.text))
        }
        _ => None,
    });
    let verb = content.next().unwrap_or_default();
    action_key(&verb, content.collect())
}

/// Classifies a sentence with no abbreviation expansion.
pub fn classify(sentence: &str) -> Option<Directive> {
    classify_with(sentence, &NoExpansion)
}

/// Classifies a sentence; `None` when it is not a directive. Never panics.
pub fn classify_with(sentence: &str, expander: &dyn Expander) -> Option<Directive> {
    classify_prepared(sentence, &Prepared::new(sentence), expander)
}

/// [`classify_with`] on a sentence already tokenised by the caller in this module.
pub(super) fn classify_prepared(
    sentence: &str,
    prep: &Prepared<'_>,
    expander: &dyn Expander,
) -> Option<Directive> {
    // A directive with no verb ("Must.") says nothing comparable.
    classify_inner(sentence, prep, expander).filter(|d| !d.verb.is_empty())
}

fn classify_inner(
    sentence: &str,
    prep: &Prepared<'_>,
    expander: &dyn Expander,
) -> Option<Directive> {
    let ws = words(prep, expander);
    let s = Sentence { ws: &ws };
    let n = ws.len();
    let question = sentence.trim_end().ends_with('?');
    // Leading punctuation (bullets, quotes) and a short label ("Note:", "Step 1:").
    let mut m = 0;
    while m < n && matches!(ws[m].kind, Kind::Punct(_)) {
        m += 1;
    }
    if let Some(c) = (m..n.min(m + 6)).find(|&k| ws[k].kind == Kind::Punct(':'))
        && c + 1 < n
    {
        m = c + 1;
        while m < n && matches!(ws[m].kind, Kind::Punct(_)) {
            m += 1;
        }
    }
    if m >= n {
        return None;
    }

    // Candidate starts of an imperative: the sentence start and after each of the first
    // three commas ("If the victim is present, record …").
    let mut starts = vec![m];
    starts.extend(
        (m..n)
            .filter(|&k| ws[k].kind == Kind::Punct(','))
            .take(3)
            .map(|k| k + 1),
    );

    // "Should the suspect fail to attend, officers must …": a conditional, not a modal.
    let inverted_if = !question && s.t(m) == "should" && starts.len() > 1;
    // First explicit modal phrase whose gate passes.
    let mut explicit: Option<(Hit, Vec<usize>, Actor, usize)> = None;
    let mut k = if inverted_if { m + 1 } else { m };
    while k < n {
        if let Some(hit) = s.modal_at(k) {
            let floor = starts
                .iter()
                .copied()
                .filter(|&st| st <= hit.start)
                .max()
                .unwrap_or(m);
            let subj = s.subject(hit.start, floor);
            let words: Vec<&str> = subj.iter().map(|&q| s.t(q)).collect();
            let actor = normalise_actor(&words);
            let after = s.skip_adverbs(hit.last + 1);
            let epistemic = matches!(s.t(after), "be" | "have" | "been");
            let ok = match hit.gate {
                Gate::Open => true,
                Gate::Role => {
                    // "may be", "can have", "cannot be" read as possibility, not permission.
                    let deontic = !epistemic || !matches!(hit.modal, Modal::May | Modal::MustNot);
                    matches!(
                        actor.1,
                        SubjectKind::None | SubjectKind::Reader | SubjectKind::Role
                    ) && deontic
                }
                Gate::Reader => actor.1 == SubjectKind::Reader,
            };
            if ok {
                explicit = Some((hit, subj, actor, floor));
                break;
            }
            k = hit.last + 1;
            continue;
        }
        k += 1;
    }

    // Inverted questions: "Should officers record …?"
    if question && explicit.as_ref().is_some_and(|(h, _, _, _)| h.start == m) {
        let (hit, _, _, _) = explicit.as_ref()?;
        let mut q = hit.last + 1;
        let mut subj = Vec::new();
        while q < n && s.is_word(q) && !lx::is_imperative_verb(s.t(q)) && subj.len() < 4 {
            if !lx::is_determiner(s.t(q)) {
                subj.push(q);
            }
            q += 1;
        }
        let mut modal = hit.modal;
        if matches!(s.t(q), "not" | "never") {
            modal = match modal {
                Modal::Must => Modal::MustNot,
                Modal::Should => Modal::ShouldNot,
                Modal::May => Modal::MustNot,
                other => other,
            };
            q += 1;
        }
        let words: Vec<&str> = subj.iter().map(|&i| s.t(i)).collect();
        let (actor, kind) = normalise_actor(&words);
        let role = matches!(
            kind,
            SubjectKind::None | SubjectKind::Reader | SubjectKind::Role
        );
        if hit.gate == Gate::Role && !role {
            return None;
        }
        return Some(build(
            &s,
            modal,
            actor,
            role,
            hit.start,
            hit.last,
            q,
            false,
            subj.first().copied().unwrap_or(q),
            question,
        ));
    }

    // An imperative must start before the explicit modal's subject; at the same place only
    // when that modal has no subject ("Never issue …"), else the "verb" is part of the
    // subject ("Call handlers should …").
    let (explicit_start, has_subject) = explicit.as_ref().map_or((n, false), |(h, subj, _, _)| {
        (subj.first().copied().unwrap_or(h.start), !subj.is_empty())
    });
    for &st in &starts {
        if st > explicit_start || (st == explicit_start && has_subject) || st >= n {
            break;
        }
        if let Some((modal, a, b, verb)) = s.imperative_at(st) {
            return Some(build(&s, modal, None, true, a, b, verb, true, st, question));
        }
    }

    let (hit, subj, (actor, kind), floor) = explicit?;
    let role = matches!(
        kind,
        SubjectKind::None | SubjectKind::Reader | SubjectKind::Role
    );
    let verb_at = s.skip_adverbs(hit.last + 1);
    let mut d = build(
        &s,
        hit.modal,
        actor,
        role,
        hit.start,
        hit.last,
        verb_at,
        false,
        subj.first().copied().unwrap_or(hit.start),
        question,
    );
    // Passives: a person or role keeps the actor ("be train"); a thing joins the action.
    if d.passive && !matches!(kind, SubjectKind::Role | SubjectKind::Agent) {
        let mut objs: Vec<String> = s
            .subject_phrase(hit.start, floor)
            .iter()
            .filter(|&&q| !lx::is_stop_word(s.t(q)))
            .map(|&q| stem::normalise(s.t(q)))
            .collect();
        objs.extend(d.action.split(' ').skip(1).map(str::to_string));
        d.action = action_key(&d.verb, objs);
        d.actor = None;
    } else if d.passive {
        d.verb = format!("be {}", d.verb);
        let objs: Vec<String> = d.action.split(' ').skip(1).map(str::to_string).collect();
        d.action = action_key(&d.verb, objs);
    }
    if inverted_if {
        let cond = s.condition(m, &[starts[1]]);
        let cond = format!("if{}", cond.strip_prefix("should").unwrap_or(&cond));
        if !d.conditions.contains(&cond) {
            d.conditions.insert(0, cond);
        }
    }
    Some(d)
}

#[allow(clippy::too_many_arguments)]
fn build(
    s: &Sentence<'_, '_>,
    modal: Modal,
    actor: Option<String>,
    role: bool,
    first: usize,
    last: usize,
    verb_at: usize,
    imperative: bool,
    clause_start: usize,
    question: bool,
) -> Directive {
    let ws = s.ws;
    let mut k = s.skip_adverbs(verb_at);
    // "Officers must, where possible, record …": step over the inserted clause.
    if ws.get(k).is_some_and(|w| w.kind == Kind::Punct(','))
        && let Some(c) = (k + 1..ws.len().min(k + 12)).find(|&q| ws[q].kind == Kind::Punct(','))
    {
        k = s.skip_adverbs(c + 1);
    }
    let mut passive = false;
    let verb;
    if s.t(k) == "be" && stem::looks_like_participle(s.t(s.skip_adverbs(k + 1))) {
        k = s.skip_adverbs(k + 1);
        verb = stem::normalise(s.t(k));
        passive = true;
        k += 1;
    } else if s.t(k) == "be" {
        verb = "be".to_string();
        k += 1;
    } else if s.is_word(k) {
        verb = stem::normalise(s.t(k));
        k += 1;
    } else {
        verb = String::new();
    }
    let mut objs = Vec::new();
    s.objects(k, &mut objs);
    let action = action_key(&verb, objs);
    // Conditions anywhere in the sentence, each to its clause end.
    let stops = [clause_start, first, verb_at];
    let mut conditions: Vec<String> = Vec::new();
    for q in 0..ws.len() {
        if (first..=last).contains(&q) || !s.is_word(q) || !lx::is_condition_word(s.t(q)) {
            continue;
        }
        // "as soon as" / "at once" are not conditions of the directive.
        if s.t(q) == "once" && matches!(s.t(q.wrapping_sub(1)), "at" | "all") {
            continue;
        }
        let c = s.condition(q, &stops);
        if !conditions.contains(&c) {
            conditions.push(c);
        }
    }
    let span_start = ws.get(first).map_or(0, |w| w.span.start);
    let span_end = ws
        .get(last)
        .map_or(span_start, |w| w.span.end)
        .max(span_start);
    Directive {
        modal,
        actor,
        role_subject: role,
        verb,
        action,
        conditions,
        modal_span: span_start..span_end,
        imperative,
        passive,
        question,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Directive {
        classify(s).unwrap_or_else(|| panic!("not a directive: {s}"))
    }

    fn pin(t: &str) -> Option<String> {
        match t {
            "PIN" => Some("Police Information Notice".into()),
            "SIO" => Some("senior investigating officer".into()),
            _ => None,
        }
    }

    #[test]
    fn modal_classes() {
        assert_eq!(d("Officers must record the crime.").modal, Modal::Must);
        assert_eq!(d("Officers shall record the crime.").modal, Modal::Must);
        assert_eq!(
            d("Officers are required to record the crime.").modal,
            Modal::Must
        );
        assert_eq!(d("Officers always record the crime.").modal, Modal::Must);
        assert_eq!(d("Record the crime.").modal, Modal::Must);
        assert_eq!(
            d("Officers must not record the crime.").modal,
            Modal::MustNot
        );
        assert_eq!(
            d("Officers mustn't record the crime.").modal,
            Modal::MustNot
        );
        assert_eq!(
            d("Officers shall not record the crime.").modal,
            Modal::MustNot
        );
        assert_eq!(d("Officers never record the crime.").modal, Modal::MustNot);
        assert_eq!(d("Do not record the crime.").modal, Modal::MustNot);
        assert_eq!(d("Don't record the crime.").modal, Modal::MustNot);
        assert_eq!(d("Never record the crime.").modal, Modal::MustNot);
        assert_eq!(d("Officers should record the crime.").modal, Modal::Should);
        assert_eq!(
            d("Officers should not record the crime.").modal,
            Modal::ShouldNot
        );
        assert_eq!(
            d("Officers ought to record the crime.").modal,
            Modal::Should
        );
        assert_eq!(d("Officers may record the crime.").modal, Modal::May);
        assert_eq!(d("Call handlers can record the crime.").modal, Modal::May);
        assert_eq!(
            d("Officers need not record the crime.").modal,
            Modal::NeedNot
        );
        assert_eq!(
            d("Officers are not required to record the crime.").modal,
            Modal::NeedNot
        );
        assert_eq!(
            d("Officers do not need to record the crime.").modal,
            Modal::NeedNot
        );
        assert_eq!(
            d("You do not have to record the crime.").modal,
            Modal::NeedNot
        );
        assert_eq!(d("You do not record the crime.").modal, Modal::MustNot);
        assert_eq!(
            d("Officers may not record the crime.").modal,
            Modal::MustNot
        );
        assert_eq!(d("Officers cannot record the crime.").modal, Modal::MustNot);
        assert_eq!(
            d("Officers must never record the crime.").modal,
            Modal::MustNot
        );
        assert_eq!(
            d("Officers should always record the crime.").modal,
            Modal::Should
        );
        assert_eq!(
            d("Officers are permitted to record the crime.").modal,
            Modal::May
        );
        assert_eq!(
            d("Officers are prohibited from recording the crime.").modal,
            Modal::MustNot
        );
    }

    #[test]
    fn not_directives() {
        for s in [
            "This may indicate a risk of serious harm.",
            "Victims may be reluctant to engage.",
            "Officers may be unaware of the history.",
            "Stalking can have a devastating impact.",
            "The offence carries a maximum of 10 years.",
            "Record keeping is important.",
            "Use of force is recorded separately.",
            "Search powers are set out in PACE.",
            "It can be difficult to identify.",
            "There is no power of arrest.",
            "",
            "Officers.",
        ] {
            assert_eq!(classify(s), None, "{s}");
        }
    }

    #[test]
    fn actors() {
        assert_eq!(
            d("Officers must record the crime.").actor.as_deref(),
            Some("officer")
        );
        assert_eq!(
            d("All frontline police officers must record the crime.")
                .actor
                .as_deref(),
            Some("officer")
        );
        assert_eq!(
            d("Call handlers should ask about weapons.")
                .actor
                .as_deref(),
            Some("call handler")
        );
        assert_eq!(
            d("The supervisor must review the case.").actor.as_deref(),
            Some("supervisor")
        );
        assert_eq!(d("You must record the crime.").actor, None);
        assert_eq!(d("Record the crime.").actor, None);
        assert_eq!(
            d("Officers who attend the scene must record the crime.")
                .actor
                .as_deref(),
            Some("officer")
        );
        assert_eq!(d("Ensure that officers must record it.").modal, Modal::Must);
        let c = d("The court must be satisfied that the order is necessary.");
        assert_eq!(c.actor.as_deref(), Some("court"));
        assert!(!c.role_subject);
        let p = d("A person must not pursue a course of conduct which amounts to harassment.");
        assert_eq!(
            (p.actor.as_deref(), p.modal),
            (Some("person"), Modal::MustNot)
        );
        assert!(!p.role_subject);
        assert_eq!(classify("A person may apply for an order."), None);
        let c = d("A chief officer of police may apply for an order.");
        assert_eq!(
            (c.modal, c.actor.as_deref()),
            (Modal::May, Some("chief officer"))
        );
        let c = d("You can arrest without a warrant if the criteria in s.24 PACE are met.");
        assert_eq!(c.conditions, ["if criteria s 24 pace meet"]);
        let e = d("The SIO must review the case.");
        assert_eq!(e.actor.as_deref(), Some("sio"));
        let e = classify_with("The SIO must review the case.", &pin).unwrap();
        assert_eq!(e.actor.as_deref(), Some("senior investigating officer"));
    }

    #[test]
    fn same_action_across_forms() {
        let a =
            classify_with("Officers must not issue a Police Information Notice.", &pin).unwrap();
        let b = classify_with("Never issue PINs.", &pin).unwrap();
        assert_eq!(a.action, b.action);
        assert_eq!(a.action, "issu inform notic polic");
        assert_eq!((a.modal, b.modal), (Modal::MustNot, Modal::MustNot));
        assert_eq!(a.actor.as_deref(), Some("officer"));
        assert_eq!(b.actor, None);
        assert!(b.imperative);
        let c = classify_with("Officers must issue a PIN.", &pin).unwrap();
        assert_eq!(c.action, a.action);
        assert!(Modal::conflicts(a.modal, c.modal));
        // Passive of a thing meets the active imperative.
        let p = d("Records must be kept.");
        let q = d("Keep records.");
        assert_eq!(p.action, q.action);
        assert!(p.passive);
        assert_eq!(p.actor, None);
        // Inflection and order do not matter.
        assert_eq!(
            d("Officers must record the details of the victim.").action,
            d("Officers must record victim details.").action
        );
    }

    #[test]
    fn hyphenated_subjects_stay_whole() {
        let p = d("Material seized in a stirring-up case must be retained until the trial.");
        let q = d("Do not retain material seized in a stirring-up case until the trial.");
        assert_eq!(p.action, q.action);
        assert_eq!(p.conditions, q.conditions);
    }

    #[test]
    fn different_actions_stay_different() {
        assert_ne!(
            d("Officers must record the crime.").action,
            d("Officers must report the crime.").action
        );
        assert_ne!(
            d("Officers must record the crime.").action,
            d("Officers must not record the victim's address.").action
        );
        assert_ne!(
            d("Officers must arrest with a warrant.").action,
            d("Officers must arrest without a warrant.").action
        );
        assert_ne!(
            d("Officers must record the crime.").actor,
            d("Supervisors must not record the crime.").actor
        );
        assert_ne!(
            d("Keep records for six years.").action,
            d("Keep records for seven years.").action
        );
        assert_eq!(
            d("Keep records for six years.").action,
            d("Records must be kept for 6 years.").action
        );
    }

    #[test]
    fn conditions() {
        let c = d("If the victim is at risk, officers must arrest the suspect.");
        assert_eq!(c.conditions, ["if victim risk"]);
        assert_eq!(c.action, "arrest suspect");
        assert_eq!(c.actor.as_deref(), Some("officer"));
        let c = d("Officers must arrest the suspect unless a warrant is needed.");
        assert_eq!(c.conditions, ["unless warrant need"]);
        assert_eq!(c.action, "arrest suspect");
        let c = d("Where possible, record the call before the interview.");
        assert!(c.imperative);
        assert_eq!(c.conditions, ["where possibl", "before interview"]);
        assert_eq!(c.action, "record call");
        let c = d("When attending, officers should wear a camera.");
        assert_eq!(c.conditions, ["when attend"]);
        assert_eq!(c.modal, Modal::Should);
    }

    #[test]
    fn awkward_shapes() {
        let c = d("Should the suspect fail to attend, officers must arrest them.");
        assert_eq!(
            (c.modal, c.actor.as_deref(), c.action.as_str()),
            (Modal::Must, Some("officer"), "arrest")
        );
        assert_eq!(c.conditions, ["if suspect fail attend"]);
        let c = d("Officers must, where possible, record the crime.");
        assert_eq!((c.modal, c.action.as_str()), (Modal::Must, "record crime"));
        assert_eq!(c.conditions, ["where possibl"]);
        assert_eq!(classify("Must."), None);
        assert_eq!(
            classify("If in doubt, seek advice.").map(|d| d.conditions),
            Some(vec!["if doubt".to_string()])
        );
    }

    #[test]
    fn near_misses_do_not_conflict() {
        // Same action, incompatible modals, but the conditions differ: the caller compares them.
        let a = d("Officers must arrest the suspect if the victim is at risk.");
        let b = d("Officers must not arrest the suspect unless the victim is at risk.");
        assert_eq!(a.action, b.action);
        assert_ne!(a.conditions, b.conditions);
        // may vs should, must vs should: not conflicts.
        let (x, y) = (
            d("Officers may record the crime."),
            d("Officers should record the crime."),
        );
        assert!(!Modal::conflicts(x.modal, y.modal));
        // Law described for other people does not address officers.
        assert!(!d("A person must not pursue a course of conduct.").role_subject);
        // A figure in the object makes a different action: "record" vs "record twice".
        let (x, y) = (
            d("Officers must record the crime."),
            d("Officers must not record the crime twice."),
        );
        assert_ne!(x.action, y.action);
        // "may not be" is possibility, not prohibition.
        assert_eq!(classify("This may not be the case."), None);
    }

    #[test]
    fn spans_and_flags() {
        let s = "Officers must not issue a notice.";
        let x = d(s);
        assert_eq!(&s[x.modal_span.clone()], "must not");
        let s = "Do not issue a notice.";
        assert_eq!(&s[d(s).modal_span], "Do not");
        let s = "Note: record the crime.";
        let x = d(s);
        assert_eq!(&s[x.modal_span.clone()], "record");
        assert!(x.imperative);
        let s = "Officers are required to record it.";
        assert_eq!(&s[d(s).modal_span], "are required to");
        let q = d("Should officers record the crime?");
        assert!(q.question);
        assert_eq!(
            (q.modal, q.actor.as_deref(), q.action.as_str()),
            (Modal::Should, Some("officer"), "record crime")
        );
        let q = d("Can officers arrest without a warrant?");
        assert_eq!(q.modal, Modal::May);
    }

    #[test]
    fn conflict_table() {
        use Modal::*;
        let all = [Must, MustNot, Should, ShouldNot, May, NeedNot];
        let mut pairs = Vec::new();
        for a in all {
            for b in all {
                assert_eq!(Modal::conflicts(a, b), Modal::conflicts(b, a));
                if Modal::conflicts(a, b) && a < b {
                    pairs.push((a, b));
                }
            }
        }
        assert_eq!(
            pairs,
            [
                (Must, MustNot),
                (Must, NeedNot),
                (MustNot, May),
                (Should, ShouldNot)
            ]
        );
        assert!(!Modal::conflicts(Must, Should));
        assert!(!Modal::conflicts(May, Must));
        assert!(!Modal::conflicts(Should, MustNot));
        assert!(Modal::diverges(Must, Should));
        assert!(!Modal::diverges(Must, MustNot));
    }

    #[test]
    fn normalise_phrases() {
        assert_eq!(
            normalise_action("issue a PIN", &pin),
            "issu inform notic polic"
        );
        assert_eq!(normalise_action("", &NoExpansion), "");
    }
}
