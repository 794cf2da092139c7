//! Text analysis shared by the contradiction checks (SPEC §6.2): sentence splitting, figures
//! (quantities and dates), the directive classifier, skeleton hashing and MinHash/LSH.
//!
//! Everything here works on plain sentence or paragraph text: the caller strips Markdown,
//! leaves out quoted legislation and attaches scope (jurisdiction, audience) and locations.
//! All functions are pure, never panic, return byte spans on char boundaries of their input,
//! and are deterministic: no std `RandomState` reaches an output (hashes are FNV-1a /
//! SplitMix64 with fixed seeds, see [`hash`]), and every collection that is returned is in
//! text order or sorted, so results do not depend on thread count or input order.
//!
//! Public API:
//! - [`sentences::split`]`(text) -> Vec<Range<usize>>`: trimmed sentence spans; survives
//!   "s.4A", "ss.", "para.", "e.g.", "No. 5", "v.", initials, decimals.
//! - [`quantities::extract`]`(text) -> Vec<Quantity>` and [`quantities::scan`]`(text) ->
//!   Figures { quantities, dates }`; [`Quantity`] has `span`, `value`, `max` (ranges), `unit`
//!   ([`Unit`]), `bound` ([`Bound`]) and `same_amount`, `same_figure`, `in_days`, `canonical`.
//! - [`dates::extract`]`(text) -> Vec<DateMention>` (`year`, `month`, `day` as stated).
//! - [`directives::classify`]`(sentence) -> Option<Directive>` and
//!   [`directives::classify_with`]`(sentence, &dyn Expander)`; [`Directive`] has `modal`
//!   ([`Modal`], with `Modal::conflicts` and `Modal::diverges`), `actor`, `role_subject`,
//!   `verb`, `action`, `conditions`, `modal_span`, `imperative`, `passive`, `question`;
//!   [`directives::normalise_action`] normalises a free phrase the same way.
//! - [`skeleton::skeleton`]`(sentence) -> Skeleton { hash, slots, words }` with
//!   `differing_slots` and `variant_key`; [`skeleton::buckets`] groups many by hash and slot
//!   values.
//! - [`minhash::MinHasher`] (`new(MinHashConfig)`, `signature`), [`minhash::LshIndex`]
//!   (`insert`, `candidate_pairs`), [`minhash::shingles`], [`minhash::jaccard`],
//!   [`minhash::jaccard_estimate`].
//! - [`stem::stem`]`(word) -> String` (Porter2) and [`stem::normalise`] (irregular forms
//!   first).
//! - [`analyse`]: classify + skeleton + signature of one sentence in one call (one
//!   tokenisation and figure scan shared by the three); [`analyse_sentence`]: classify +
//!   skeleton + figures + shingle word hashes, skipping the classifier for sentences with no
//!   directive cue ([`minhash::shingles_of_words`] turns the words into shingles).
//!
//! Dependency: `rust-stemmers = "1"` (Snowball Porter2 English). Stems are memoised per
//! thread (at most 50,000 words, then cleared); the memo is never iterated, so it cannot
//! affect outputs.

pub mod dates;
pub mod directives;
pub mod hash;
pub mod lexicon;
pub mod minhash;
pub mod quantities;
pub mod sentences;
pub mod skeleton;
pub mod stem;
pub mod tokens;

pub use dates::DateMention;
pub use directives::{Directive, Expander, Modal, NoExpansion};
pub use minhash::{LshIndex, MinHashConfig, MinHasher, Signature};
pub use quantities::{Bound, Figures, Quantity, Unit};
pub use skeleton::{Skeleton, Slot, SlotValue};

/// Everything the checks need from one sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct SentenceAnalysis {
    /// The directive, if the sentence is one.
    pub directive: Option<Directive>,
    /// The skeleton for numeric-drift candidates.
    pub skeleton: Skeleton,
    /// The MinHash signature for paraphrase candidates.
    pub signature: Signature,
}

/// One sentence analysed for the consistency checks in one tokenisation: the directive, the
/// skeleton, the figures, and the word hashes shingles are made of.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysed {
    pub directive: Option<Directive>,
    pub skeleton: Skeleton,
    pub figures: Figures,
    /// Hashes of the normalised content words (figures as one placeholder), in order: give
    /// them to [`minhash::shingles_of_words`] for this sentence's shingles, or join several
    /// sentences' words for a passage's.
    pub words: Vec<u64>,
}

/// Classifies, skeletonises and hashes the words of a sentence.
pub fn analyse_sentence(sentence: &str, expander: &dyn Expander) -> Analysed {
    let prep = quantities::Prepared::new(sentence);
    let skeleton = skeleton::skeleton_prepared(&prep);
    let words = minhash::shingle_words(&prep);
    let directive = if may_be_directive(&prep) {
        directives::classify_prepared(sentence, &prep, expander)
    } else {
        None
    };
    Analysed {
        directive,
        skeleton,
        words,
        figures: prep.figures,
    }
}

/// A cheap test that lets most descriptive sentences skip the classifier: true whenever the
/// classifier could find a directive (a superset of its triggers), so results do not change.
fn may_be_directive(prep: &quantities::Prepared<'_>) -> bool {
    const CUES: &[&str] = &[
        "always",
        "authorised",
        "authorized",
        "barred",
        "can",
        "duty",
        "empowered",
        "entitled",
        "expected",
        "forbidden",
        "may",
        "must",
        "need",
        "never",
        "obligated",
        "obliged",
        "ought",
        "permitted",
        "prohibited",
        "required",
        "shall",
        "should",
        "allowed",
    ];
    let mut at_start = true;
    let mut prev = "";
    for (t, l) in prep.toks.iter().zip(&prep.lw) {
        if t.kind == tokens::TokKind::Punct {
            // An imperative can start after a comma, a colon or an opening bracket.
            if matches!(t.punct(), Some(',' | ':' | ';' | '(' | '"' | '\u{201c}')) {
                at_start = true;
            }
            continue;
        }
        let w: &str = l;
        if CUES.contains(&w) || w.contains("n't") || w.contains("n\u{2019}t") || w == "cannot" {
            return true;
        }
        if (matches!(prev, "has" | "have") && matches!(w, "to" | "a"))
            || (matches!(prev, "do" | "does") && w == "not")
        {
            return true;
        }
        if at_start {
            if lexicon::is_imperative_verb(w) {
                return true;
            }
            at_start = lexicon::is_skippable_adverb(w) || matches!(w, "do" | "not");
        }
        prev = w;
    }
    false
}

/// Classifies, skeletonises and signs one sentence.
pub fn analyse(sentence: &str, expander: &dyn Expander, hasher: &MinHasher) -> SentenceAnalysis {
    // One tokenisation and figure scan shared by the three.
    let prep = quantities::Prepared::new(sentence);
    SentenceAnalysis {
        directive: directives::classify_prepared(sentence, &prep, expander),
        skeleton: skeleton::skeleton_prepared(&prep),
        signature: hasher.signature_prepared(&prep),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic generator of awkward strings: multibyte letters, quotes, dashes, emoji,
    /// other scripts' digits, legal abbreviations and number fragments.
    fn generated(n: usize) -> Vec<String> {
        const PARTS: &[&str] = &[
            "must",
            "not",
            "never",
            "Do not",
            "may",
            "can",
            "should",
            "need not",
            "is required to",
            "Officers",
            "officers",
            "you",
            "Record",
            "the",
            "a",
            "if",
            "unless",
            ",",
            ".",
            ". ",
            "? ",
            "! ",
            ";",
            ":",
            "(",
            ")",
            "[",
            "]",
            "s.",
            "ss.",
            "4A",
            "(3)",
            "para.",
            "e.g.",
            "No.",
            "v.",
            "twenty",
            "-",
            "eight",
            "six",
            "months",
            "months'",
            "year",
            "a fortnight",
            "48hrs",
            "£",
            "%",
            "1,000",
            "2.5",
            "2025",
            "-03-",
            "27",
            "/",
            "March",
            "May",
            "Act 1997",
            "at least",
            "up to",
            "between",
            "and",
            "to",
            "é",
            "É",
            "ß",
            "İ",
            "ﬁ",
            "’",
            "‘",
            "“",
            "”",
            "—",
            "–",
            "…",
            "😀",
            "١٢٣",
            "日本",
            "\u{0301}",
            "\u{200b}",
            "\n",
            "\n\n",
            "  ",
            "\t",
            "0",
            "00",
            "9",
            "level",
            "fine",
            "aged",
            "old",
            "half",
            "an",
            "hour",
            "once",
            "twice",
            "per",
            "cent",
            "section",
            "Part",
            "call",
            "999",
            "am",
            "10:30",
            "1st",
            "of",
            "standard scale",
            "'",
            "\"",
            "PINs",
            "SIO",
            "be",
            "kept",
            "who",
            "that",
            "where",
            "before",
            "after",
        ];
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            hash::mix64(state)
        };
        (0..n)
            .map(|_| {
                let len = (next() % 40) as usize;
                let mut s = String::new();
                for _ in 0..len {
                    let r = next();
                    if r % 7 == 0 {
                        // Any scalar value, including combining marks and other scripts.
                        s.extend(char::from_u32(((r >> 8) % 0x3_0000) as u32));
                        continue;
                    }
                    s.push_str(PARTS[(r % PARTS.len() as u64) as usize]);
                    if r & (1 << 40) != 0 {
                        s.push(' ');
                    }
                }
                s
            })
            .collect()
    }

    /// 6,000 strings by default; `WAYMARK_FUZZ=N` runs more.
    fn fuzz_count() -> usize {
        std::env::var("WAYMARK_FUZZ")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(6_000)
    }

    fn check_span(s: &str, r: &std::ops::Range<usize>) {
        assert!(r.start <= r.end && r.end <= s.len(), "{r:?} in {s:?}");
        assert!(
            s.is_char_boundary(r.start) && s.is_char_boundary(r.end),
            "{r:?} in {s:?}"
        );
    }

    #[test]
    fn never_panics_and_spans_are_char_boundaries() {
        let expander = |t: &str| {
            (t == "SIO" || t == "PIN").then(|| "senior investigating officer".to_string())
        };
        let hasher = MinHasher::new(MinHashConfig::default());
        let mut index = LshIndex::new(hasher.config());
        let mut skeletons = Vec::new();
        for (i, s) in generated(fuzz_count()).iter().enumerate() {
            for r in sentences::split(s) {
                check_span(s, &r);
            }
            let f = quantities::scan(s);
            f.quantities.iter().for_each(|q| check_span(s, &q.span));
            f.dates.iter().for_each(|d| check_span(s, &d.span));
            for q in &f.quantities {
                let _ = (q.canonical(), q.in_days(), q.same_amount(q));
            }
            let a = analyse(s, &expander, &hasher);
            if let Some(d) = &a.directive {
                check_span(s, &d.modal_span);
            }
            for slot in &a.skeleton.slots {
                if let Some(r) = &slot.span {
                    check_span(s, r);
                }
            }
            for t in tokens::tokenize(s) {
                check_span(s, &t.span());
                let _ = stem::stem(t.text);
            }
            let _ = directives::normalise_action(s, &expander);
            index.insert(i as u32, &a.signature);
            skeletons.push(a.skeleton);
        }
        let _ = index.candidate_pairs();
        let _ = skeleton::buckets(skeletons.iter().enumerate().map(|(i, s)| (i as u32, s)), 0);
    }

    #[test]
    fn the_directive_prefilter_never_hides_a_directive() {
        let mut texts = generated(fuzz_count());
        texts.extend(
            [
                "Record the crime.",
                "If the victim agrees, record the crime.",
                "Note: record the crime.",
                "Officers mustn't record the crime.",
                "Officers are under a duty to record the crime.",
                "Officers have to record the crime.",
                "Don't record the crime.",
                "Never record the crime.",
                "(Always) record the crime.",
                "Should the suspect fail to attend, arrest them.",
            ]
            .map(String::from),
        );
        for t in &texts {
            let a = analyse_sentence(t, &NoExpansion);
            assert_eq!(a.directive, directives::classify(t), "{t:?}");
        }
    }

    #[test]
    fn analysis_is_deterministic_across_threads() {
        let texts = generated(400);
        let hasher = MinHasher::new(MinHashConfig::default());
        let single: Vec<SentenceAnalysis> = texts
            .iter()
            .map(|t| analyse(t, &NoExpansion, &hasher))
            .collect();
        let halves: Vec<SentenceAnalysis> = std::thread::scope(|scope| {
            let (a, b) = texts.split_at(texts.len() / 2);
            let ha = scope.spawn(|| {
                a.iter()
                    .map(|t| analyse(t, &NoExpansion, &hasher))
                    .collect::<Vec<_>>()
            });
            let hb = scope.spawn(|| {
                b.iter()
                    .map(|t| analyse(t, &NoExpansion, &hasher))
                    .collect::<Vec<_>>()
            });
            let mut v = ha.join().unwrap_or_default();
            v.extend(hb.join().unwrap_or_default());
            v
        });
        assert_eq!(single, halves);
    }
}
