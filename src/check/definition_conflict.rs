//! `definition-conflict`: a term defined differently in two places: the glossary against an
//! inline definition, or two inline definitions (SPEC §6.4).
//!
//! Inline definitions: "X means …", "X is defined as …", "X refers to …", "X stands for …",
//! "For the purposes of this guidance, X is …", and a bold term followed by a colon or dash
//! at the start of a paragraph or list item. A term is matched to the glossary by its term,
//! abbreviation or synonyms. Definitions agree when their content words (stemmed) are the
//! same, or one only adds to the other, with the same figures and the same polarity; an
//! abbreviation's expansion ("SPO stands for …") is compared with the glossary's term.

use super::statements::Statement;
use super::{Check, CheckContext};
use crate::analysis::{lexicon, quantities, stem, tokens};
use crate::diag::{Diagnostic, FileId, Severity};
use crate::graph::Site;
use crate::parse::markdown::BlockKind;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

pub struct DefinitionConflict;

pub const NAME: &str = "definition-conflict";

impl Check for DefinitionConflict {
    fn name(&self) -> &'static str {
        NAME
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "a term is defined differently in two places (glossary or inline)"
    }
    fn explain(&self) -> &'static str {
        "Inline definitions are read in every page: \"X means …\", \"X is defined as …\", \"X refers\n\
         to …\", \"X stands for …\", \"For the purposes of this guidance, X is …\", and a bold term\n\
         followed by a colon or dash at the start of a paragraph or list item. Each is compared\n\
         with the glossary entry for the term (matched by term, abbreviation or synonym) and with\n\
         the term's other inline definitions. Two definitions agree when they use the same words\n\
         (stemmed), or one only adds words to the other, with the same figures and no negation\n\
         the other lacks. \"X stands for …\" is compared with the glossary's term for the\n\
         abbreviation. Quoted legislation is not read.\n\n\
         Example:\n    glossary/spo.md:      definition: \"A civil order that protects a person from stalking.\"\n    \
         guidance/x.md:        An SPO means a criminal conviction for stalking.\n    \
         -> definition-conflict at guidance/x.md, with the glossary entry shown beside it\n\n\
         Fix: use the glossary's wording exactly, or link to the glossary entry instead of\n\
         defining the term again."
    }
    fn cross_page(&self) -> bool {
        true
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        let defs = collect(cx);
        // Group by term key; compare each inline definition with the glossary (if any) and
        // else with the earliest earlier inline definition.
        let mut by_key: BTreeMap<&str, Vec<&Def>> = BTreeMap::new();
        for d in &defs {
            by_key.entry(d.key.as_str()).or_default().push(d);
        }
        for (_, mut group) in by_key {
            group.sort_by(|a, b| a.order_key(site).cmp(&b.order_key(site)));
            let glossary: Vec<&Def> = group.iter().copied().filter(|d| d.glossary).collect();
            let inline: Vec<&Def> = group.iter().copied().filter(|d| !d.glossary).collect();
            for (k, d) in inline.iter().enumerate() {
                let other = if let Some(g) = glossary.first() {
                    (!agree(d, g)).then_some(*g)
                } else {
                    inline[..k].iter().copied().find(|e| !agree(d, e))
                };
                let Some(o) = other else { continue };
                if d.file == o.file && d.range == o.range {
                    continue;
                }
                let (later, earlier) = if d.order_key(site) > o.order_key(site) {
                    (*d, o)
                } else {
                    (o, *d)
                };
                let path = &site.sources.get(earlier.file).display;
                out.push(
                    Diagnostic::new(
                        NAME,
                        self.default_severity(),
                        format!(
                            "“{}” is defined differently here and in {path}",
                            d.term
                        ),
                    )
                    .at_label(later.file, later.range.clone(), format!("defined here as “{}”", short(&later.definition)))
                    .related(earlier.file, earlier.range.clone(), format!("defined here as “{}”", short(&earlier.definition)))
                    .help(if glossary.is_empty() {
                        "define the term once, in the glossary, and link to it; or use the same wording in both places"
                    } else {
                        "use the glossary's wording exactly, or link to the glossary entry instead of defining the term again"
                    }),
                );
            }
        }
    }
}

fn short(s: &str) -> String {
    let t = s.trim().trim_end_matches('.');
    if t.chars().count() > 60 {
        let c: String = t.chars().take(57).collect();
        format!("{}…", c.trim_end())
    } else {
        t.to_string()
    }
}

/// One definition.
#[derive(Clone, Debug)]
struct Def {
    /// "g:<glossary index>" or "t:<normalised term>".
    key: String,
    term: String,
    definition: String,
    /// "stands for": the definition is an expansion.
    expansion: bool,
    glossary: bool,
    file: FileId,
    range: Range<usize>,
}

impl Def {
    fn order_key<'a>(&self, site: &'a Site) -> (&'a str, usize) {
        (
            site.sources.get(self.file).display.as_str(),
            self.range.start,
        )
    }
}

/// Content-word stems, figures (canonical) and whether the text is negated.
fn profile(text: &str) -> (BTreeSet<String>, Vec<String>, bool) {
    let figs: Vec<String> = quantities::extract(text)
        .iter()
        .map(|q| q.canonical())
        .collect();
    let mut words = BTreeSet::new();
    let mut negated = false;
    for t in tokens::tokenize(text) {
        if !t.is_alnum() || t.text.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let l = tokens::lower(t.text);
        if matches!(l.as_ref(), "not" | "no" | "never" | "without" | "n't") {
            negated = true;
            continue;
        }
        if lexicon::is_stop_word(&l) {
            continue;
        }
        words.insert(stem::stem(&l));
    }
    (words, figs, negated)
}

fn agree(a: &Def, b: &Def) -> bool {
    // An expansion is a name: compared with the glossary's term (or another expansion) word
    // for word, in order.
    if a.expansion || b.expansion {
        let name = |d: &Def| -> String {
            let t = if d.glossary { &d.term } else { &d.definition };
            t.to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        return name(a) == name(b);
    }
    let (wa, fa, na) = profile(&a.definition);
    let (wb, fb, nb) = profile(&b.definition);
    // Figures must agree where both give them; one definition may add a figure the other
    // leaves out ("… for at least 5 years").
    if na != nb || (!fa.is_empty() && !fb.is_empty() && fa != fb) {
        return false;
    }
    wa == wb || wa.is_subset(&wb) || wb.is_subset(&wa)
}

fn normalise_term(t: &str) -> String {
    let t = t
        .trim()
        .trim_matches(|c: char| matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’' | '*' | '_' | '`'));
    let lower = t.to_lowercase();
    let mut words: Vec<&str> = lower.split_whitespace().collect();
    while words.first().is_some_and(|w| {
        matches!(
            *w,
            "a" | "an" | "the" | "term" | "abbreviation" | "phrase" | "word"
        )
    }) {
        words.remove(0);
    }
    words
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

/// Glossary look-up: normalised term or synonym → entry; abbreviation (as written) → entry.
struct Glossary {
    terms: BTreeMap<String, usize>,
}

impl Glossary {
    fn new(site: &Site) -> Glossary {
        let mut terms = BTreeMap::new();
        for (i, g) in site.glossary.iter().enumerate() {
            terms.entry(normalise_term(&g.term)).or_insert(i);
            for s in &g.synonyms {
                terms.entry(normalise_term(s)).or_insert(i);
            }
        }
        Glossary { terms }
    }

    fn key(&self, site: &Site, raw: &str) -> (String, Option<usize>) {
        let raw = raw.trim();
        // "stalking protection order (SPO)": the term before the brackets.
        let (main, abbr) = match raw.strip_suffix(')').and_then(|r| r.rsplit_once('(')) {
            Some((m, a)) => (m.trim(), Some(a.trim())),
            None => (raw, None),
        };
        let bare = main.trim_matches(|c: char| !c.is_alphanumeric());
        // "an IDVA", "the SPO": articles are not part of an abbreviation.
        let bare = ["a ", "an ", "the ", "A ", "An ", "The "]
            .iter()
            .find_map(|a| bare.strip_prefix(a))
            .unwrap_or(bare);
        let lookup = |s: &str| -> Option<usize> {
            site.abbreviations
                .get(s)
                .copied()
                .or_else(|| self.terms.get(&normalise_term(s)).copied())
        };
        let found = lookup(bare).or_else(|| abbr.and_then(lookup)).or_else(|| {
            bare.strip_suffix('s')
                .and_then(|s| site.abbreviations.get(s).copied())
        });
        match found {
            Some(g) => (format!("g:{g}"), Some(g)),
            None => (format!("t:{}", normalise_term(main)), None),
        }
    }
}

const PRONOUNS: &[&str] = &[
    "this", "that", "these", "those", "it", "which", "what", "such", "he", "she", "they", "there",
    "doing", "here", "who", "so", "all", "each", "both",
];

/// An inline definition in a sentence: (term, verb, definition start).
fn inline(text: &str) -> Option<(Range<usize>, &'static str, usize)> {
    // Most sentences define nothing: look for the verbs before lower-casing anything.
    const HINTS: &[&str] = &[
        " means ",
        " defined as ",
        " refers to ",
        " stands for ",
        "urpose",
        " guidance,",
    ];
    if !HINTS.iter().any(|h| text.contains(h)) {
        return None;
    }
    let lower = text.to_lowercase();
    // "For the purposes of this guidance, X is …" / "In this guidance, X means …".
    let mut from = 0;
    for lead in [
        "for the purposes of this guidance,",
        "for the purpose of this guidance,",
        "for the purposes of this page,",
        "in this guidance,",
    ] {
        if lower.starts_with(lead) {
            from = lead.len();
        }
    }
    let verbs: &[(&str, &str)] = &[
        (" means ", "means"),
        (" is defined as ", "is defined as"),
        (" are defined as ", "is defined as"),
        (" refers to ", "refers to"),
        (" stands for ", "stands for"),
    ];
    let mut best: Option<(usize, &str, usize)> = None;
    for (pat, name) in verbs {
        if let Some(i) = lower[from..].find(pat) {
            let at = from + i;
            if best.is_none_or(|b| at < b.0) {
                best = Some((at, name, pat.len()));
            }
        }
    }
    if best.is_none()
        && from > 0
        && let Some(i) = lower[from..].find(" is ")
    {
        best = Some((from + i, "is", 4));
    }
    let (at, name, len) = best?;
    let term_text = &text[from..at];
    let t = term_text.trim();
    if t.is_empty() || t.len() > 80 {
        return None;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let first = words.first()?.to_lowercase();
    let first = first.trim_matches(|c: char| !c.is_alphanumeric());
    if words.len() > 7
        || PRONOUNS.contains(&first)
        || t.ends_with(',')
        || lower[..at].ends_with(" by")
        || t.contains(',') && !t.contains('(')
    {
        return None;
    }
    let start = from + (term_text.len() - term_text.trim_start().len());
    Some((start..start + t.len(), name, at + len))
}

/// Whether a definition reads as a class and what sets it apart: an article, a few words,
/// then a relative clause ("a person who has reported …", "any conduct that …"). "A breach
/// means a new risk assessment" is a consequence, not a definition.
fn defining_noun_phrase(def: &str) -> bool {
    let lower = def.to_lowercase();
    let mut words = lower.split_whitespace();
    if !matches!(words.next(), Some("a" | "an" | "any" | "the")) {
        return false;
    }
    words
        .take(4)
        .any(|w| matches!(w, "who" | "whom" | "whose" | "that" | "which"))
}

/// Every definition in the site: glossary entries, then inline definitions.
fn collect(cx: &CheckContext) -> Vec<Def> {
    let site = cx.site;
    let st = cx.statements();
    let gl = Glossary::new(site);
    let mut out = Vec::new();
    for (i, g) in site.glossary.iter().enumerate() {
        let Some(&pi) = site.by_id.get(&g.page) else {
            continue;
        };
        let page = &site.pages[pi];
        let span = page
            .fm
            .span("definition")
            .or_else(|| page.fm.span("term.definition"))
            .or_else(|| page.fm.span("summary"))
            .or_else(|| page.fm.span("term"))
            .unwrap_or(0..0);
        if g.definition.trim().is_empty() {
            continue;
        }
        out.push(Def {
            key: format!("g:{i}"),
            term: g.term.clone(),
            definition: g.definition.clone(),
            expansion: false,
            glossary: true,
            file: page.file,
            range: span,
        });
    }
    for s in &st.items {
        if s.intro.is_some() {
            continue;
        }
        if let Some(d) = definition_in(site, &gl, s) {
            out.push(d);
        }
    }
    out
}

fn definition_in(site: &Site, gl: &Glossary, s: &Statement) -> Option<Def> {
    let doc = &site.docs[s.page as usize];
    let block = &doc.blocks[s.block as usize];
    if block.kind == BlockKind::TableCell || block.kind == BlockKind::Heading {
        return None;
    }
    let text = &block.text[s.span.clone()];
    // A bold term with a colon or dash, at the start of the block.
    if s.span.start == block.text.len() - block.text.trim_start().len()
        && let Some(b) = &block.bold_lead
    {
        let t = text.trim_start();
        if let Some(rest) = t.strip_prefix(b.as_str()) {
            let (term, rest) = match b.strip_suffix(':') {
                Some(term) => (term.trim(), Some(rest)),
                None => {
                    let r = rest.trim_start();
                    let r = r
                        .strip_prefix(':')
                        .or_else(|| r.strip_prefix('–'))
                        .or_else(|| r.strip_prefix('—'))
                        .or_else(|| r.strip_prefix(" - "))
                        .or_else(|| r.strip_prefix("- "));
                    (b.trim(), r)
                }
            };
            if let Some(def) = rest.map(str::trim)
                && !def.is_empty()
                && !term.is_empty()
                && term.split_whitespace().count() <= 6
                && !term.ends_with('.')
            {
                let (key, g) = gl.key(site, term);
                // A label ("Note:", "Next steps:") is not a term: outside the glossary, a
                // bold definition needs a term of two words or more, defined by a noun
                // phrase in lower case ("a course of conduct that …"), not by a sentence.
                let noun_phrase = ["a ", "an ", "the ", "any "]
                    .iter()
                    .any(|d| def.starts_with(d));
                if g.is_some() || (noun_phrase && term.split_whitespace().count() >= 2) {
                    let (file, range) = s.locate(site, &(0..text.len()));
                    return Some(Def {
                        key,
                        term: term.to_string(),
                        definition: def.to_string(),
                        expansion: false,
                        glossary: false,
                        file,
                        range,
                    });
                }
            }
        }
    }
    let (term_span, verb, def_start) = inline(text)?;
    let term = &text[term_span.clone()];
    let def = text[def_start.min(text.len())..]
        .trim()
        .trim_end_matches(['.', ';']);
    // "X means that …" states a consequence, not a definition.
    if def.is_empty() || def.to_lowercase().starts_with("that ") {
        return None;
    }
    let (key, g) = gl.key(site, term);
    // "means" is also "implies" ("A breach means a new risk assessment"): outside the
    // glossary, only a quoted, bold or capitalised-abbreviation term is a definition.
    if g.is_none() && verb == "means" {
        let raw = term.trim();
        let quoted = raw.starts_with(['"', '“', '‘', '\'']);
        let abbr = raw.len() >= 2 && raw.chars().all(|c| c.is_ascii_uppercase());
        if !quoted && !abbr && !defining_noun_phrase(def) {
            return None;
        }
    }
    let term_display = term
        .trim()
        .trim_matches(|c: char| matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’'))
        .to_string();
    let (file, range) = s.locate(site, &(0..text.len()));
    Some(Def {
        key,
        term: match g {
            Some(i) => site.glossary[i].term.clone(),
            None => term_display,
        },
        definition: def.to_string(),
        expansion: verb == "stands for",
        glossary: false,
        file,
        range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_forms() {
        let t = "A stalking protection order (SPO) means a civil order.";
        let (r, v, d) = inline(t).unwrap();
        assert_eq!(&t[r], "A stalking protection order (SPO)");
        assert_eq!(v, "means");
        assert_eq!(&t[d..], "a civil order.");
        let t = "For the purposes of this guidance, a victim is anyone harmed.";
        let (r, v, _) = inline(t).unwrap();
        assert_eq!((&t[r], v), ("a victim", "is"));
        assert!(inline("This means officers must act.").is_none());
        assert!(inline("It is achieved by means of a court order.").is_none());
        assert!(defining_noun_phrase(
            "a person who has reported stalking twice"
        ));
        assert!(!defining_noun_phrase("a new risk assessment is needed"));
        let t = "SPO stands for stalking protection order.";
        assert_eq!(inline(t).unwrap().1, "stands for");
    }

    #[test]
    fn definitions_agree_by_words_figures_and_polarity() {
        let d = |def: &str| Def {
            key: String::new(),
            term: "x".into(),
            definition: def.into(),
            expansion: false,
            glossary: false,
            file: FileId(0),
            range: 0..0,
        };
        assert!(agree(
            &d("A civil order protecting victims."),
            &d("a civil order protecting victims")
        ));
        assert!(agree(
            &d("A civil order."),
            &d("A civil order made by a magistrates' court.")
        ));
        assert!(!agree(&d("A civil order."), &d("A criminal order.")));
        assert!(!agree(
            &d("An order lasting 2 years."),
            &d("An order lasting 5 years.")
        ));
        assert!(!agree(
            &d("An order made on conviction."),
            &d("An order not made on conviction.")
        ));
    }
}
