//! The text analysis the consistency checks share (SPEC §6.2), computed once per run.
//!
//! Every page's prose is split into statements: sentences of paragraphs, list items and table
//! cells. A list item whose list is introduced by a paragraph ending in a colon ("Officers
//! should:") is read with that introduction in front, so it inherits its modal verb. Each
//! statement carries its directive (modal class, actor, action, conditions), its skeleton
//! (for numeric drift), its shingles when it could drift (for paraphrased drift), its place
//! in the source files and its scope (jurisdictions and audience of its page).
//!
//! Left out, as they are not the guidance's own words: headings, code, quoted legislation (a
//! blockquote that carries a citation, or is introduced by a paragraph that cites and ends
//! in a colon; text between `<!-- waymark-quote -->` markers). Text included from a snippet
//! is analysed once, where it lives: its statements point into the snippet file and their
//! scope is the union of the pages that include it.
//!
//! Passages (a paragraph, or a whole list) carry shingles and a summary of their figures for
//! `duplicate-passage`.
//!
//! Everything is computed per page in parallel and collected in page order; ordering keys
//! are file paths and offsets, so results are the same whatever the thread count.

use crate::analysis::{self, Directive, Expander, Skeleton, hash::Fnv};
use crate::diag::FileId;
use crate::graph::{CitationTarget, LinkTarget, Site};
use crate::model::Kind;
use crate::parse::markdown::{BlockKind, Doc, TextBlock};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::ops::Range;

/// Words per shingle for sentences (short texts: pairs of content words).
pub const SENTENCE_SHINGLE: usize = 2;
/// Words per shingle for passages.
pub const PASSAGE_SHINGLE: usize = 3;

/// Jurisdictions and audience a statement applies to; an empty list means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Scope {
    pub jurisdictions: Vec<String>,
    pub audience: Vec<String>,
}

fn lists_overlap(a: &[String], b: &[String]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|x| b.contains(x))
}

impl Scope {
    /// Whether two statements can be about the same readers in the same place.
    pub fn overlaps(&self, other: &Scope) -> bool {
        lists_overlap(&self.jurisdictions, &other.jurisdictions)
            && lists_overlap(&self.audience, &other.audience)
    }

    /// Whether two statements can apply in the same place (jurisdictions only).
    pub fn same_place(&self, other: &Scope) -> bool {
        lists_overlap(&self.jurisdictions, &other.jurisdictions)
    }

    fn union(&mut self, other: &Scope) {
        // "Any" absorbs everything.
        for (mine, theirs) in [
            (&mut self.jurisdictions, &other.jurisdictions),
            (&mut self.audience, &other.audience),
        ] {
            if mine.is_empty() {
                continue;
            }
            if theirs.is_empty() {
                mine.clear();
                continue;
            }
            for t in theirs {
                if !mine.contains(t) {
                    mine.push(t.clone());
                }
            }
            mine.sort();
        }
    }
}

/// One sentence of guidance (or a list item read with its introduction).
#[derive(Clone, Debug)]
pub struct Statement {
    /// Page whose body holds the text (for snippet text: the first page including it).
    pub page: u32,
    /// Block in that page's `Doc`.
    pub block: u32,
    /// Span of the statement's own text in the block text.
    pub span: Range<usize>,
    /// The list introduction read in front of it: block and span of its last sentence, colon
    /// left out.
    pub intro: Option<(u32, Range<usize>)>,
    /// Source file and byte range of the statement's own text.
    pub file: FileId,
    pub range: Range<usize>,
    /// Rank in path order (file path, then offset): "earlier" and "later" in reports.
    pub order: u32,
    /// Index into [`Statements::scopes`].
    pub scope: u32,
    /// Text from a snippet.
    pub snippet: bool,
    /// Index into [`Statements::analyses`]: sentences with the same text share one.
    pub analysis: u32,
    /// Index of the passage holding it.
    pub passage: u32,
}

/// What a sentence's text says: computed once per distinct text (guidance repeats itself,
/// and the analysis depends on the text alone).
#[derive(Clone, Debug)]
pub struct Analysis {
    /// Boxed: most sentences are not directives.
    pub directive: Option<Box<Directive>>,
    pub skeleton_hash: u64,
    /// The skeleton hash with every slot value: equal for sentences that are the same up to
    /// equal figures.
    pub variant: u64,
    /// Hash of the slot values alone, in order: equal for sentences stating the same
    /// figures, modals, antonyms and negation.
    pub slots: u64,
    /// Unmasked words in the skeleton.
    pub words: u16,
    /// Whether the skeleton has a figure, date, modal, antonym or negation: something that
    /// can drift.
    pub can_drift: bool,
    /// Shingles, for sentences that can drift and are long enough to compare.
    pub shingles: Option<Box<[u64]>>,
    /// Hashes of the slot values that matter for a passage (non-negated polarity left out).
    pub slot_hashes: Box<[u64]>,
}

/// A paragraph, or a whole list, for duplicate detection.
#[derive(Clone, Debug)]
pub struct Passage {
    pub page: u32,
    /// Its statements in [`Statements::items`].
    pub statements: Range<u32>,
    /// First and last block.
    pub blocks: Range<u32>,
    pub file: FileId,
    pub range: Range<usize>,
    pub order: u32,
    /// Word tokens.
    pub words: u32,
    /// MinHash signature of its [`PASSAGE_SHINGLE`]-word shingles
    /// ([`super::similarity::passage_hasher`]); empty for passages too short to count as
    /// duplicates. The shingles themselves are recomputed for the few candidate pairs
    /// ([`Statements::passage_shingles`]), rather than kept for every passage.
    pub signature: Box<[u32]>,
    /// Hash of the sorted slot values (figures, dates, modals, negations) of its sentences:
    /// equal for passages that state the same figures.
    pub figures: u64,
    pub snippet: bool,
}

/// Per-page facts the checks need.
#[derive(Clone, Debug, Default)]
pub struct PageInfo {
    /// Blocks left out as quoted legislation.
    pub quoted: Vec<bool>,
    /// Range of statements in [`Statements::items`].
    pub statements: Range<u32>,
}

/// Statements and passages of the whole site.
pub struct Statements {
    pub items: Vec<Statement>,
    pub analyses: Vec<Analysis>,
    pub passages: Vec<Passage>,
    pub pages: Vec<PageInfo>,
    /// Page scopes (one per page, same index), then unions for snippets.
    pub scopes: Vec<Scope>,
    /// Every place a snippet block is used: (file, offset of the block in it) → (page, block).
    pub snippet_uses: BTreeMap<(FileId, usize), Vec<(u32, u32)>>,
}

/// Abbreviations expanded through the glossary ("PIN" → "police information notice").
pub struct GlossaryExpander<'a>(pub &'a Site);

impl Expander for GlossaryExpander<'_> {
    fn expand(&self, token: &str) -> Option<String> {
        // Abbreviations have capitals; most words are looked up for nothing otherwise.
        if !token.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let i = *self.0.abbreviations.get(token)?;
        Some(self.0.glossary[i].term.clone())
    }
}

/// Whether blocks of a page are quoted legislation (SPEC §6.2).
fn quoted_blocks(doc: &Doc) -> Vec<bool> {
    let n = doc.blocks.len();
    let mut has_cite = vec![false; n];
    for c in &doc.citations {
        if let Some(h) = has_cite.get_mut(c.block) {
            *h = true;
        }
    }
    let mut out: Vec<bool> = doc.blocks.iter().map(|b| b.quote_marked).collect();
    let mut i = 0;
    while i < n {
        if !doc.blocks[i].quoted {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && doc.blocks[i].quoted {
            i += 1;
        }
        let cites = has_cite[start..i].iter().any(|&c| c);
        let introduced = start > 0 && {
            let prev = &doc.blocks[start - 1];
            !prev.quoted && has_cite[start - 1] && prev.text.trim_end().ends_with(':')
        };
        if cites || introduced {
            out[start..i].iter_mut().for_each(|q| *q = true);
        }
    }
    out
}

/// The last sentence of a list introduction, without its colon, when it ends in one.
fn intro_span(block: &TextBlock) -> Option<Range<usize>> {
    let text = &block.text;
    let last = analysis::sentences::split(text).pop()?;
    let s = text[last.clone()].trim_end();
    let s = s.strip_suffix(':')?;
    let end = last.start + s.trim_end().len();
    (end > last.start).then_some(last.start..end)
}

/// The paragraph introducing a list item's list, when it is in the same section (a list
/// right after a heading has none).
pub fn list_intro(doc: &Doc, b: usize) -> Option<usize> {
    let block = &doc.blocks[b];
    let ib = block.list_intro?;
    (doc.blocks[ib].section == block.section).then_some(ib)
}

/// Lower-cases the first letter of a list item read after its introduction ("Record" →
/// "record"), unless it starts an abbreviation.
fn lower_first(s: &str) -> String {
    let mut cs = s.chars();
    match (cs.next(), cs.next()) {
        (Some(a), Some(b)) if a.is_ascii_uppercase() && !b.is_uppercase() => {
            let mut out = String::with_capacity(s.len());
            out.push(a.to_ascii_lowercase());
            out.push_str(&s[1..]);
            out
        }
        _ => s.to_string(),
    }
}

impl Statement {
    /// The text analysed: the statement's own text, after its list introduction if any.
    pub fn text(&self, site: &Site) -> String {
        let doc = &site.docs[self.page as usize];
        let own = &doc.blocks[self.block as usize].text[self.span.clone()];
        match &self.intro {
            None => own.to_string(),
            Some((b, r)) => {
                let intro = &doc.blocks[*b as usize].text[r.clone()];
                format!("{intro} {}", lower_first(own))
            }
        }
    }

    /// Length of the introduction and its separator at the start of [`Statement::text`].
    pub fn intro_len(&self) -> usize {
        self.intro.as_ref().map_or(0, |(_, r)| r.len() + 1)
    }

    /// Whether a range of [`Statement::text`] lies in the list introduction.
    pub fn in_intro(&self, r: &Range<usize>) -> bool {
        r.start < self.intro_len()
    }

    /// Body range (in the page's expanded body) of a range of [`Statement::text`].
    pub fn body_range(&self, site: &Site, r: &Range<usize>) -> Range<usize> {
        let doc = &site.docs[self.page as usize];
        let k = self.intro_len();
        match &self.intro {
            Some((b, ir)) if r.start < k => {
                let blk = &doc.blocks[*b as usize];
                let s = ir.start + r.start.min(ir.len());
                let e = ir.start + r.end.min(ir.len());
                blk.body_range(&(s..e.max(s)))
            }
            _ => {
                let blk = &doc.blocks[self.block as usize];
                let s = self.span.start + r.start.saturating_sub(k);
                let e = self.span.start + r.end.saturating_sub(k);
                blk.body_range(&(s.min(self.span.end)..e.min(self.span.end).max(s)))
            }
        }
    }

    /// Source file and range of a range of [`Statement::text`].
    pub fn locate(&self, site: &Site, r: &Range<usize>) -> (FileId, Range<usize>) {
        let body = self.body_range(site, r);
        site.pages[self.page as usize]
            .body
            .locate(&body)
            .unwrap_or((self.file, self.range.clone()))
    }

    /// Body range of the statement's own text.
    pub fn own_body_range(&self, site: &Site) -> Range<usize> {
        site.docs[self.page as usize].blocks[self.block as usize].body_range(&self.span)
    }

    /// Body range of the whole statement, introduction included.
    pub fn full_body_ranges(&self, site: &Site) -> Vec<Range<usize>> {
        let doc = &site.docs[self.page as usize];
        let mut v = vec![self.own_body_range(site)];
        if let Some((b, r)) = &self.intro {
            v.push(doc.blocks[*b as usize].body_range(r));
        }
        v
    }
}

/// Legal pages (summaries) a body range cites or links to, in text order, with where.
pub fn provisions_in(site: &Site, page: usize, range: &Range<usize>) -> Vec<(usize, usize)> {
    let doc = &site.docs[page];
    let mut out = Vec::new();
    for (c, t) in doc.citations.iter().zip(&site.citations[page]) {
        if let CitationTarget::Page(i) = *t
            && overlaps(&c.range, range)
        {
            out.push((c.range.start, i));
        }
    }
    for (l, t) in doc.links.iter().zip(&site.links[page]) {
        if let LinkTarget::Page { index, .. } = t.target
            && site.pages[index].kind == Kind::Legal
            && overlaps(&l.range, range)
        {
            out.push((l.range.start.max(range.start), index));
        }
    }
    out.sort_unstable();
    out
}

/// Whether a body range has a citation of law (any recognised citation) or a link to a
/// legal summary.
pub fn cites_law(site: &Site, page: usize, range: &Range<usize>) -> bool {
    let doc = &site.docs[page];
    doc.citations.iter().any(|c| overlaps(&c.range, range))
        || doc.links.iter().zip(&site.links[page]).any(|(l, t)| {
            matches!(t.target, LinkTarget::Page { index, .. } if site.pages[index].kind == Kind::Legal)
                && overlaps(&l.range, range)
        })
}

/// Whether two body ranges share a byte (a link's range starts at its `[`, before the text
/// a sentence span starts at).
fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Normalised condition keys of a directive: "if", "where", "when" read alike; hedges
/// ("where possible", "if appropriate") dropped, as they do not change what is required.
pub fn condition_key(d: &Directive) -> Vec<String> {
    const HEDGES: &[&str] = &[
        "possibl",
        "practic",
        "practicabl",
        "appropri",
        "necessari",
        "relev",
        "applic",
        "requir",
        "need",
        "suitabl",
        "proportion",
        "reason",
    ];
    let mut out: Vec<String> = d
        .conditions
        .iter()
        .filter_map(|c| {
            let mut words = c.split(' ');
            let head = words.next().unwrap_or("");
            let head = match head {
                "if" | "where" | "when" | "whenev" | "wherev" | "whenever" | "wherever" => "if",
                h => h,
            };
            let rest: Vec<&str> = words.collect();
            if rest.iter().all(|w| HEDGES.contains(w)) {
                return None;
            }
            let mut rest = rest;
            rest.sort_unstable();
            rest.dedup();
            Some(format!("{head} {}", rest.join(" ")))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The actor as compared between directives: the reader, "you" and generic officers are
/// one actor (guidance addresses officers).
pub fn actor_key(d: &Directive) -> &str {
    match d.actor.as_deref() {
        None => "",
        Some("officer" | "police officer" | "police" | "staff" | "police staff" | "you") => "",
        Some(a) => a,
    }
}

/// Whether two directives are about the same action by the same actor under the same
/// conditions.
pub fn same_action(a: &Directive, b: &Directive) -> bool {
    a.action == b.action && actor_key(a) == actor_key(b) && condition_key(a) == condition_key(b)
}

/// Whether two statements are a `directive-conflict` (SPEC §6.4): same action, actor and
/// conditions, incompatible modal classes, overlapping scope. A page's audience stands in for
/// the actor of its imperatives ("Record …" on a page for call handlers); a directive that
/// names its actor ("Officers may …") says whom it binds whoever reads it, so two such
/// directives need only apply in the same place.
pub fn directive_conflict(st: &Statements, a: &Statement, b: &Statement) -> bool {
    match (st.directive(a), st.directive(b)) {
        (Some(x), Some(y)) => {
            !x.question
                && !y.question
                && crate::analysis::Modal::conflicts(x.modal, y.modal)
                && same_action(x, y)
                && {
                    let (sa, sb) = (&st.scopes[a.scope as usize], &st.scopes[b.scope as usize]);
                    if x.actor.is_some() && y.actor.is_some() {
                        sa.same_place(sb)
                    } else {
                        sa.overlaps(sb)
                    }
                }
        }
        _ => false,
    }
}

fn page_scope(site: &Site, i: usize) -> Scope {
    let fm = &site.pages[i].fm;
    let norm = |v: &[String]| {
        let mut v: Vec<String> = v.iter().map(|s| s.trim().to_lowercase()).collect();
        v.sort();
        v.dedup();
        v
    };
    Scope {
        jurisdictions: norm(&fm.applies_to),
        audience: norm(&fm.audience),
    }
}

/// What one page contributes, before analysis and ordering: statements (with the hash of
/// their text) and passages (with their statements, page-local).
struct PageOut {
    items: Vec<(Statement, u64)>,
    passages: Vec<Passage>,
    quoted: Vec<bool>,
}

/// Scope, snippet flag and passage of the statements of a block.
#[derive(Clone, Copy)]
struct Place {
    scope: u32,
    snippet: bool,
    passage: u32,
}

struct Work<'a> {
    site: &'a Site,
    /// Snippet block key → owning page.
    owners: &'a BTreeMap<(FileId, usize), u32>,
    /// Snippet block key → index into the extra scopes.
    snippet_scope: &'a BTreeMap<(FileId, usize), u32>,
}

fn snippet_key(site: &Site, page: usize, block: &TextBlock) -> Option<(FileId, usize)> {
    let r = block.range.start..block.range.start;
    site.pages[page].body.locate(&r).map(|(f, r)| (f, r.start))
}

impl Work<'_> {
    fn page(&self, pi: usize) -> PageOut {
        let site = self.site;
        let doc = &site.docs[pi];
        let page = &site.pages[pi];
        let quoted = quoted_blocks(doc);
        let mut items = Vec::new();
        let mut passages = Vec::new();
        // The introduction of the last list seen: each of its items reads it.
        let mut intro: Option<(usize, Option<Range<usize>>)> = None;
        let n = doc.blocks.len();
        let mut bi = 0;
        while bi < n {
            // A passage: one paragraph or table cell, or a run of list items.
            let first = bi;
            let is_list = doc.blocks[bi].kind == BlockKind::ListItem;
            bi += 1;
            if is_list {
                while bi < n
                    && doc.blocks[bi].kind == BlockKind::ListItem
                    && doc.blocks[bi].included == doc.blocks[first].included
                {
                    bi += 1;
                }
            }
            let blocks = first..bi;
            let b0 = &doc.blocks[first];
            if b0.kind == BlockKind::Heading || quoted[first] {
                continue;
            }
            let snippet = b0.included;
            let mut scope = pi as u32;
            if snippet {
                let Some(key) = snippet_key(site, pi, b0) else {
                    continue;
                };
                if self.owners.get(&key) != Some(&(pi as u32)) {
                    continue;
                }
                scope = self.snippet_scope.get(&key).copied().unwrap_or(scope);
            }
            let passage = passages.len() as u32;
            let before = items.len() as u32;
            for b in blocks.clone() {
                if quoted[b] || doc.blocks[b].kind == BlockKind::Heading {
                    continue;
                }
                let at = Place {
                    scope,
                    snippet,
                    passage,
                };
                self.sentences(pi, b, at, &mut intro, &mut items);
            }
            let words: u32 = blocks
                .clone()
                .map(|b| doc.blocks[b].text.split_whitespace().count() as u32)
                .sum();
            let start = doc.blocks[first].range.start;
            let end = doc.blocks[bi - 1].range.end;
            let Some((file, range)) = page.body.locate(&(start..end)) else {
                items.truncate(before as usize);
                continue;
            };
            passages.push(Passage {
                page: pi as u32,
                statements: before..items.len() as u32,
                blocks: first as u32..bi as u32,
                file,
                range,
                order: 0,
                words,
                signature: Box::new([]),
                figures: 0,
                snippet,
            });
        }
        PageOut {
            items,
            passages,
            quoted,
        }
    }

    fn sentences(
        &self,
        pi: usize,
        b: usize,
        at: Place,
        last_intro: &mut Option<(usize, Option<Range<usize>>)>,
        out: &mut Vec<(Statement, u64)>,
    ) {
        let site = self.site;
        let doc = &site.docs[pi];
        let block = &doc.blocks[b];
        let intro = list_intro(doc, b).and_then(|ib| {
            let span = match last_intro {
                Some((k, span)) if *k == ib => span.clone(),
                _ => {
                    let span = intro_span(&doc.blocks[ib]);
                    *last_intro = Some((ib, span.clone()));
                    span
                }
            };
            span.map(|r| (ib as u32, r))
        });
        for (k, span) in analysis::sentences::split(&block.text)
            .into_iter()
            .enumerate()
        {
            let own = &block.text[span.clone()];
            if !own.chars().any(char::is_alphanumeric) {
                continue;
            }
            let intro = if k == 0 { intro.clone() } else { None };
            let mut h = Fnv::new();
            if let Some((ib, r)) = &intro {
                h.write_str(&doc.blocks[*ib as usize].text[r.clone()]);
                h.write_str(" ");
                h.write_str(&lower_first(own));
            } else {
                h.write_str(own);
            }
            let body = block.body_range(&span);
            let Some((file, range)) = site.pages[pi].body.locate(&body) else {
                continue;
            };
            out.push((
                Statement {
                    page: pi as u32,
                    block: b as u32,
                    span,
                    intro,
                    file,
                    range,
                    order: 0,
                    scope: at.scope,
                    snippet: at.snippet,
                    analysis: u32::MAX,
                    passage: at.passage,
                },
                h.finish(),
            ));
        }
    }
}

/// Whether a skeleton has anything that can drift.
fn can_drift(sk: &Skeleton) -> bool {
    sk.slots.len() > 1
        || sk
            .slots
            .iter()
            .any(|s| matches!(s.value, analysis::SlotValue::Polarity { negated: true }))
}

/// A hash of a slot's value, equal for values that [`analysis::Slot::same_value`] calls the
/// same (figures by amount in their unit family and bound), without building strings.
fn slot_hash(s: &analysis::Slot) -> u64 {
    use crate::analysis::quantities::Family;
    let mut h = Fnv::new();
    let n = |v: f64| (v * 1e6).round() as i64 as u64;
    match &s.value {
        analysis::SlotValue::Quantity(q) => {
            let (fam, lo, hi) = q.normalised();
            let f = match fam {
                Family::Clock => 0,
                Family::Calendar => 1,
                Family::Other(u) => 2 + u as u64,
            };
            let bound = match q.bound {
                analysis::Bound::UpTo => analysis::Bound::AtMost,
                b => b,
            };
            h.write_u64(1);
            h.write_u64(f);
            h.write_u64(n(lo));
            h.write_u64(if q.max.is_some() { n(hi) } else { u64::MAX });
            h.write_u64(bound as u64);
        }
        analysis::SlotValue::Date(d) => {
            h.write_u64(2);
            h.write_u64(d.year.map_or(u64::MAX, |y| y as u64));
            h.write_u64(d.month.map_or(u64::MAX, u64::from));
            h.write_u64(d.day.map_or(u64::MAX, u64::from));
        }
        analysis::SlotValue::Modal(m) => {
            h.write_u64(3);
            h.write_u64(*m as u64);
        }
        analysis::SlotValue::Antonym { group, pole } => {
            h.write_u64(4);
            h.write_u64(u64::from(*group) << 8 | u64::from(*pole));
        }
        analysis::SlotValue::Polarity { negated } => {
            h.write_u64(5);
            h.write_u64(u64::from(*negated));
        }
    }
    h.finish()
}

/// A sentence's analysis, and its content-word hashes (for the shingles of its passage).
fn analyse(text: &str, expander: &dyn Expander) -> (Analysis, Box<[u64]>) {
    let a = analysis::analyse_sentence(text, expander);
    let drifts = can_drift(&a.skeleton);
    let hashes: Vec<u64> = a.skeleton.slots.iter().map(slot_hash).collect();
    let mut all = Fnv::new();
    hashes.iter().for_each(|&x| all.write_u64(x));
    let slots = all.finish();
    let mut var = Fnv::with_seed(a.skeleton.hash);
    var.write_u64(slots);
    let slot_hashes: Vec<u64> = a
        .skeleton
        .slots
        .iter()
        .zip(&hashes)
        .filter(|(s, _)| !matches!(s.value, analysis::SlotValue::Polarity { negated: false }))
        .map(|(_, &x)| x)
        .collect();
    let analysis = Analysis {
        directive: a.directive.map(Box::new),
        skeleton_hash: a.skeleton.hash,
        variant: var.finish(),
        slots,
        words: a.skeleton.words.min(u16::MAX as usize) as u16,
        can_drift: drifts,
        // Shingles only where something can drift and there is enough to compare.
        shingles: (drifts && a.skeleton.words >= 4).then(|| {
            analysis::minhash::shingles_of_words(&a.words, SENTENCE_SHINGLE).into_boxed_slice()
        }),
        slot_hashes: slot_hashes.into_boxed_slice(),
    };
    (analysis, a.words.into_boxed_slice())
}

impl Statements {
    /// Analyses the whole site. Pages in parallel; the result does not depend on the thread
    /// count.
    pub fn build(site: &Site) -> Statements {
        let n = site.pages.len();
        let mut scopes: Vec<Scope> = (0..n).map(|i| page_scope(site, i)).collect();
        // Snippet blocks: who owns each (the first page including it) and where it is used.
        let mut snippet_uses: BTreeMap<(FileId, usize), Vec<(u32, u32)>> = BTreeMap::new();
        for (pi, doc) in site.docs.iter().enumerate() {
            for (bi, b) in doc.blocks.iter().enumerate() {
                if b.included
                    && let Some(key) = snippet_key(site, pi, b)
                {
                    snippet_uses
                        .entry(key)
                        .or_default()
                        .push((pi as u32, bi as u32));
                }
            }
        }
        let mut owners = BTreeMap::new();
        let mut snippet_scope = BTreeMap::new();
        for (key, uses) in &snippet_uses {
            owners.insert(*key, uses[0].0);
            let mut s = scopes[uses[0].0 as usize].clone();
            for &(p, _) in &uses[1..] {
                s.union(&scopes[p as usize].clone());
            }
            snippet_scope.insert(*key, scopes.len() as u32);
            scopes.push(s);
        }
        let work = Work {
            site,
            owners: &owners,
            snippet_scope: &snippet_scope,
        };
        let outs: Vec<PageOut> = (0..n).into_par_iter().map(|pi| work.page(pi)).collect();
        let mut items = Vec::new();
        let mut hashes = Vec::new();
        let mut passages = Vec::new();
        let mut pages = Vec::with_capacity(n);
        for o in outs {
            let start = items.len() as u32;
            let p0 = passages.len() as u32;
            for (mut s, h) in o.items {
                s.passage += p0;
                items.push(s);
                hashes.push(h);
            }
            passages.extend(o.passages.into_iter().map(|mut p| {
                p.statements = p.statements.start + start..p.statements.end + start;
                p
            }));
            pages.push(PageInfo {
                quoted: o.quoted,
                statements: start..items.len() as u32,
            });
        }
        // Each distinct text is analysed once (by the hash of its text; 64-bit FNV-1a, so a
        // collision among a site's sentences is vanishingly unlikely).
        let mut distinct: Vec<(u64, u32)> = hashes
            .iter()
            .enumerate()
            .map(|(i, &h)| (h, i as u32))
            .collect();
        distinct.sort_unstable();
        distinct.dedup_by_key(|x| x.0);
        let expander = GlossaryExpander(site);
        let (analyses, word_hashes): (Vec<Analysis>, Vec<Box<[u64]>>) = distinct
            .par_iter()
            .map(|&(_, i)| analyse(&items[i as usize].text(site), &expander))
            .unzip();
        for (s, h) in items.iter_mut().zip(&hashes) {
            s.analysis = distinct
                .binary_search_by_key(h, |x| x.0)
                .map_or(0, |k| k as u32);
        }
        drop(hashes);
        // Passages: signatures of their sentences' words' shingles, and their figures.
        let hasher = super::similarity::passage_hasher();
        passages.par_iter_mut().for_each(|p| {
            let stmts = &items[p.statements.start as usize..p.statements.end as usize];
            let mut keys: Vec<u64> = Vec::new();
            let mut words: Vec<u64> = Vec::new();
            for s in stmts {
                let a = &analyses[s.analysis as usize];
                keys.extend_from_slice(&a.slot_hashes);
                if p.words >= super::similarity::MIN_PASSAGE_WORDS {
                    words.extend_from_slice(&word_hashes[s.analysis as usize]);
                }
            }
            keys.sort_unstable();
            let mut h = Fnv::new();
            keys.iter().for_each(|&k| h.write_u64(k));
            p.figures = h.finish();
            // Too short to count as a duplicate passage: no signature needed.
            if !words.is_empty() {
                let shingles = analysis::minhash::shingles_of_words(&words, PASSAGE_SHINGLE);
                if shingles.len() >= super::similarity::MIN_PASSAGE_SHINGLES {
                    p.signature = hasher.signature_of_shingles(&shingles).values;
                }
            }
        });
        drop(word_hashes);
        // Path order: file path, then offset. Files are ranked once, so the sorts compare
        // integers rather than paths.
        let mut files: Vec<FileId> = items.iter().map(|s| s.file).collect();
        files.extend(passages.iter().map(|p| p.file));
        files.sort_unstable();
        files.dedup();
        files.sort_by(|a, b| {
            site.sources
                .get(*a)
                .display
                .cmp(&site.sources.get(*b).display)
                .then(a.cmp(b))
        });
        let rank: BTreeMap<FileId, u32> = files
            .iter()
            .enumerate()
            .map(|(i, f)| (*f, i as u32))
            .collect();
        let mut keys: Vec<(u32, usize, bool, u32)> = items
            .iter()
            .enumerate()
            .map(|(i, s)| (rank[&s.file], s.range.start, s.intro.is_some(), i as u32))
            .collect();
        keys.sort_unstable();
        for (r, k) in keys.iter().enumerate() {
            items[k.3 as usize].order = r as u32;
        }
        let mut pkeys: Vec<(u32, usize, u32)> = passages
            .iter()
            .enumerate()
            .map(|(i, p)| (rank[&p.file], p.range.start, i as u32))
            .collect();
        pkeys.sort_unstable();
        for (r, k) in pkeys.iter().enumerate() {
            passages[k.2 as usize].order = r as u32;
        }
        Statements {
            items,
            analyses,
            passages,
            pages,
            scopes,
            snippet_uses,
        }
    }

    /// The analysis of a statement's text.
    pub fn an(&self, s: &Statement) -> &Analysis {
        &self.analyses[s.analysis as usize]
    }

    /// The statement's directive, if it is one.
    pub fn directive(&self, s: &Statement) -> Option<&Directive> {
        self.an(s).directive.as_deref()
    }

    /// A passage's sorted shingles, recomputed from its text: the words of its sentences (as
    /// analysed, list introductions included), shingled across sentence ends.
    pub fn passage_shingles(&self, site: &Site, p: &Passage) -> Vec<u64> {
        let mut words = Vec::new();
        for s in &self.items[p.statements.start as usize..p.statements.end as usize] {
            words.extend(analysis::minhash::words_of(&s.text(site)));
        }
        analysis::minhash::shingles_of_words(&words, PASSAGE_SHINGLE)
    }

    /// Every (page, block) where a statement's text appears: its own place, and for snippet
    /// text every page that includes it.
    pub fn uses(&self, site: &Site, s: &Statement) -> Vec<(u32, u32)> {
        if s.snippet {
            let b = &site.docs[s.page as usize].blocks[s.block as usize];
            if let Some(key) = snippet_key(site, s.page as usize, b)
                && let Some(u) = self.snippet_uses.get(&key)
            {
                return u.clone();
            }
        }
        vec![(s.page, s.block)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::directives::classify;

    #[test]
    fn scopes_overlap_when_either_is_open() {
        let s = |j: &[&str], a: &[&str]| Scope {
            jurisdictions: j.iter().map(|x| x.to_string()).collect(),
            audience: a.iter().map(|x| x.to_string()).collect(),
        };
        assert!(s(&[], &[]).overlaps(&s(&["scotland"], &["investigators"])));
        assert!(s(&["england-and-wales"], &[]).overlaps(&s(&["england-and-wales"], &[])));
        assert!(!s(&["england-and-wales"], &[]).overlaps(&s(&["scotland"], &[])));
        assert!(!s(&[], &["call-handlers"]).overlaps(&s(&[], &["investigators"])));
        let mut u = s(&["scotland"], &["investigators"]);
        u.union(&s(&["england-and-wales"], &[]));
        assert_eq!(u, s(&["england-and-wales", "scotland"], &[]));
    }

    #[test]
    fn conditions_compare_without_hedges_and_wording() {
        let k = |t: &str| condition_key(&classify(t).unwrap());
        assert_eq!(
            k("If the victim is at risk, officers must arrest the suspect."),
            k("Where the victim is at risk, officers must not arrest the suspect.")
        );
        assert_eq!(
            k("Where possible, officers must arrest the suspect."),
            Vec::<String>::new()
        );
        assert_ne!(
            k("Officers must arrest the suspect if the victim is at risk."),
            k("Officers must not arrest the suspect unless the victim is at risk.")
        );
    }

    #[test]
    fn generic_officers_are_the_reader() {
        let a = classify("Officers must not issue a notice.").unwrap();
        let b = classify("Issue a notice.").unwrap();
        let c = classify("Supervisors must issue a notice.").unwrap();
        assert_eq!(actor_key(&a), actor_key(&b));
        assert_ne!(actor_key(&a), actor_key(&c));
    }

    #[test]
    fn list_items_read_with_their_introduction() {
        assert_eq!(lower_first("Record the crime."), "record the crime.");
        assert_eq!(lower_first("PINs are not used."), "PINs are not used.");
        assert_eq!(lower_first("É"), "É");
    }
}
