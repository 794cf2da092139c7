//! Skeleton hashing: candidate pairs for numeric drift without comparing every pair.
//!
//! A sentence's skeleton is its token sequence with the parts that drift masked out: figures
//! (quantities and dates), modal verbs, negators and a closed list of antonyms. The rest is
//! lower-cased, stemmed (Porter2) and hashed with FNV-1a. Two sentences with the same hash
//! are the same sentence up to those parts, and their slots say what differs; grouping by
//! hash is a sort, so the cost is near-linear in the number of sentences.
//!
//! Choices:
//! - Stop words are kept (the skeleton is for near-identical copies, so "of" vs "for" is a
//!   real difference), except the articles "a", "an", "the", which copy-editing changes
//!   freely. Punctuation is dropped.
//! - Negators ("not", "no", "n't") are removed from the sequence and counted: one polarity
//!   slot at the end holds whether the count is odd, so "is valid" and "is not valid" share a
//!   hash. "do/does/did" before a negator go too ("does not apply" ~ "applies").
//! - Modal verbs become a slot holding their class: must (must, shall), should (should,
//!   ought), may (may, might, can, could), will (will, would).
//! - Antonyms (see [`super::lexicon::antonym`]): before/after, minimum/maximum,
//!   increase/decrease(reduce), include/exclude, always/never, more/less(fewer),
//!   higher/lower, earliest/latest, earlier/later, first/last, above/below, over/under,
//!   longer/shorter, most/least, lawful/unlawful(legal/illegal), permitted/prohibited,
//!   mandatory/optional, valid/invalid, with/without, summary/indictable/either-way,
//!   inside/outside, grant/refuse, positive/negative, consecutive/concurrent, start/end. The
//!   group is part of the hash and the pole is the slot, so only a swap within one group
//!   keeps the hash.
//! - Figures are one slot each whatever their unit; slot values compare by
//!   [`Quantity::same_figure`] ("12 months" = "1 year").

use super::dates::DateMention;
use super::hash::Fnv;
use super::lexicon;
use super::quantities::{Prepared, Quantity};
use super::stem;
use super::tokens::{self, TokKind};
use std::ops::Range;

/// Class of a masked modal verb.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ModalWord {
    /// must, shall.
    Must,
    /// should, ought.
    Should,
    /// may, might, can, could.
    May,
    /// will, would.
    Will,
}

/// What a slot holds.
#[derive(Clone, Debug, PartialEq)]
pub enum SlotValue {
    /// A quantity.
    Quantity(Quantity),
    /// A date.
    Date(DateMention),
    /// A modal verb's class.
    Modal(ModalWord),
    /// An antonym: its group and which pole.
    Antonym {
        /// Group number (part of the hash).
        group: u8,
        /// Pole within the group.
        pole: u8,
    },
    /// Whether the sentence has an odd number of negators (always the last slot).
    Polarity {
        /// Odd number of negators.
        negated: bool,
    },
}

/// One masked place in a sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    /// Byte span in the sentence (for polarity: the first negator, if any).
    pub span: Option<Range<usize>>,
    /// The masked value.
    pub value: SlotValue,
}

impl Slot {
    /// Whether two slots hold the same value (figures by [`Quantity::same_figure`]).
    pub fn same_value(&self, other: &Slot) -> bool {
        match (&self.value, &other.value) {
            (SlotValue::Quantity(a), SlotValue::Quantity(b)) => a.same_figure(b),
            (SlotValue::Date(a), SlotValue::Date(b)) => a.same_date(b),
            (a, b) => a == b,
        }
    }

    /// Canonical text of the value; equal exactly when [`Slot::same_value`] holds.
    pub fn key(&self) -> String {
        match &self.value {
            SlotValue::Quantity(q) => format!("q:{}", q.canonical()),
            SlotValue::Date(d) => format!("d:{}", d.canonical()),
            SlotValue::Modal(m) => format!("m:{m:?}"),
            SlotValue::Antonym { group, pole } => format!("a:{group}:{pole}"),
            SlotValue::Polarity { negated } => format!("n:{negated}"),
        }
    }
}

/// A sentence's skeleton.
#[derive(Clone, Debug, PartialEq)]
pub struct Skeleton {
    /// Hash of the unmasked token sequence with slot markers.
    pub hash: u64,
    /// Masked values, in order; the polarity slot is last.
    pub slots: Vec<Slot>,
    /// Number of unmasked words: very short sentences ("See below.") collide by nature, so
    /// the caller should ignore skeletons with few words.
    pub words: usize,
}

impl Skeleton {
    /// Indices of slots whose values differ; `None` when the skeletons are not comparable
    /// (different hashes or slot counts).
    pub fn differing_slots(&self, other: &Skeleton) -> Option<Vec<usize>> {
        if self.hash != other.hash || self.slots.len() != other.slots.len() {
            return None;
        }
        Some(
            (0..self.slots.len())
                .filter(|&i| !self.slots[i].same_value(&other.slots[i]))
                .collect(),
        )
    }

    /// Hash of all slot values: equal for sentences that are the same up to equal figures.
    pub fn variant_key(&self) -> u64 {
        let mut h = Fnv::with_seed(self.hash);
        for s in &self.slots {
            h.write_str(&s.key());
        }
        h.finish()
    }
}

fn modal_word(w: &str) -> Option<ModalWord> {
    Some(match w {
        "must" | "shall" => ModalWord::Must,
        "should" | "ought" => ModalWord::Should,
        "may" | "might" | "can" | "could" => ModalWord::May,
        "will" | "would" => ModalWord::Will,
        _ => return None,
    })
}

/// The skeleton of one sentence. Never panics.
pub fn skeleton(sentence: &str) -> Skeleton {
    skeleton_prepared(&Prepared::new(sentence))
}

/// [`skeleton`] of a sentence already tokenised in this module.
pub(super) fn skeleton_prepared(prep: &Prepared<'_>) -> Skeleton {
    let figures = prep.figure_spans();
    // Words after contraction splitting, with spans; figures as markers.
    enum Item<'w> {
        Word(&'w str, Range<usize>),
        Figure(Result<usize, usize>),
    }
    let mut items = Vec::with_capacity(prep.toks.len());
    let mut f = 0;
    for (t, l) in prep.toks.iter().zip(&prep.lw) {
        while f < figures.len() && figures[f].0.end <= t.start {
            f += 1;
        }
        if let Some((r, which)) = figures.get(f)
            && t.start >= r.start
            && t.end <= r.end
        {
            if t.start == r.start {
                items.push(Item::Figure(*which));
            }
            continue;
        }
        match t.kind {
            TokKind::Punct => {}
            _ => match tokens::contraction(l) {
                Some((a, b)) => {
                    items.push(Item::Word(a, t.span()));
                    items.push(Item::Word(b, t.span()));
                }
                None => items.push(Item::Word(l, t.span())),
            },
        }
    }

    let mut h = Fnv::new();
    let mut slots = Vec::new();
    let mut negations = 0usize;
    let mut first_neg: Option<Range<usize>> = None;
    let mut words = 0;
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Figure(which) => {
                let (span, value) = match which {
                    Ok(q) => {
                        let q = &prep.figures.quantities[*q];
                        (q.span.clone(), SlotValue::Quantity(q.clone()))
                    }
                    Err(d) => {
                        let d = &prep.figures.dates[*d];
                        (d.span.clone(), SlotValue::Date(d.clone()))
                    }
                };
                h.write_str(if matches!(value, SlotValue::Date(_)) {
                    "\u{1}d"
                } else {
                    "\u{1}q"
                });
                slots.push(Slot {
                    span: Some(span),
                    value,
                });
            }
            Item::Word(w, span) => {
                let w: &str = w;
                if matches!(w, "not" | "no") {
                    negations += 1;
                    first_neg.get_or_insert(span.clone());
                    continue;
                }
                if matches!(w, "do" | "does" | "did")
                    && matches!(items.get(i + 1), Some(Item::Word("not", _)))
                {
                    continue;
                }
                if matches!(w, "a" | "an" | "the") {
                    continue;
                }
                // "triable either way" is the third mode of trial (see the antonym list).
                if w == "way" && i > 0 && matches!(items.get(i - 1), Some(Item::Word("either", _)))
                {
                    continue;
                }
                if w == "either" && matches!(items.get(i + 1), Some(Item::Word("way", _))) {
                    h.write_str("\u{1}a");
                    h.write(&[20]);
                    slots.push(Slot {
                        span: Some(span.clone()),
                        value: SlotValue::Antonym { group: 20, pole: 2 },
                    });
                    continue;
                }
                if let Some(m) = modal_word(w) {
                    h.write_str("\u{1}m");
                    slots.push(Slot {
                        span: Some(span.clone()),
                        value: SlotValue::Modal(m),
                    });
                    continue;
                }
                stem::with_stem(w, |s| {
                    if let Some((group, pole)) = lexicon::antonym(s) {
                        h.write_str("\u{1}a");
                        h.write(&[group]);
                        slots.push(Slot {
                            span: Some(span.clone()),
                            value: SlotValue::Antonym { group, pole },
                        });
                    } else {
                        h.write_str(s);
                        words += 1;
                    }
                });
            }
        }
    }
    slots.push(Slot {
        span: first_neg,
        value: SlotValue::Polarity {
            negated: negations % 2 == 1,
        },
    });
    Skeleton {
        hash: h.finish(),
        slots,
        words,
    }
}

/// Sentences sharing one skeleton hash, grouped by slot values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bucket {
    /// The skeleton hash.
    pub hash: u64,
    /// Groups of members with equal slot values, ordered by their smallest member id.
    /// More than one variant means drift between them; more than one member in a variant
    /// means duplicates.
    pub variants: Vec<Variant>,
}

/// Members of a bucket with the same slot values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// [`Skeleton::variant_key`] of the members.
    pub key: u64,
    /// Member ids, ascending.
    pub members: Vec<u32>,
}

/// Groups skeletons by hash, then by slot values; returns only buckets with at least two
/// members, ordered by hash. Sorting makes the result independent of input order, so it is
/// the same whatever the thread count that computed the skeletons. `min_words` drops short
/// sentences (see [`Skeleton::words`]).
pub fn buckets<'a>(
    entries: impl IntoIterator<Item = (u32, &'a Skeleton)>,
    min_words: usize,
) -> Vec<Bucket> {
    let mut rows: Vec<(u64, u64, u32)> = entries
        .into_iter()
        .filter(|(_, s)| s.words >= min_words)
        .map(|(id, s)| (s.hash, s.variant_key(), id))
        .collect();
    rows.sort_unstable();
    rows.dedup();
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let hash = rows[i].0;
        let mut j = i;
        while j < rows.len() && rows[j].0 == hash {
            j += 1;
        }
        if j - i >= 2 {
            let mut variants: Vec<Variant> = Vec::new();
            for &(_, key, id) in &rows[i..j] {
                match variants.last_mut() {
                    Some(v) if v.key == key => v.members.push(id),
                    _ => variants.push(Variant {
                        key,
                        members: vec![id],
                    }),
                }
            }
            variants.sort_by_key(|v| (v.members[0], v.key));
            out.push(Bucket { hash, variants });
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(a: &str, b: &str) -> Option<Vec<String>> {
        let (x, y) = (skeleton(a), skeleton(b));
        x.differing_slots(&y).map(|v| {
            v.into_iter()
                .map(|i| format!("{}|{}", x.slots[i].key(), y.slots[i].key()))
                .collect()
        })
    }

    #[test]
    fn figures_drift() {
        assert_eq!(
            diff(
                "Officers must record the report within 24 hours.",
                "Officers must record the report within 48 hours."
            ),
            Some(vec!["q:AtMost:86400s|q:AtMost:172800s".to_string()])
        );
        assert_eq!(
            diff("The order lasts 12 months.", "The order lasts one year."),
            Some(vec![])
        );
        assert_eq!(
            diff("The order lasts 6 months.", "The order lasts 51 weeks."),
            Some(vec!["q:Exact:6mo|q:Exact:30844800s".to_string()])
        );
        assert_eq!(
            diff(
                "From 1 April 2024 the rule applies.",
                "From 1 April 2025 the rule applies."
            )
            .map(|v| v.len()),
            Some(1)
        );
        assert_eq!(
            diff("at least six months", "at most six months").map(|v| v.len()),
            Some(1)
        );
    }

    #[test]
    fn modal_negation_antonym_drift() {
        assert_eq!(
            diff(
                "Officers must record the crime.",
                "Officers should record the crime."
            )
            .map(|v| v.len()),
            Some(1)
        );
        assert_eq!(
            diff("The order is valid.", "The order is not valid.").map(|v| v.len()),
            Some(1)
        );
        assert_eq!(
            diff("The notice applies.", "The notice does not apply.").map(|v| v.len()),
            Some(1)
        );
        assert_eq!(
            diff("Officers must not enter.", "Officers mustn't enter."),
            Some(vec![])
        );
        assert_eq!(
            diff(
                "Record it before the interview.",
                "Record it after the interview."
            )
            .map(|v| v.len()),
            Some(1)
        );
        assert_eq!(
            diff("Arrest without a warrant.", "Arrest with a warrant.").map(|v| v.len()),
            Some(1)
        );
        assert_eq!(
            diff("Summary only offence.", "Indictable only offence.").map(|v| v.len()),
            Some(1)
        );
        assert_eq!(
            diff("A record is kept.", "The record is kept."),
            Some(vec![])
        );
    }

    #[test]
    fn near_misses_are_not_comparable() {
        // Different wording: different skeletons.
        assert_eq!(
            diff(
                "Officers must record the crime.",
                "Officers must report the crime."
            ),
            None
        );
        assert_eq!(
            diff(
                "Officers must record the crime.",
                "Supervisors must record the crime."
            ),
            None
        );
        // Swaps across antonym groups are not masked as one slot.
        assert_eq!(
            diff(
                "Record it before the interview.",
                "Record it without the interview."
            ),
            None
        );
        // Section numbers are words, not figures.
        assert_eq!(
            diff("An offence under section 2.", "An offence under section 4."),
            None
        );
        assert_eq!(diff("Under the Act 1997.", "Under the Act 1998."), None);
    }

    #[test]
    fn buckets_group_and_are_order_independent() {
        let texts = [
            "The order lasts 12 months from the date it is made.",
            "The order lasts one year from the date it is made.",
            "The order lasts 6 months from the date it is made.",
            "Something else entirely is said here.",
            "The order lasts twelve months from the date it is made.",
        ];
        let sk: Vec<Skeleton> = texts.iter().map(|t| skeleton(t)).collect();
        let a = buckets(sk.iter().enumerate().map(|(i, s)| (i as u32, s)), 3);
        let b = buckets(sk.iter().enumerate().rev().map(|(i, s)| (i as u32, s)), 3);
        assert_eq!(a, b);
        assert_eq!(a.len(), 1);
        let members: Vec<Vec<u32>> = a[0].variants.iter().map(|v| v.members.clone()).collect();
        assert_eq!(members, vec![vec![0, 1, 4], vec![2]]);
    }
}
