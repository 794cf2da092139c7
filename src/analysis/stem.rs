//! English stemming (Snowball Porter2 via `rust-stemmers`) and word normalisation for actions.
//!
//! Stems let "records", "recorded" and "recording" meet; a short irregular-verb table lets
//! "made" meet "make" and "kept" meet "keep", which Porter2 alone does not do.

use rust_stemmers::{Algorithm, Stemmer};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// Entries kept per thread before the memo is cleared; bounds memory on huge vocabularies.
const MEMO_LIMIT: usize = 50_000;

/// FNV-1a as a `std::hash::Hasher` for the memo: faster than SipHash on short words, and
/// fixed, though only lookups use it.
#[derive(Default)]
struct FnvHasher(super::hash::Fnv);

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0.finish()
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
    }
}

type Memo = HashMap<Box<str>, Box<str>, std::hash::BuildHasherDefault<FnvHasher>>;

thread_local! {
    // Only a memo: lookups never iterate, so the map's order cannot reach an output.
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// Calls `f` with the Porter2 stem of a word, lower-cased, without allocating when the word
/// was seen before on this thread. Words that are not plain ASCII letters (with apostrophes)
/// are passed lower-cased but unstemmed: the English stemmer has nothing to say about them,
/// and this keeps odd input away from it.
pub fn with_stem<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    let lower = super::tokens::lower(word);
    let w: &str = &lower;
    if w.len() <= 2 || w.len() > 40 || !w.bytes().all(|b| b.is_ascii_lowercase() || b == b'\'') {
        return f(w);
    }
    MEMO.with(|m| {
        if let Some(s) = m.borrow().get(w) {
            return f(s);
        }
        let s: Box<str> = stemmer().stem(w).into();
        let mut m = m.borrow_mut();
        if m.len() >= MEMO_LIMIT {
            m.clear();
        }
        let r = f(&s);
        m.insert(w.into(), s);
        r
    })
}

/// Porter2 stem of a word, lower-cased (see [`with_stem`]).
pub fn stem(word: &str) -> String {
    with_stem(word, str::to_string)
}

/// Base form of an irregular past tense or participle ("made" → "make"), if listed.
pub fn irregular_base(word: &str) -> Option<&'static str> {
    Some(match word {
        "made" => "make",
        "kept" => "keep",
        "given" | "gave" => "give",
        "taken" | "took" => "take",
        "done" | "did" => "do",
        "seen" | "saw" => "see",
        "told" => "tell",
        "sent" => "send",
        "held" => "hold",
        "sought" => "seek",
        "brought" => "bring",
        "bought" => "buy",
        "found" => "find",
        "left" => "leave",
        "shown" => "show",
        "known" | "knew" => "know",
        "paid" => "pay",
        "met" => "meet",
        "written" | "wrote" => "write",
        "got" | "gotten" => "get",
        "understood" => "understand",
        "undertaken" | "undertook" => "undertake",
        "withdrawn" | "withdrew" => "withdraw",
        "drawn" | "drew" => "draw",
        "driven" | "drove" => "drive",
        "spoken" | "spoke" => "speak",
        "chosen" | "chose" => "choose",
        "broken" | "broke" => "break",
        "stolen" | "stole" => "steal",
        "forgotten" | "forgot" => "forget",
        "hidden" | "hid" => "hide",
        "said" => "say",
        "heard" => "hear",
        "caught" => "catch",
        "taught" => "teach",
        "thought" => "think",
        "led" => "lead",
        "fed" => "feed",
        "built" => "build",
        "lent" => "lend",
        "spent" => "spend",
        "struck" => "strike",
        "begun" | "began" => "begin",
        "won" => "win",
        "worn" | "wore" => "wear",
        "torn" | "tore" => "tear",
        "sworn" | "swore" => "swear",
        "borne" | "bore" => "bear",
        "arisen" | "arose" => "arise",
        "been" | "was" | "were" | "is" | "are" | "am" => "be",
        "has" | "had" => "have",
        "ran" => "run",
        "came" => "come",
        "went" | "gone" => "go",
        "dealt" => "deal",
        "felt" => "feel",
        "meant" => "mean",
        "sold" => "sell",
        "stood" => "stand",
        "withheld" => "withhold",
        "overseen" | "oversaw" => "oversee",
        "forbidden" | "forbade" => "forbid",
        _ => return None,
    })
}

/// Normalised form used in actions and conditions: irregular forms mapped to their base,
/// then stemmed.
pub fn normalise(word: &str) -> String {
    let lower = super::tokens::lower(word);
    match irregular_base(&lower) {
        Some(base) => stem(base),
        None => stem(&lower),
    }
}

/// Whether a lower-case word looks like a past participle (for passive "must be recorded").
pub fn looks_like_participle(word: &str) -> bool {
    if irregular_base(word).is_some()
        && !matches!(word, "is" | "are" | "am" | "was" | "were" | "has" | "had")
    {
        return true;
    }
    let n = word.len();
    n > 4
        && word.is_ascii()
        && (word.ends_with("ed")
            || (word.ends_with("en")
                && !matches!(
                    word,
                    "often" | "citizen" | "women" | "children" | "open" | "even"
                )))
        && !matches!(
            word,
            "need"
                | "speed"
                | "feed"
                | "seed"
                | "breed"
                | "indeed"
                | "exceed"
                | "proceed"
                | "succeed"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_inflections_together() {
        assert_eq!(stem("records"), stem("recorded"));
        assert_eq!(stem("recording"), stem("record"));
        assert_eq!(stem("Officers"), "offic");
        assert_eq!(stem("applies"), stem("apply"));
    }

    #[test]
    fn irregulars_meet_their_base() {
        assert_eq!(normalise("made"), normalise("make"));
        assert_eq!(normalise("kept"), normalise("keeps"));
    }

    #[test]
    fn odd_input_is_left_alone() {
        assert_eq!(stem("café"), "café");
        assert_eq!(stem(""), "");
        assert_eq!(stem("ÉCOLE"), "école");
        let long = "a".repeat(100);
        assert_eq!(stem(&long), long);
    }

    #[test]
    fn participles() {
        assert!(looks_like_participle("recorded"));
        assert!(looks_like_participle("kept"));
        assert!(!looks_like_participle("need"));
        assert!(!looks_like_participle("often"));
        assert!(!looks_like_participle("is"));
    }
}
