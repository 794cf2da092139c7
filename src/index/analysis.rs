//! Text analysis shared by the index (build) and the query side (search): the tantivy
//! analyzers, the stop words questions are stripped of, legal citation normalisation (through
//! the one citation recogniser in `parse::citations`) and glossary synonym expansion.
//!
//! What the query side needs from the site (the act table the recogniser resolves names with,
//! the glossary's synonym groups) is persisted beside the index as [`Tables`], so searching
//! needs only the built folder.

use crate::graph::Site;
use crate::model::Legislation;
use crate::parse::citations::{ActTable, Citation, parse_provision};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer, TokenizerManager,
    WhitespaceTokenizer,
};

/// Prose fields: words lower-cased, folded to ASCII and stemmed (English).
pub const TEXT: &str = "waymark_text";
/// Whole words, lower-cased and folded, not stemmed: the vocabulary typos are corrected against.
pub const WORDS: &str = "waymark_words";
/// Citation tokens (`s4a`, `pha1997s4a`), already normalised: split on spaces only.
pub const CITES: &str = "waymark_cites";

/// Longest token kept; longer ones are noise (hashes, long URLs).
const MAX_TOKEN_LEN: usize = 40;

pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// [`text_analyzer`] for indexing: the same stems, each word stemmed once per segment and then
/// remembered, since a site uses a few thousand distinct words millions of times.
pub fn indexing_text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(RememberedStems)
        .build()
}

/// Most words [`RememberedStems`] keeps; past it, it starts afresh (memory stays bounded on
/// text with unbounded vocabulary: numbers, codes).
const REMEMBERED_WORDS: usize = 50_000;

#[derive(Clone)]
struct RememberedStems;

impl TokenFilter for RememberedStems {
    type Tokenizer<T: Tokenizer> = RememberedStemsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> RememberedStemsFilter<T> {
        RememberedStemsFilter {
            tokenizer,
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
            stems: HashMap::new(),
        }
    }
}

#[derive(Clone)]
struct RememberedStemsFilter<T> {
    tokenizer: T,
    /// tantivy's own stemmer, on one word at a time, so stems are exactly the query side's.
    stemmer: TextAnalyzer,
    stems: HashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for RememberedStemsFilter<T> {
    type TokenStream<'a> = RememberedStemsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RememberedStemsStream {
            tail: self.tokenizer.token_stream(text),
            stemmer: &mut self.stemmer,
            stems: &mut self.stems,
        }
    }
}

struct RememberedStemsStream<'a, T> {
    tail: T,
    stemmer: &'a mut TextAnalyzer,
    stems: &'a mut HashMap<String, String>,
}

impl<T: TokenStream> TokenStream for RememberedStemsStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        match self.stems.get(&token.text) {
            Some(stem) => {
                token.text.clear();
                token.text.push_str(stem);
            }
            None => {
                let mut ts = self.stemmer.token_stream(&token.text);
                let stem = if ts.advance() {
                    ts.token().text.clone()
                } else {
                    token.text.clone()
                };
                drop(ts);
                if self.stems.len() >= REMEMBERED_WORDS {
                    self.stems.clear();
                }
                self.stems
                    .insert(std::mem::replace(&mut token.text, stem.clone()), stem);
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

pub fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn cites_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WhitespaceTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// The prose analyzer for marking `stems` in a snippet: it stems only words that share their
/// first three letters with one of them, since any other word cannot stem to it. Stemming a
/// whole section to mark a few words would cost more than the search itself.
pub fn snippet_analyzer(stems: &[String]) -> TextAnalyzer {
    let mut gate: Vec<Vec<u8>> = stems
        .iter()
        .map(|s| s.as_bytes()[..s.len().min(3)].to_vec())
        .collect();
    gate.sort();
    gate.dedup();
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StemSome {
            gate: Arc::new(gate),
        })
        .build()
}

#[derive(Clone)]
struct StemSome {
    gate: Arc<Vec<Vec<u8>>>,
}

impl TokenFilter for StemSome {
    type Tokenizer<T: Tokenizer> = StemSomeFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StemSomeFilter<T> {
        StemSomeFilter {
            tokenizer,
            gate: self.gate,
            stemmer: text_analyzer(),
        }
    }
}

#[derive(Clone)]
struct StemSomeFilter<T> {
    tokenizer: T,
    gate: Arc<Vec<Vec<u8>>>,
    /// The index's own analyzer, run on single words, so stems agree with the index.
    stemmer: TextAnalyzer,
}

impl<T: Tokenizer> Tokenizer for StemSomeFilter<T> {
    type TokenStream<'a> = StemSomeStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemSomeStream {
            tail: self.tokenizer.token_stream(text),
            gate: &self.gate,
            stemmer: &mut self.stemmer,
        }
    }
}

struct StemSomeStream<'a, T> {
    tail: T,
    gate: &'a [Vec<u8>],
    stemmer: &'a mut TextAnalyzer,
}

impl<T: TokenStream> TokenStream for StemSomeStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let head = &token.text.as_bytes()[..token.text.len().min(3)];
        if self.gate.iter().any(|g| g.as_slice() == head) {
            let word = std::mem::take(&mut token.text);
            let mut ts = self.stemmer.token_stream(&word);
            token.text = if ts.advance() {
                ts.token().text.clone()
            } else {
                word.clone()
            };
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Registers the analyzers for searching.
pub fn register(tokenizers: &TokenizerManager) {
    tokenizers.register(TEXT, text_analyzer());
    tokenizers.register(WORDS, words_analyzer());
    tokenizers.register(CITES, cites_analyzer());
}

/// Registers the analyzers for indexing: the same tokens as [`register`]'s.
pub fn register_for_indexing(tokenizers: &TokenizerManager) {
    tokenizers.register(TEXT, indexing_text_analyzer());
    tokenizers.register(WORDS, words_analyzer());
    tokenizers.register(CITES, cites_analyzer());
}

/// One analysed word of a query: where it was, as typed (folded) and stemmed.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub offset: std::ops::Range<usize>,
    pub word: String,
    pub stem: String,
}

/// Words of `text`, each with its stem, in order.
pub fn words(text: &str) -> Vec<Word> {
    let mut plain = words_analyzer();
    let mut stemmer = text_analyzer();
    let mut out = Vec::new();
    let mut ts = plain.token_stream(text);
    while ts.advance() {
        let t = ts.token();
        out.push(Word {
            offset: t.offset_from..t.offset_to,
            word: t.text.clone(),
            stem: String::new(),
        });
    }
    drop(ts);
    for w in &mut out {
        // The stemmer sees the same single word the index saw in context.
        let mut s = stemmer.token_stream(&w.word);
        w.stem = if s.advance() {
            s.token().text.clone()
        } else {
            w.word.clone()
        };
    }
    out
}

/// Stems of a phrase, in order.
pub fn stems(text: &str) -> Vec<String> {
    let mut a = text_analyzer();
    let mut ts = a.token_stream(text);
    let mut out = Vec::new();
    while ts.advance() {
        out.push(ts.token().text.clone());
    }
    out
}

/// Words a question carries that say nothing about what is asked ("how long does an SPO
/// last" asks about "long", "SPO" and "last"), with contractions typed with or without the
/// apostrophe ("doesn't" is read as "doesn" and "t"). Dropped from queries, never from the
/// index, so quoted phrases still match them.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "aren", "arent", "as",
    "at", "be", "been", "being", "but", "by", "can", "cant", "could", "couldn", "couldnt", "did",
    "didn", "didnt", "do", "does", "doesn", "doesnt", "doing", "don", "done", "dont", "for",
    "from", "get", "got", "had", "has", "hasn", "hasnt", "have", "haven", "havent", "having", "he",
    "her", "his", "how", "i", "if", "im", "in", "into", "is", "isn", "isnt", "it", "its", "ive",
    "me", "my", "of", "on", "or", "our", "she", "should", "shouldn", "shouldnt", "so", "some",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "us",
    "was", "wasn", "wasnt", "we", "were", "weren", "werent", "what", "whats", "when", "where",
    "which", "who", "whom", "why", "will", "with", "won", "wont", "would", "wouldn", "wouldnt",
    "you", "your",
];

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// A bare section number typed without a keyword ("2A", "4a"): digits then one to three
/// letters, not an ordinal ("3rd"). Plain numbers are left alone: "12" is as often months as
/// a section.
pub fn bare_section(word: &str) -> Option<String> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let letters = &word[digits..];
    ((1..=4).contains(&digits)
        && (1..=3).contains(&letters.len())
        && letters.bytes().all(|b| b.is_ascii_lowercase())
        && !["st", "nd", "rd", "th"].contains(&letters))
    .then(|| format!("s{word}"))
}

/// Citation tokens of a legal summary's own provision (`legislation:` front matter): the
/// section token, act + section, and the act; only the act for a summary of a whole act.
pub fn provision_tokens(acts: &ActTable, l: &Legislation) -> Vec<String> {
    if l.act.trim().is_empty() {
        return Vec::new();
    }
    let (section, subsections) = match l.provision.as_deref().and_then(parse_provision) {
        Some((s, subs)) => (Some(s), subs),
        None => (None, Vec::new()),
    };
    Citation {
        span: 0..0,
        act: Some(l.act.clone()),
        known_act: true,
        act_from_context: false,
        section,
        subsections,
        ambiguous: false,
    }
    .search_tokens(acts)
}

/// What the query side needs from the site, saved beside the index.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Tables {
    /// Acts the citation recogniser knows: full name and short names, in declaration order
    /// (the order decides which act keeps a contested short name).
    pub acts: Vec<(String, Vec<String>)>,
    /// Groups of equivalent phrases from the glossary: term, abbreviation, synonyms and the
    /// deprecated variants officers may still type.
    pub synonyms: Vec<Vec<String>>,
}

impl Tables {
    pub fn from_site(site: &Site) -> Tables {
        // The same order `graph::act_table` adds them in.
        let mut acts = Vec::new();
        for p in &site.pages {
            if let Some(l) = &p.fm.legal.legislation
                && !l.act.is_empty()
            {
                acts.push((l.act.clone(), l.short.clone()));
            }
        }
        acts.extend(site.config.acts.iter().cloned());
        let mut synonyms = Vec::new();
        for g in &site.glossary {
            let mut group: Vec<String> = Vec::new();
            let candidates = std::iter::once(&g.term)
                .chain(g.abbreviation.iter())
                .chain(g.synonyms.iter())
                .chain(g.deprecated.iter().map(|d| &d.variant));
            for c in candidates {
                let c = c.trim();
                if !c.is_empty() && !group.iter().any(|x| x.eq_ignore_ascii_case(c)) {
                    group.push(c.to_string());
                }
            }
            if group.len() > 1 {
                synonyms.push(group);
            }
        }
        Tables { acts, synonyms }
    }

    pub fn act_table(&self) -> ActTable {
        let mut t = ActTable::new();
        for (name, short) in &self.acts {
            t.add(name, short);
        }
        t
    }
}

/// Glossary synonym groups compiled for matching against a query's stems.
#[derive(Debug, Default)]
pub struct Synonyms {
    /// Group -> its members as stem sequences.
    pub groups: Vec<Vec<Vec<String>>>,
    /// First stem -> (group, member).
    by_first: HashMap<String, Vec<(usize, usize)>>,
}

/// A run of query words that is one member of a synonym group.
#[derive(Debug, Clone, PartialEq)]
pub struct SynonymMatch {
    /// Index of the first word and number of words.
    pub start: usize,
    pub len: usize,
    pub group: usize,
}

impl Synonyms {
    pub fn compile(groups: &[Vec<String>]) -> Synonyms {
        let mut s = Synonyms::default();
        for g in groups {
            let members: Vec<Vec<String>> = g
                .iter()
                .map(|m| stems(m))
                .filter(|m| !m.is_empty())
                .collect();
            if members.len() < 2 {
                continue;
            }
            let gi = s.groups.len();
            for (mi, m) in members.iter().enumerate() {
                s.by_first.entry(m[0].clone()).or_default().push((gi, mi));
            }
            s.groups.push(members);
        }
        s
    }

    /// Non-overlapping matches, longest first at each position, left to right.
    pub fn find(&self, stems: &[&str]) -> Vec<SynonymMatch> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < stems.len() {
            let mut best: Option<SynonymMatch> = None;
            if let Some(cands) = self.by_first.get(stems[i]) {
                for &(g, m) in cands {
                    let member = &self.groups[g][m];
                    let len = member.len();
                    if i + len <= stems.len()
                        && member.iter().zip(&stems[i..i + len]).all(|(a, b)| a == b)
                        && best.as_ref().is_none_or(|b| len > b.len)
                    {
                        best = Some(SynonymMatch {
                            start: i,
                            len,
                            group: g,
                        });
                    }
                }
            }
            match best {
                Some(b) => {
                    i += b.len;
                    out.push(b);
                }
                None => i += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
        assert!(is_stop_word("how") && is_stop_word("does") && !is_stop_word("spo"));
    }

    #[test]
    fn text_is_folded_lowercased_and_stemmed() {
        assert_eq!(
            stems("Stalking Protection Orders"),
            ["stalk", "protect", "order"]
        );
        assert_eq!(stems("Harassment café"), ["harass", "cafe"]);
        let w = words("Coercive BEHAVIOUR");
        assert_eq!(w[0].word, "coercive");
        assert_eq!(w[1].word, "behaviour");
        assert_eq!(w[1].stem, "behaviour");
        assert_eq!(w[0].offset, 0..8);
    }

    #[test]
    fn indexing_analyzer_gives_the_search_analyzers_tokens() {
        let text = "Stalking orders; the ORDERS were ordered. Café harassment, harassing: \
                    stalking again, s4A and 2,000 victims' statements";
        let tokens = |mut a: TextAnalyzer| {
            let mut out = Vec::new();
            // Twice through one analyzer: the second pass reads remembered stems.
            for _ in 0..2 {
                let mut ts = a.token_stream(text);
                while ts.advance() {
                    let t = ts.token();
                    out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
                }
            }
            out
        };
        assert_eq!(tokens(indexing_text_analyzer()), tokens(text_analyzer()));
    }

    #[test]
    fn snippet_analyzer_stems_only_what_it_may_mark() {
        let mut a = snippet_analyzer(&["stalk".to_string(), "order".to_string()]);
        let mut ts = a.token_stream("Stalking orders were ordered by courts");
        let mut got = Vec::new();
        while ts.advance() {
            got.push(ts.token().text.clone());
        }
        // "courts" would stem to "court", but nothing marked starts with "cou".
        assert_eq!(got, ["stalk", "order", "were", "order", "by", "courts"]);
    }

    #[test]
    fn bare_sections() {
        assert_eq!(bare_section("4a").as_deref(), Some("s4a"));
        assert_eq!(bare_section("2zb").as_deref(), Some("s2zb"));
        assert_eq!(bare_section("12"), None);
        assert_eq!(bare_section("a4"), None);
        assert_eq!(bare_section("3rd"), None);
        assert_eq!(bare_section("21st"), None);
        assert_eq!(bare_section("4abcd"), None);
    }

    #[test]
    fn synonyms_match_longest_member() {
        let s = Synonyms::compile(&[
            vec!["stalking protection order".into(), "SPO".into()],
            vec![
                "controlling or coercive behaviour".into(),
                "CCB".into(),
                "coercive control".into(),
            ],
        ]);
        let q = stems("breach of stalking protection orders and coercive control");
        let q: Vec<&str> = q.iter().map(String::as_str).collect();
        let m = s.find(&q);
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].start, m[0].len, m[0].group), (2, 3, 0));
        assert_eq!((m[1].start, m[1].len, m[1].group), (6, 2, 1));
        let q = stems("spo");
        assert_eq!(s.find(&[q[0].as_str()])[0].group, 0);
    }
}
