//! Near-identical text across pages: the candidate pairs behind `numeric-drift` and
//! `duplicate-passage`, found without comparing every pair.
//!
//! Sentences: skeleton hashing first (figures, dates, modal verbs, negators and antonyms
//! masked; a sort groups sentences that are the same up to those slots), then seeded
//! MinHash/LSH over one representative per skeleton for copies that were also lightly
//! edited. Passages (paragraphs and lists): MinHash/LSH on 3-word shingles, verified with
//! the exact Jaccard similarity.
//!
//! Each later place (in path order) is reported at most once, against the earliest earlier
//! place it pairs with, so a sentence copied onto a thousand pages gives a thousand
//! findings, not half a million. The more specific finding wins for a pair of places: a
//! directive conflict, then a figure that contradicts a legal summary, then drift, then
//! duplication.

use super::CheckContext;
use super::fact_mismatch::{Mismatch, quantity_text};
use super::statements::{Statement, Statements, directive_conflict, provisions_in};
use crate::analysis::minhash::{self, LshIndex, MinHashConfig, MinHasher};
use crate::analysis::skeleton::{ModalWord, Skeleton, SlotValue};
use crate::analysis::{Modal, lexicon, stem, tokens};
use crate::graph::Site;
use crate::model::Kind;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::OnceLock;

/// Fewest unmasked skeleton words for a sentence to be compared: shorter ones ("See
/// below.") are the same by accident.
const MIN_WORDS: u16 = 4;
/// Fewest words for a passage to count as a duplicate.
pub const MIN_PASSAGE_WORDS: u32 = 20;
/// Fewest shingles for a passage to be compared.
pub const MIN_PASSAGE_SHINGLES: usize = 3;
/// Exact Jaccard similarity of sentence shingles for an edited copy.
const SENTENCE_JACCARD: f64 = 0.5;
/// Exact Jaccard similarity of passage shingles for a near-identical passage.
const PASSAGE_JACCARD: f64 = 0.7;
/// Earliest LSH candidates tried for each sentence.
const LSH_CANDIDATES: usize = 8;

/// What differs between two near-identical sentences.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    /// Span in the later sentence's text, and how it reads there.
    pub here: Option<Range<usize>>,
    pub here_text: String,
    /// Span in the earlier sentence's text, and how it reads there.
    pub there: Option<Range<usize>>,
    pub there_text: String,
}

/// A drifted copy.
#[derive(Clone, Debug)]
pub struct Drift {
    pub later: u32,
    pub earlier: u32,
    pub differences: Vec<Difference>,
    /// must vs should only: reported as a warning (SPEC §6.4).
    pub divergence: bool,
}

/// A duplicated passage.
#[derive(Clone, Copy, Debug)]
pub struct Duplicate {
    pub later: u32,
    pub earlier: u32,
    pub similarity: f64,
}

/// Both results, computed together.
#[derive(Default)]
pub struct Similar {
    pub drift: Vec<Drift>,
    pub duplicates: Vec<Duplicate>,
}

/// The subject of a sentence: the legal summaries it (or its paragraph) cites, or its own
/// page when it is a summary.
fn subject(site: &Site, s: &Statement) -> BTreeSet<usize> {
    let pi = s.page as usize;
    let mut out: BTreeSet<usize> = s
        .full_body_ranges(site)
        .iter()
        .flat_map(|r| provisions_in(site, pi, r))
        .map(|(_, p)| p)
        .collect();
    if out.is_empty() {
        let b = &site.docs[pi].blocks[s.block as usize];
        let start = s.own_body_range(site).start;
        out.extend(
            provisions_in(site, pi, &(b.range.start..start))
                .into_iter()
                .map(|(_, p)| p),
        );
    }
    if out.is_empty() && site.pages[pi].kind == Kind::Legal {
        out.insert(pi);
    }
    out
}

/// Content-word stems of a text (stop words and figures dropped).
fn content_words(text: &str) -> BTreeSet<String> {
    tokens::tokenize(text)
        .iter()
        .filter(|t| t.is_alnum() && !t.text.chars().any(|c| c.is_ascii_digit()))
        .map(|t| tokens::lower(t.text).into_owned())
        .filter(|w| !lexicon::is_stop_word(w))
        .map(|w| stem::stem(&w))
        .collect()
}

fn slot_text(text: &str, span: &Option<Range<usize>>, v: &SlotValue) -> String {
    match v {
        SlotValue::Quantity(q) => quantity_text(q),
        SlotValue::Polarity { negated } => {
            if *negated {
                span.as_ref()
                    .map_or("not".to_string(), |r| format!("“{}”", &text[r.clone()]))
            } else {
                "no negation".to_string()
            }
        }
        SlotValue::Modal(ModalWord::Must) | SlotValue::Modal(_) | SlotValue::Date(_) => span
            .as_ref()
            .map_or_else(String::new, |r| format!("“{}”", &text[r.clone()])),
        SlotValue::Antonym { .. } => span
            .as_ref()
            .map_or_else(String::new, |r| format!("“{}”", &text[r.clone()])),
    }
}

/// What drift detection needs of one statement.
struct Side {
    text: String,
    skeleton: Skeleton,
    subject: BTreeSet<usize>,
}

struct Pairing<'a> {
    site: &'a Site,
    st: &'a Statements,
    /// Statement index → spans of figures reported as fact mismatches.
    mismatched: BTreeMap<u32, Vec<Range<usize>>>,
    /// Citation body ranges of each page.
    cites: Vec<Vec<Range<usize>>>,
}

impl Pairing<'_> {
    fn in_citation(&self, s: &Statement, r: &Range<usize>) -> bool {
        let b = s.body_range(self.site, r);
        self.cites[s.page as usize]
            .iter()
            .any(|c| b.start >= c.start && b.end <= c.end)
    }

    fn mismatched(&self, i: u32, r: &Range<usize>) -> bool {
        self.mismatched
            .get(&i)
            .is_some_and(|v| v.iter().any(|m| m.start < r.end && r.start < m.end))
    }

    /// The drift between a later and an earlier statement, if they are drifted copies.
    /// The later side's text, skeleton and subject, computed once per later statement.
    fn side(&self, i: u32) -> Side {
        let s = &self.st.items[i as usize];
        let text = s.text(self.site);
        let skeleton = crate::analysis::skeleton::skeleton(&text);
        Side {
            subject: subject(self.site, s),
            text,
            skeleton,
        }
    }

    /// Cheap tests first: different files, the same place, and readers of the same page
    /// kinds for imperatives.
    fn comparable(&self, l: &Statement, e: &Statement) -> bool {
        let st = self.st;
        // Copies for different jurisdictions may differ. Audiences matter only where the
        // sentence addresses the reader (an imperative on a call handlers' page and one on
        // a supervisors' page are different instructions); a named actor is the same actor
        // whoever reads the page.
        let (sl, se) = (&st.scopes[l.scope as usize], &st.scopes[e.scope as usize]);
        let readers = |s: &Statement| st.directive(s).is_some_and(|d| d.actor.is_none());
        l.file != e.file && sl.same_place(se) && !(readers(l) && readers(e) && !sl.overlaps(se))
    }

    fn drift(
        &self,
        li: u32,
        ei: u32,
        same_skeleton: bool,
        later: &mut Option<Side>,
        earlier: &Sides,
    ) -> Option<Drift> {
        let (site, st) = (self.site, self.st);
        let (l, e) = (&st.items[li as usize], &st.items[ei as usize]);
        if !self.comparable(l, e) || directive_conflict(st, l, e) {
            return None;
        }
        let Side {
            text: lt,
            skeleton: lk,
            subject: ls,
        } = later.get_or_insert_with(|| self.side(li));
        let owned;
        let Side {
            text: et,
            skeleton: ek,
            subject: es,
        } = match earlier.get(ei, || self.side(ei)) {
            Some(side) => side,
            None => {
                owned = self.side(ei);
                &owned
            }
        };
        if !ls.is_empty() && !es.is_empty() && ls.is_disjoint(es) {
            return None;
        }
        let _ = site;
        let mut diffs = Vec::new();
        let mut modal_only = true;
        if same_skeleton {
            let idx = lk.differing_slots(ek)?;
            for i in idx {
                let (a, b) = (&lk.slots[i], &ek.slots[i]);
                if !self.keep(li, l, a.span.as_ref(), ei, e, b.span.as_ref())? {
                    continue;
                }
                if !matches!(a.value, SlotValue::Modal(_)) {
                    modal_only = false;
                }
                diffs.push(Difference {
                    here: a.span.clone(),
                    here_text: slot_text(lt, &a.span, &a.value),
                    there: b.span.clone(),
                    there_text: slot_text(et, &b.span, &b.value),
                });
            }
        } else {
            // An edited copy: the same figures in the same order, some of them different.
            // Figures inside citations ("Act 2003") belong to the citation, not the text.
            let figs = |sk: &Skeleton, s: &Statement| -> Vec<(Range<usize>, SlotValue)> {
                sk.slots
                    .iter()
                    .filter(|x| matches!(x.value, SlotValue::Quantity(_) | SlotValue::Date(_)))
                    .filter_map(|x| x.span.clone().map(|r| (r, x.value.clone())))
                    .filter(|(r, _)| !self.in_citation(s, r))
                    .collect()
            };
            let (lf, ef) = (figs(lk, l), figs(ek, e));
            if lf.len() != ef.len() {
                return None;
            }
            // must vs should on the same action.
            if let (Some(a), Some(b)) = (st.directive(l), st.directive(e))
                && Modal::diverges(a.modal, b.modal)
                && super::statements::same_action(a, b)
            {
                diffs.push(Difference {
                    here: Some(a.modal_span.clone()),
                    here_text: format!("“{}”", &lt[a.modal_span.clone()]),
                    there: Some(b.modal_span.clone()),
                    there_text: format!("“{}”", &et[b.modal_span.clone()]),
                });
            }
            // One negated, the other not ("can still be referred" / "cannot be referred").
            let polarity = |sk: &Skeleton| {
                sk.slots.iter().rev().find_map(|x| match x.value {
                    SlotValue::Polarity { negated } => {
                        Some((negated, x.span.clone(), x.value.clone()))
                    }
                    _ => None,
                })
            };
            if let (Some((na, sa, va)), Some((nb, sb, vb))) = (polarity(lk), polarity(ek))
                && na != nb
            {
                modal_only = false;
                diffs.push(Difference {
                    here_text: slot_text(lt, &sa, &va),
                    here: sa,
                    there_text: slot_text(et, &sb, &vb),
                    there: sb,
                });
            }
            for ((ra, a), (rb, b)) in lf.iter().zip(&ef) {
                let same = match (a, b) {
                    (SlotValue::Quantity(x), SlotValue::Quantity(y)) => {
                        if x.unit.family().0 != y.unit.family().0 {
                            return None;
                        }
                        x.same_figure(y)
                    }
                    (SlotValue::Date(x), SlotValue::Date(y)) => x.same_date(y),
                    _ => return None,
                };
                if same || !self.keep(li, l, Some(ra), ei, e, Some(rb))? {
                    continue;
                }
                modal_only = false;
                diffs.push(Difference {
                    here: Some(ra.clone()),
                    here_text: slot_text(lt, &Some(ra.clone()), a),
                    there: Some(rb.clone()),
                    there_text: slot_text(et, &Some(rb.clone()), b),
                });
            }
        }
        if diffs.is_empty() {
            return None;
        }
        let divergence = modal_only
            && matches!((st.directive(l), st.directive(e)), (Some(a), Some(b)) if Modal::diverges(a.modal, b.modal));
        Some(Drift {
            later: li,
            earlier: ei,
            differences: diffs,
            divergence,
        })
    }

    /// Whether a differing slot counts: not inside a citation (a different provision is a
    /// different subject: `None` drops the pair), and not a figure already reported as
    /// contradicting a legal summary.
    fn keep(
        &self,
        li: u32,
        l: &Statement,
        a: Option<&Range<usize>>,
        ei: u32,
        e: &Statement,
        b: Option<&Range<usize>>,
    ) -> Option<bool> {
        if let Some(a) = a
            && self.in_citation(l, a)
        {
            return None;
        }
        if let Some(b) = b
            && self.in_citation(e, b)
        {
            return None;
        }
        let fm =
            a.is_some_and(|r| self.mismatched(li, r)) || b.is_some_and(|r| self.mismatched(ei, r));
        Some(!fm)
    }
}

/// Values for the earlier members of candidate pairs, each computed once on first use: a few
/// earlier places are the earlier side of many pairs.
struct Memo<T> {
    ids: Vec<u32>,
    values: Vec<OnceLock<T>>,
}

impl<T> Memo<T> {
    fn new<'a>(earlier: impl Iterator<Item = &'a u32>) -> Memo<T> {
        let mut ids: Vec<u32> = earlier.copied().collect();
        ids.sort_unstable();
        ids.dedup();
        let values = ids.iter().map(|_| OnceLock::new()).collect();
        Memo { ids, values }
    }

    fn get(&self, i: u32, f: impl FnOnce() -> T) -> Option<&T> {
        let k = self.ids.binary_search(&i).ok()?;
        Some(self.values[k].get_or_init(f))
    }
}

type Sides = Memo<Side>;

/// Drift and duplicates of the whole site.
pub fn find(cx: &CheckContext) -> Similar {
    let site = cx.site;
    let st = cx.statements();
    let mut mismatched: BTreeMap<u32, Vec<Range<usize>>> = BTreeMap::new();
    for m in cx.fact_mismatches() {
        let Mismatch {
            statement, span, ..
        } = m;
        mismatched.entry(*statement).or_default().push(span.clone());
    }
    let cites = site
        .docs
        .iter()
        .map(|d| d.citations.iter().map(|c| c.range.clone()).collect())
        .collect();
    let p = Pairing {
        site,
        st,
        mismatched,
        cites,
    };
    let drift = drift(&p);
    let duplicates = duplicates(site, st);
    Similar { drift, duplicates }
}

fn drift(p: &Pairing) -> Vec<Drift> {
    let st = p.st;
    // Skeleton buckets: (hash, order, index) of sentences that can drift.
    let mut rows: Vec<(u64, u32, u32)> = st
        .items
        .iter()
        .enumerate()
        .filter(|(_, s)| st.an(s).can_drift && st.an(s).words >= MIN_WORDS)
        .map(|(i, s)| (st.an(s).skeleton_hash, s.order, i as u32))
        .collect();
    rows.sort_unstable();
    // Candidate (later, earlier list) from skeleton buckets: every earlier representative of
    // another variant, earliest first.
    let mut tasks: Vec<(u32, Vec<u32>)> = Vec::new();
    // One representative per skeleton for the LSH stage.
    let mut reps: Vec<u32> = Vec::new();
    let mut g = 0;
    while g < rows.len() {
        let mut h = g + 1;
        while h < rows.len() && rows[h].0 == rows[g].0 {
            h += 1;
        }
        reps.push(rows[g].2);
        if h - g >= 2 {
            // Representatives: the first member of each variant, in path order.
            let mut firsts: Vec<(u64, u32)> = Vec::new();
            for &(_, _, i) in &rows[g..h] {
                let v = st.an(&st.items[i as usize]).variant;
                let others: Vec<u32> = firsts
                    .iter()
                    .filter(|(fv, _)| *fv != v)
                    .map(|&(_, f)| f)
                    .take(16)
                    .collect();
                if !others.is_empty() {
                    tasks.push((i, others));
                }
                if !firsts.iter().any(|(fv, _)| *fv == v) {
                    firsts.push((v, i));
                }
            }
        }
        g = h;
    }
    let sides = Sides::new(tasks.iter().flat_map(|(_, es)| es));
    let mut found: Vec<Option<Drift>> = tasks
        .par_iter()
        .map(|(l, es)| {
            let mut later = None;
            es.iter()
                .find_map(|&e| p.drift(*l, e, true, &mut later, &sides))
        })
        .collect();
    drop(sides);
    let mut paired: BTreeSet<u32> = found.iter().flatten().map(|d| d.later).collect();

    // LSH over representatives with shingles, for lightly edited copies. Buckets of
    // boilerplate larger than 16 become stars, so pairs stay linear in the sentences.
    let hasher = MinHasher::new(MinHashConfig {
        max_bucket: 16,
        ..MinHashConfig::default()
    });
    let mut index = LshIndex::new(hasher.config());
    for chunk in reps.chunks(8_192) {
        let sigs: Vec<(u32, minhash::Signature)> = chunk
            .par_iter()
            .filter_map(|&i| {
                let sh = st.an(&st.items[i as usize]).shingles.as_deref()?;
                (sh.len() >= 3).then(|| (i, hasher.signature_of_shingles(sh)))
            })
            .collect();
        for (i, s) in &sigs {
            index.insert(*i, s);
        }
    }
    // (later, earlier's order, earlier) for pairs that could have drifted: different
    // skeletons (same ones were compared above) and different figures.
    let mut pairs: Vec<(u32, u32, u32)> = index
        .candidate_pairs()
        .into_iter()
        .filter_map(|(a, b)| {
            let (x, y) = (&st.items[a as usize], &st.items[b as usize]);
            let (ax, ay) = (st.an(x), st.an(y));
            if ax.skeleton_hash == ay.skeleton_hash || ax.slots == ay.slots || !p.comparable(x, y) {
                return None;
            }
            let (later, earlier) = if x.order > y.order { (a, b) } else { (b, a) };
            (!paired.contains(&later)).then(|| (later, st.items[earlier as usize].order, earlier))
        })
        .collect();
    pairs.sort_unstable();
    let mut cand: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (l, _, e) in pairs {
        cand.entry(l).or_default().push(e);
    }
    let lsh_tasks: Vec<(u32, Vec<u32>)> = cand.into_iter().collect();
    let sides = Sides::new(
        lsh_tasks
            .iter()
            .flat_map(|(_, es)| es.iter().take(LSH_CANDIDATES)),
    );
    let extra: Vec<Option<Drift>> = lsh_tasks
        .par_iter()
        .map(|(l, es)| {
            let x = &st.items[*l as usize];
            let mut later = None;
            let mut words: Option<BTreeSet<String>> = None;
            // The earliest few candidates: a copy edited many times over is reported once.
            es.iter().take(LSH_CANDIDATES).find_map(|&e| {
                let y = &st.items[e as usize];
                let j =
                    minhash::jaccard(st.an(x).shingles.as_deref()?, st.an(y).shingles.as_deref()?);
                if j < SENTENCE_JACCARD {
                    return None;
                }
                let a = words.get_or_insert_with(|| content_words(&x.text(p.site)));
                let b = content_words(&y.text(p.site));
                // Lightly edited: at most two words, or two in five, changed.
                let diff = a.symmetric_difference(&b).count();
                let union = a.union(&b).count();
                if diff > 2.max((union * 2).div_ceil(5)) {
                    return None;
                }
                p.drift(*l, e, false, &mut later, &sides)
            })
        })
        .collect();
    paired.extend(extra.iter().flatten().map(|d| d.later));
    found.extend(extra);
    let mut out: Vec<Drift> = found.into_iter().flatten().collect();
    out.sort_by_key(|d| (st.items[d.later as usize].order, d.earlier));
    out.dedup_by_key(|d| d.later);
    out
}

/// The MinHash family of passage signatures (computed with the statements).
pub fn passage_hasher() -> MinHasher {
    // Near-identical passages share most shingles: 32 hashes in 8 bands find pairs at a
    // Jaccard similarity of 0.8 with probability 0.98 (0.89 at 0.7), at half the cost.
    MinHasher::new(MinHashConfig {
        shingle: super::statements::PASSAGE_SHINGLE,
        num_hashes: 32,
        bands: 8,
        max_bucket: 16,
        ..MinHashConfig::default()
    })
}

fn duplicates(site: &Site, st: &Statements) -> Vec<Duplicate> {
    let hasher = passage_hasher();
    let mut index = LshIndex::new(hasher.config());
    // Passages long enough to count carry a signature.
    for (i, p) in st.passages.iter().enumerate() {
        if p.words >= MIN_PASSAGE_WORDS && !p.signature.is_empty() {
            index.insert_values(i as u32, &p.signature);
        }
    }
    let mut pairs: Vec<(u32, u32, u32)> = index
        .candidate_pairs()
        .into_iter()
        .filter_map(|(a, b)| {
            let (x, y) = (&st.passages[a as usize], &st.passages[b as usize]);
            if x.file == y.file || x.figures != y.figures {
                return None;
            }
            let (later, earlier) = if x.order > y.order { (a, b) } else { (b, a) };
            Some((later, st.passages[earlier as usize].order, earlier))
        })
        .collect();
    pairs.sort_unstable();
    let mut cand: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (l, _, e) in pairs {
        cand.entry(l).or_default().push(e);
    }
    let tasks: Vec<(u32, Vec<u32>)> = cand.into_iter().collect();
    let shingles: Memo<Vec<u64>> = Memo::new(tasks.iter().flat_map(|(_, es)| es));
    let mut out: Vec<Duplicate> = tasks
        .par_iter()
        .filter_map(|(l, es)| {
            let later = st.passage_shingles(site, &st.passages[*l as usize]);
            es.iter().find_map(|&e| {
                let of = || st.passage_shingles(site, &st.passages[e as usize]);
                let j = minhash::jaccard(&later, shingles.get(e, of)?);
                (j >= PASSAGE_JACCARD).then_some(Duplicate {
                    later: *l,
                    earlier: e,
                    similarity: j,
                })
            })
        })
        .collect();
    out.sort_by_key(|d| st.passages[d.later as usize].order);
    out
}
