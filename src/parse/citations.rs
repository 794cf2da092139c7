//! Legal citation recogniser, shared by linking, the contradiction checks and search indexing.
//!
//! One recogniser, so that a citation the link stage finds is the same citation the checks
//! compare and the search index normalises (SPEC §4, §6.2, §7). It finds citations of
//! legislation in prose and returns them with byte spans; it does not resolve them to pages.
//!
//! # How it works
//!
//! A hand-rolled scanner, linear in the text: the text is split into blocks at blank lines
//! (citations never cross a paragraph break), each block into word and punctuation tokens, and a
//! small recursive-descent grammar runs over the tokens with bounded look-ahead. No regex: the
//! grammar needs context (the act cited last, the table of known acts) that a regex cannot hold,
//! and a token scanner is both simpler to reason about and faster.
//!
//! # Grammar decisions (where prose is ambiguous)
//!
//! - **Section keywords**: `section(s)`, `s`, `ss`, `sec(s)`, `sect(s)`, any case, with an
//!   optional dot (`s.4A`, `s. 4A`, `sect 4A`), fused (`s4A`, `S4A`, `ss2`), and `subsection(s)`
//!   (`subsection (3) of section 2A`). A lone `s` directly after an apostrophe (`officer’s 3
//!   reports`) is a possessive, never a keyword.
//! - **Section numbers** are 1–4 digits with up to three letters (`4A`, `127`, `2ZA`); letters are
//!   upper-cased. Ordinals (`3rd`), decimals (`section 4.2` of a document), thousands (`1,000`),
//!   percentages and file names (`s4a.md`) are not section numbers.
//! - **Subsections** are parenthesised groups glued to the number (`2A(3)(b)`); a group after
//!   `and`/`or`/`,`/a dash (`s.127(2)(a)–(b)`, `s.1(1)(a)(ii) and (iii)`) replaces the same number of
//!   trailing levels of the previous provision and is a citation of its own.
//! - **Lists and ranges**: `ss.2, 2A and 4`, `sections 2 and 2A`, `s.2/2A`, `s.2 and s.2A`,
//!   `ss.359–364`. Every listed provision is emitted; a range emits its first and last ends only
//!   (numbers in between may not exist: `2`, `2A`, `2B`, `3`). After a singular keyword a bare
//!   number continues the list only with `and`/`or`/a dash/`to`, and only if it has a letter or
//!   subsection or is not followed by a plain lower-case word (`s.4 and 5 officers` is one
//!   citation). Each list item gets its own, disjoint span: the first from the keyword (or the act
//!   written before it), the last to the end of the act written after it.
//! - **The act**: written after (`of the PHA 1997`, `PHA 1997`, `of the Act`) or before
//!   (`PHA 1997, s 4A`, `PHA s 4A`, `Sentencing Act 2020 ss.359–364`). An act after the list wins;
//!   an act before it is then reported on its own as a whole-act citation.
//! - **Known acts** (the [`ActTable`]) match in any case when they carry a year or are attached to
//!   a section (`pha s4a` in a search query); on their own, a year-less name matches only as
//!   declared (`PHA`, not `pha`), so short names that are ordinary words stay words.
//!   A full name with a year is also known without it (`the Protection from Harassment Act`).
//! - **Unknown acts**: `<Capitalised Words> Act <year>`, with lower-case `and`, `of`, `for`,
//!   `from`, `to`, `against`, `the` (only after `of`/`against`/`for`), possessive apostrophes,
//!   hyphens and a parenthesised capitalised group (`Domestic Abuse (Scotland) Act 2018`). A name
//!   never starts with a sentence word (`Under`, `The`, `See`, ...), and in title case it starts
//!   after the last one (`Offences Under The Protection From Harassment Act 1997` cites the
//!   PHA; `Offences Against The Person Act 1861` keeps its "The"). Without a year a name counts
//!   only after `section N of [the]`. An acronym with a year (`CJA 2003`) counts only attached to
//!   a section (alone it may be `SI 2020`). A bare unknown acronym counts only where nothing else
//!   fits: after `section N of [the]` unless a document noun follows (`of the CPS guidance`),
//!   straight before a section keyword (`MCA s.1(1)(a)`), or straight after a section at the end
//!   of a clause (`s.1 MCA.`); otherwise a bare section after it would take a wrong act from
//!   context. Commas inside an unknown name are followed only straight after `the` (or at the
//!   start of the text) and only before any connector (`the Police, Crime, Sentencing and Courts
//!   Act 2022`), so `In England and Wales, Police and Criminal Evidence Act 1984` keeps the place
//!   out; `Domestic Violence, Crime and Victims Act 2004` without `the` needs the table (else it
//!   is read as `Crime and Victims Act 2004`).
//! - **Capital `S`**: `S4A`, `S.4`, `S 4A(1)` count; a capital `S` with no dot and a plain number
//!   (`Room S4`, `Form S 1`) counts only with an act written beside it (`S4 PHA`), since it is as
//!   often a room, form or reference code. A year after a slash (`S12/2024`) ends a list.
//! - **Context**: a section with no act written takes the act cited last on the page
//!   (`act_from_context`), else it is `ambiguous`. It is also reported ambiguous, never attached
//!   to the page's act, when followed by `below`/`above` or by `of` + something that is not an
//!   act (`section 3 of this guidance`).
//! - **`the Act`, `this Act`, `that Act`, `the 1997 Act`** resolve to the act cited last (or the
//!   one cited on the page with that year, which then becomes the last), with `act_from_context`
//!   set. On their own they are whole-act citations only when they resolve, so a page that never
//!   names an act gets nothing from them; after a section (`section 7 of the Act`) with nothing
//!   to resolve to, the section is `ambiguous`. Lower-case `the act` is never a citation, nor is
//!   `the Act of ...`.
//! - An act's short name in brackets straight after the same act (`Stalking Protection Act 2019
//!   (SPA)`) is the abbreviation being introduced and is not reported again.
//! - **Links**: URLs, e-mail addresses, paths (`@/legislation/pha-1997/s4a.md`, `../x/y`),
//!   anchors (`#s4a`) and wiki-link targets (`[[legislation/pha-1997/s4a|...]]`) are skipped.
//!   `s.2/2A` is a list, so a single slash between words is not a path; two or more are. An act
//!   name or a section keyword glued to a slash (`legislation/pha-1997`) is part of an id.

//!
//! # Spans and performance
//!
//! Spans are byte ranges into the text given to [`CitationScanner::scan`], always on char
//! boundaries; the citations of one call are in text order and never overlap. Scanning is linear
//! in the text (every look-ahead is bounded) and never panics on any input. Measured with the
//! ignored test `bench_10mb` (`cargo test --release -- --ignored --nocapture bench_10mb`): 10 MB
//! of citation-dense guidance prose (about 157,000 citations) in about 0.25 s on one core.

use std::collections::HashMap;
use std::ops::Range;

// ---------------------------------------------------------------------------------------------
// Act table
// ---------------------------------------------------------------------------------------------

/// Acts the recogniser knows by name, from legal summaries' `legislation.act` / `short` and
/// site.yaml `acts`.
#[derive(Debug, Clone)]
pub struct ActTable {
    /// Canonical (full) names; an act's id is its index here.
    names: Vec<String>,
    /// Every way of writing a known act, for matching in running text.
    entries: Vec<NameEntry>,
    /// Lower-cased first word of a name -> indexes into `entries`, so matching costs one hash
    /// look-up per word of prose.
    by_first: HashMap<String, Vec<usize>>,
    /// Normalised key (lower-case words, single spaces, no leading "the") -> act id.
    keys: HashMap<String, usize>,
    /// ASCII first letters (lower-cased) of any name: most prose words skip the hash look-up.
    first_ascii: [bool; 128],
}

#[derive(Debug, Clone)]
struct NameEntry {
    lower: Vec<String>,
    orig: Vec<String>,
    act: usize,
    has_year: bool,
}

impl Default for ActTable {
    fn default() -> Self {
        Self {
            names: Vec::new(),
            entries: Vec::new(),
            by_first: HashMap::new(),
            keys: HashMap::new(),
            first_ascii: [false; 128],
        }
    }
}

impl ActTable {
    /// An empty table; the general grammar still finds unknown acts.
    pub fn new() -> Self {
        Self::default()
    }

    /// `full_name` e.g. "Protection from Harassment Act 1997"; `short_names` e.g. ["PHA 1997", "PHA"].
    ///
    /// Adding the same full name again merges the short names. A short name already taken by
    /// another act keeps its first owner, so the order of declaration decides, deterministically.
    pub fn add(&mut self, full_name: &str, short_names: &[String]) {
        let words = name_words(full_name);
        if words.is_empty() {
            return;
        }
        let key = words_key(&words);
        let act = match self.keys.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.names.len();
                self.names.push(collapse_ws(full_name.trim()));
                self.keys.insert(key, id);
                self.push_entry(&words, id);
                // "the Protection from Harassment Act" (no year) is not ambiguous: know it too.
                if words.len() > 2 && is_year(words[words.len() - 1]) {
                    let bare = &words[..words.len() - 1];
                    if let std::collections::hash_map::Entry::Vacant(v) =
                        self.keys.entry(words_key(bare))
                    {
                        v.insert(id);
                        self.push_entry(bare, id);
                    }
                }
                id
            }
        };
        for short in short_names {
            let w = name_words(short);
            if w.is_empty() {
                continue;
            }
            let k = words_key(&w);
            if self.keys.contains_key(&k) {
                continue;
            }
            self.keys.insert(k, act);
            self.push_entry(&w, act);
        }
    }

    /// Canonical key for an act name as written (full or short, any case, "the" dropped):
    /// Some(full name) if known.
    pub fn canonical(&self, name: &str) -> Option<&str> {
        let words = name_words(name);
        if words.is_empty() {
            return None;
        }
        if let Some(&id) = self.keys.get(&words_key(&words)) {
            return Some(&self.names[id]);
        }
        // "PHA 1997" where only "PHA" was declared: accept when the year agrees.
        let (last, rest) = words.split_last()?;
        if is_year(last) && !rest.is_empty() {
            let id = *self.keys.get(&words_key(rest))?;
            let name = &self.names[id];
            if year_of(name).is_none_or(|y| y == *last) {
                return Some(name);
            }
        }
        None
    }

    /// Number of acts known.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when no act is known.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    fn push_entry(&mut self, words: &[&str], act: usize) {
        let idx = self.entries.len();
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        if let Some(&b) = lower[0].as_bytes().first()
            && b < 0x80
        {
            self.first_ascii[usize::from(b)] = true;
        }
        self.by_first.entry(lower[0].clone()).or_default().push(idx);
        self.entries.push(NameEntry {
            has_year: words.last().is_some_and(|w| is_year(w)),
            orig: words.iter().map(|w| (*w).to_string()).collect(),
            lower,
            act,
        });
    }
}

/// Alphanumeric runs of a name, without a leading "the".
fn name_words(s: &str) -> Vec<&str> {
    let mut w: Vec<&str> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if w.first().is_some_and(|f| f.eq_ignore_ascii_case("the")) {
        w.remove(0);
    }
    w
}

fn words_key(words: &[&str]) -> String {
    let mut k = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            k.push(' ');
        }
        k.extend(w.chars().flat_map(char::to_lowercase));
    }
    k
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_year(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() == 4 && (b[0] == b'1' || b[0] == b'2') && b.iter().all(u8::is_ascii_digit)
}

/// The year an act name ends with, if any.
fn year_of(name: &str) -> Option<&str> {
    name.rsplit(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .filter(|w| is_year(w))
}

/// Search key for an act name: the initial of each capitalised word, the capitals of an
/// acronym ("PHA" -> "pha", "PoFA" -> "pfa"), digits whole, lower-case connectors dropped, ASCII
/// only. "Protection from Harassment Act 1997" and "PHA 1997" both give "pha1997"; "Criminal
/// Justice and Police Act 2001" gives "cjpa2001". The year keeps acts with the same initials
/// apart.
pub fn act_search_key(name: &str) -> String {
    let mut key = String::new();
    for w in name_words(name) {
        let Some(first) = w.chars().next() else {
            continue;
        };
        if w.bytes().all(|c| c.is_ascii_digit()) {
            key.push_str(w);
        } else if w.chars().filter(|c| c.is_uppercase()).count() >= 2 {
            key.extend(
                w.chars()
                    .filter(|c| c.is_uppercase())
                    .flat_map(char::to_lowercase),
            );
        } else if first.is_uppercase() {
            key.extend(first.to_lowercase());
        }
    }
    key.retain(|c| c.is_ascii_alphanumeric());
    key
}

// ---------------------------------------------------------------------------------------------
// Citations
// ---------------------------------------------------------------------------------------------

/// One citation of legislation found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// Bytes of the whole citation in the scanned text (always on char boundaries).
    pub span: Range<usize>,
    /// Canonical full act name if the act is known; otherwise the act name as written
    /// (whitespace collapsed). None only when `ambiguous`.
    pub act: Option<String>,
    /// Act found in the ActTable.
    pub known_act: bool,
    /// Act not written in this citation, taken from the last act cited earlier.
    pub act_from_context: bool,
    /// Normalised: "4A", "127", "2A"; None for a citation of a whole act.
    pub section: Option<String>,
    /// "s.2A(3)(b)" -> ["3", "b"]; "s.1(1)(a)(ii)" -> ["1","a","ii"].
    pub subsections: Vec<String>,
    /// Bare section with no act named and none in context.
    pub ambiguous: bool,
}

impl Citation {
    /// Provision as written in front matter style: "s.4A", "s.2A(3)(b)"; None for whole-act
    /// citations.
    pub fn provision(&self) -> Option<String> {
        let section = self.section.as_ref()?;
        let mut p = format!("s.{section}");
        for s in &self.subsections {
            p.push('(');
            p.push_str(s);
            p.push(')');
        }
        Some(p)
    }

    /// Search tokens, lower-case ASCII letters and digits only, so any tokenizer keeps them whole
    /// (index them untokenized, lower-cased, in the citations field; run the query through the
    /// same scanner to get the same tokens):
    ///
    /// - `s4a`: the section alone ("s4A", "s.4A", "section 4A" all give it);
    /// - `pha1997s4a`: act key (see [`act_search_key`]) + section token;
    /// - `pha1997`: the act alone (also the only token of a whole-act citation).
    ///
    /// In that order; an ambiguous citation gives only the section token. The act key is built
    /// from the canonical name when the table knows the act, so "PHA s4a" in a query and
    /// "section 4A of the Protection from Harassment Act 1997" in a page meet. Subsections are
    /// left out: queries rarely carry them and the section token already finds the page.
    pub fn search_tokens(&self, acts: &ActTable) -> Vec<String> {
        let act_key = self
            .act
            .as_deref()
            .map(|a| act_search_key(acts.canonical(a).unwrap_or(a)))
            .filter(|k| !k.is_empty());
        let mut out = Vec::new();
        if let Some(sec) = &self.section {
            let s = format!("s{}", sec.to_ascii_lowercase());
            if let Some(k) = &act_key {
                out.push(s.clone());
                out.push(format!("{k}{s}"));
            } else {
                out.push(s);
            }
        }
        if let Some(k) = act_key {
            out.push(k);
        }
        out
    }
}

/// Normalise a provision string from front matter ("s.4A", "section 4A", "s 4A(3)", "4A") to
/// (section, subsections). None unless the whole string is one provision.
pub fn parse_provision(p: &str) -> Option<(String, Vec<String>)> {
    let p = p.trim();
    if p.is_empty() {
        return None;
    }
    let mut toks = Vec::new();
    tokenize(p, 0, p.len(), &mut toks);
    let table = ActTable::new();
    let mut ctx = Context::default();
    let mut out = Vec::new();
    let parser = Parser::new(p, &toks, &table, &mut ctx, &mut out);
    let (section, subs, next) = if let Some(list) = parser.parse_sections(0) {
        if list.items.len() != 1 {
            return None;
        }
        let it = list.items.into_iter().next()?;
        (it.section, it.subs, list.next)
    } else {
        let it = parser.parse_item(0)?;
        (it.section, it.subs, it.next)
    };
    (next == toks.len()).then_some((section, subs))
}

// ---------------------------------------------------------------------------------------------
// Scanner
// ---------------------------------------------------------------------------------------------

/// Stateful scanner for one page: remembers the act cited last, so a later bare "s.4A" resolves
/// to it.
#[derive(Debug)]
pub struct CitationScanner<'a> {
    acts: &'a ActTable,
    ctx: Context,
    /// Reused between calls so scanning allocates little.
    toks: Vec<Tok>,
}

impl<'a> CitationScanner<'a> {
    /// A scanner with no act in context (start of a page).
    pub fn new(acts: &'a ActTable) -> Self {
        Self {
            acts,
            ctx: Context::default(),
            toks: Vec::new(),
        }
    }

    /// Scan one piece of text (a paragraph, a heading, a list item ...). Call repeatedly in page
    /// order. Citations come back in text order with disjoint spans.
    pub fn scan(&mut self, text: &str) -> Vec<Citation> {
        let mut out = Vec::new();
        let mut toks = std::mem::take(&mut self.toks);
        for_each_block(text, |start, end| {
            toks.clear();
            tokenize(text, start, end, &mut toks);
            Parser::new(text, &toks, self.acts, &mut self.ctx, &mut out).run();
        });
        self.toks = toks;
        out
    }

    /// The act cited last (canonical if known), as a bare section would resolve to now.
    pub fn last_act(&self) -> Option<&str> {
        self.ctx.recent.last().map(|(n, _)| n.as_str())
    }

    /// Starts a page whose subject is an act (a legal summary or an act's page): until another
    /// act is cited, a bare "s.2A" there is a section of that act.
    pub fn assume_act(&mut self, name: &str) {
        let known = self.acts.canonical(name);
        let canonical = known.unwrap_or(name).to_string();
        self.ctx.touch(&canonical, known.is_some());
    }

    /// Forget the context, as at the start of a new page.
    pub fn reset(&mut self) {
        self.ctx.recent.clear();
    }
}

/// Acts cited so far on the page, most recent last (for "the 1997 Act" look-ups by year).
#[derive(Debug, Default)]
struct Context {
    recent: Vec<(String, bool)>,
}

impl Context {
    const MAX: usize = 32;

    fn last(&self) -> Option<(String, bool)> {
        self.recent.last().cloned()
    }

    fn by_year(&self, year: &str) -> Option<(String, bool)> {
        self.recent
            .iter()
            .rev()
            .find(|(n, _)| year_of(n) == Some(year))
            .cloned()
    }

    fn touch(&mut self, name: &str, known: bool) {
        if self.recent.last().is_some_and(|(n, _)| n == name) {
            return;
        }
        if let Some(pos) = self.recent.iter().position(|(n, _)| n == name) {
            self.recent.remove(pos);
        }
        if self.recent.len() >= Self::MAX {
            self.recent.remove(0);
        }
        self.recent.push((name.to_string(), known));
    }
}

/// Calls `f(start, end)` for each run of text between blank lines.
fn for_each_block(text: &str, mut f: impl FnMut(usize, usize)) {
    let len = text.len();
    let mut block_start = 0;
    let mut pos = 0;
    while pos < len {
        let line_end = text[pos..].find('\n').map_or(len, |i| pos + i);
        if text[pos..line_end].trim().is_empty() {
            if block_start < pos {
                f(block_start, pos);
            }
            block_start = (line_end + 1).min(len);
        }
        pos = line_end + 1;
    }
    if block_start < len {
        f(block_start, len);
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A maximal run of alphanumeric characters.
    Word,
    /// One other non-space character.
    Punct,
    /// Skipped text (URL, e-mail, path, wiki-link target): matches nothing and breaks adjacency.
    Barrier,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
    kind: Kind,
}

const APOSTROPHES: [char; 5] = ['\'', '\u{2019}', '\u{2018}', '`', '\u{2BC}'];
const DASHES: [char; 6] = [
    '-', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}',
];

#[inline]
fn char_at(text: &str, i: usize) -> Option<char> {
    match text.as_bytes().get(i) {
        Some(&b) if b < 0x80 => Some(b as char),
        Some(_) => text.get(i..)?.chars().next(),
        None => None,
    }
}

/// Characters that end a link-like run: brackets, quotes, emphasis.
fn is_run_delim(c: char) -> bool {
    matches!(
        c,
        '(' | ')' | '[' | ']' | '<' | '>' | '{' | '}' | '"' | '*' | '|' | '\u{201C}' | '\u{201D}'
    ) || APOSTROPHES.contains(&c)
}

/// URLs, e-mail addresses, paths and anchors: text where "s4a" is a file name, not a citation.
fn link_like(run: &str) -> bool {
    let b = run.as_bytes();
    if b.contains(&b'@') || b.contains(&b'#') || run.contains("://") {
        return true;
    }
    if b.len() >= 4 && b[..4].eq_ignore_ascii_case(b"www.") {
        return true;
    }
    if b.first() == Some(&b'/') || run.starts_with("./") || run.starts_with("../") {
        return true;
    }
    if b.iter().filter(|&&c| c == b'/').count() >= 2 {
        return true;
    }
    has_page_extension(b)
}

/// "s4a.md", "page.html#x": a file name.
fn has_page_extension(b: &[u8]) -> bool {
    b.iter().enumerate().any(|(i, &c)| {
        let rest = &b[i + 1..];
        if c != b'.' {
            false
        } else if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"htm") {
            true
        } else {
            rest.len() >= 2
                && rest[..2].eq_ignore_ascii_case(b"md")
                && !rest.get(2).is_some_and(u8::is_ascii_alphanumeric)
        }
    })
}

/// End of a wiki-link target starting at `from` (just after `[[`): the `|` before its text, or
/// just after `]]`. Bounded so a stray `[[` costs little.
fn wiki_target_end(text: &str, from: usize, end: usize) -> Option<usize> {
    let limit = end.min(from.saturating_add(512));
    let b = text.as_bytes();
    let mut i = from;
    while i < limit {
        match b[i] {
            b'|' => return Some(i),
            b']' if b.get(i + 1) == Some(&b']') => return Some(i + 2),
            b'\n' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

fn tokenize(text: &str, start: usize, end: usize, out: &mut Vec<Tok>) {
    let b = text.as_bytes();
    let mut i = start;
    while i < end {
        let Some(c) = char_at(text, i) else { break };
        let len = c.len_utf8();
        if c.is_whitespace() {
            i += len;
            continue;
        }
        if c == '['
            && b.get(i + 1) == Some(&b'[')
            && let Some(e) = wiki_target_end(text, i + 2, end)
        {
            out.push(Tok {
                start: i,
                end: e,
                kind: Kind::Barrier,
            });
            i = e;
            continue;
        }
        if is_run_delim(c) {
            out.push(Tok {
                start: i,
                end: i + len,
                kind: Kind::Punct,
            });
            i += len;
            continue;
        }
        let rs = i;
        let mut re = i;
        // Only runs with one of `@ # / . :` can be links; most words skip `link_like`.
        let mut maybe_link = false;
        while re < end {
            let byte = b[re];
            if byte < 0x80 {
                let c = byte as char;
                if c.is_whitespace() || is_run_delim(c) {
                    break;
                }
                maybe_link |= matches!(byte, b'@' | b'#' | b'/' | b'.' | b':');
                re += 1;
            } else {
                let Some(c) = char_at(text, re) else { break };
                if c.is_whitespace() || is_run_delim(c) {
                    break;
                }
                re += c.len_utf8();
            }
        }
        if maybe_link && link_like(&text[rs..re]) {
            out.push(Tok {
                start: rs,
                end: re,
                kind: Kind::Barrier,
            });
        } else {
            tokenize_run(text, rs, re, out);
        }
        i = re;
    }
}

fn tokenize_run(text: &str, start: usize, end: usize, out: &mut Vec<Tok>) {
    let mut word_start: Option<usize> = None;
    let mut i = start;
    let b = text.as_bytes();
    while i < end {
        if b[i].is_ascii_alphanumeric() {
            word_start.get_or_insert(i);
            i += 1;
            continue;
        }
        let Some(c) = char_at(text, i) else { break };
        let len = c.len_utf8();
        if c.is_alphanumeric() {
            word_start.get_or_insert(i);
        } else {
            if let Some(ws) = word_start.take() {
                out.push(Tok {
                    start: ws,
                    end: i,
                    kind: Kind::Word,
                });
            }
            out.push(Tok {
                start: i,
                end: i + len,
                kind: Kind::Punct,
            });
        }
        i += len;
    }
    if let Some(ws) = word_start {
        out.push(Tok {
            start: ws,
            end,
            kind: Kind::Word,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Grammar
// ---------------------------------------------------------------------------------------------

/// A section number and its subsections, with where it sits.
#[derive(Debug)]
struct Item {
    section: String,
    subs: Vec<String>,
    /// Byte span of this item (for the first list item, from the keyword).
    start: usize,
    end: usize,
    /// First token after the item.
    next: usize,
    has_suffix: bool,
}

#[derive(Debug)]
struct SecList {
    items: Vec<Item>,
    next: usize,
    /// "S4", "S 1": a capital S and a plain number is as likely a room, form or reference code;
    /// it counts only with an act written next to it.
    weak: bool,
}

struct Keyword {
    plural: bool,
    sub: bool,
    /// Token after the keyword (and its dot).
    next: usize,
    /// "s4A": the keyword and number in one word.
    fused: Option<Item>,
    /// A capital "S" with no dot.
    weak: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    Comma,
    Word,
    Slash,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// In running text, possibly before a section list.
    Free,
    /// Straight after "section N of".
    AfterOf,
    /// Straight after a section list, no "of" ("s.4A PHA 1997").
    Direct,
}

#[derive(Debug)]
struct ActRef {
    start: usize,
    start_tok: usize,
    /// First token after the name.
    next: usize,
    end: usize,
    /// None: a context reference ("the Act") with nothing in context.
    name: Option<String>,
    known: bool,
    from_context: bool,
    /// May be reported as a whole-act citation with no section.
    standalone: bool,
}

enum Post {
    None,
    Act(ActRef),
    Ambiguous,
}

/// Capitalised words that start sentences or phrases, never an act's name.
const STOP_WORDS: &[&str] = &[
    "a",
    "after",
    "all",
    "also",
    "although",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "because",
    "before",
    "both",
    "but",
    "by",
    "citing",
    "contrary",
    "during",
    "each",
    "either",
    "except",
    "following",
    "for",
    "from",
    "here",
    "his",
    "her",
    "if",
    "in",
    "including",
    "is",
    "it",
    "its",
    "like",
    "neither",
    "note",
    "of",
    "on",
    "only",
    "or",
    "our",
    "part",
    "per",
    "pursuant",
    "s",
    "schedule",
    "section",
    "sections",
    "see",
    "since",
    "so",
    "some",
    "ss",
    "such",
    "than",
    "that",
    "the",
    "their",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "to",
    "under",
    "unlike",
    "until",
    "using",
    "via",
    "was",
    "we",
    "were",
    "when",
    "where",
    "whereas",
    "which",
    "while",
    "with",
    "within",
    "without",
    "you",
];

const CONNECTORS: &[&str] = &["and", "of", "for", "from", "to", "against"];

/// Words after an acronym that show it names a document or body, not an act.
const DOC_NOUNS: &[&str] = &[
    "guidance",
    "code",
    "codes",
    "policy",
    "guide",
    "manual",
    "document",
    "report",
    "website",
    "protocol",
    "framework",
    "standard",
    "checklist",
    "form",
    "team",
    "unit",
];

fn in_list(w: &str, list: &[&str]) -> bool {
    w.len() <= 12 && list.iter().any(|s| s.eq_ignore_ascii_case(w))
}

fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn starts_lower(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_lowercase)
}

/// "CJA", "PoFA": 2–8 ASCII letters, a capital first and at least two capitals.
fn is_acronym(w: &str) -> bool {
    let b = w.as_bytes();
    (2..=8).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b.iter().all(u8::is_ascii_alphabetic)
        && b.iter().filter(|c| c.is_ascii_uppercase()).count() >= 2
        && !w.eq_ignore_ascii_case("act")
        && !w.eq_ignore_ascii_case("ss")
}

/// "4A" -> "4A", "127" -> "127", "2za" -> "2ZA"; not "3rd", "4.2", "x".
fn parse_num(w: &str) -> Option<String> {
    let digits = w.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let rest = &w[digits..];
    if rest.len() > 3 || !rest.bytes().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    if ["st", "nd", "rd", "th"]
        .iter()
        .any(|o| rest.eq_ignore_ascii_case(o))
    {
        return None;
    }
    Some(format!("{}{}", &w[..digits], rest.to_ascii_uppercase()))
}

/// A subsection label: "3", "1A", "b", "ii".
fn parse_sub(w: &str) -> Option<String> {
    let digits = w.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &w[digits..];
    if !rest.bytes().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    if digits > 0 {
        (digits <= 3 && rest.len() <= 2)
            .then(|| format!("{}{}", &w[..digits], rest.to_ascii_uppercase()))
    } else {
        (1..=4)
            .contains(&rest.len())
            .then(|| rest.to_ascii_lowercase())
    }
}

struct Parser<'p> {
    text: &'p str,
    toks: &'p [Tok],
    acts: &'p ActTable,
    ctx: &'p mut Context,
    out: &'p mut Vec<Citation>,
    /// General-grammar act names cannot start before this token (memo that keeps the grammar
    /// linear on long runs of capitalised words).
    general_fail_until: usize,
    lower: String,
}

impl<'p> Parser<'p> {
    fn new(
        text: &'p str,
        toks: &'p [Tok],
        acts: &'p ActTable,
        ctx: &'p mut Context,
        out: &'p mut Vec<Citation>,
    ) -> Self {
        Self {
            text,
            toks,
            acts,
            ctx,
            out,
            general_fail_until: 0,
            lower: String::new(),
        }
    }

    // ----- token helpers -----

    fn word(&self, i: usize) -> Option<&'p str> {
        let t = self.toks.get(i)?;
        (t.kind == Kind::Word).then(|| &self.text[t.start..t.end])
    }

    fn punct(&self, i: usize) -> Option<char> {
        let t = self.toks.get(i)?;
        if t.kind == Kind::Punct {
            self.text[t.start..t.end].chars().next()
        } else {
            None
        }
    }

    fn is_dash(&self, i: usize) -> bool {
        self.punct(i).is_some_and(|c| DASHES.contains(&c))
    }

    fn is_apostrophe(&self, i: usize) -> bool {
        self.punct(i).is_some_and(|c| APOSTROPHES.contains(&c))
    }

    fn adj(&self, i: usize, j: usize) -> bool {
        match (self.toks.get(i), self.toks.get(j)) {
            (Some(a), Some(b)) => a.end == b.start,
            _ => false,
        }
    }

    fn word_is(&self, i: usize, w: &str) -> bool {
        self.word(i).is_some_and(|x| x.eq_ignore_ascii_case(w))
    }

    fn is_year_at(&self, i: usize) -> bool {
        self.word(i).is_some_and(is_year)
    }

    fn start_of(&self, i: usize) -> usize {
        self.toks[i].start
    }

    fn end_of(&self, i: usize) -> usize {
        self.toks[i].end
    }

    /// A plain lower-case word that cannot continue a citation ("5 officers").
    fn plain_word_at(&self, i: usize) -> bool {
        self.word(i)
            .is_some_and(|w| starts_lower(w) && !in_list(w, &["of", "and", "or", "to"]))
    }

    // ----- driver -----

    fn run(mut self) {
        let n = self.toks.len();
        let mut i = 0;
        while i < n {
            if let Some(list) = self.parse_sections(i) {
                i = self.finish_list(list, None);
                continue;
            }
            if let Some(a) = self.match_act(i, Mode::Free) {
                i = self.after_act(a);
                continue;
            }
            i += 1;
        }
    }

    /// An act found in running text: a prefix to a section list, or a whole-act citation.
    fn after_act(&mut self, a: ActRef) -> usize {
        if a.name.is_some() {
            let k = if self.punct(a.next) == Some(',') {
                a.next + 1
            } else {
                a.next
            };
            if let Some(list) = self.parse_sections(k) {
                if let Post::Act(post) = self.parse_postfix(list.next)
                    && post.name != a.name
                {
                    // The act after the list wins; the one before is cited on its own.
                    if a.standalone {
                        self.emit_whole(&a);
                    }
                    return self.finish_list(list, None);
                }
                return self.finish_list(list, Some(a));
            }
        }
        if a.standalone && a.name.is_some() && !self.is_bracketed_abbreviation(&a) {
            self.emit_whole(&a);
        }
        a.next
    }

    /// "(SPA)" straight after a citation of the Stalking Protection Act 2019.
    fn is_bracketed_abbreviation(&self, a: &ActRef) -> bool {
        if a.start_tok == 0
            || self.punct(a.start_tok - 1) != Some('(')
            || self.punct(a.next) != Some(')')
        {
            return false;
        }
        let open = self.start_of(a.start_tok - 1);
        self.out.last().is_some_and(|c| {
            c.act == a.name && c.span.end <= open && self.text[c.span.end..open].trim().is_empty()
        })
    }

    /// Attach an act (after the list, else `prefix`, else context) and emit. Returns the next token.
    fn finish_list(&mut self, list: SecList, prefix: Option<ActRef>) -> usize {
        let post = self.parse_postfix(list.next);
        let written = prefix.is_some() || matches!(&post, Post::Act(a) if a.name.is_some());
        if list.weak && !written {
            return list.next;
        }
        let (name, known, from_ctx, start, end, next) = match (post, prefix) {
            // The same act before and after ("MCA s.1 and s.2 MCA"): one phrase.
            (Post::Act(a), p) if a.name.is_some() => {
                let start = p.filter(|p| p.name == a.name).map(|p| p.start);
                (a.name, a.known, a.from_context, start, Some(a.end), a.next)
            }
            (Post::Act(a), _) => (None, false, false, None, Some(a.end), a.next),
            (_, Some(p)) => (
                p.name,
                p.known,
                p.from_context,
                Some(p.start),
                None,
                list.next,
            ),
            (Post::Ambiguous, None) => (None, false, false, None, None, list.next),
            (Post::None, None) => match self.ctx.last() {
                Some((n, k)) => (Some(n), k, true, None, None, list.next),
                None => (None, false, false, None, None, list.next),
            },
        };
        if let Some(n) = &name {
            self.ctx.touch(n, known);
        }
        let count = list.items.len();
        for (idx, it) in list.items.into_iter().enumerate() {
            let s = if idx == 0 {
                start.unwrap_or(it.start)
            } else {
                it.start
            };
            let e = if idx + 1 == count {
                end.unwrap_or(it.end)
            } else {
                it.end
            };
            self.out.push(Citation {
                span: s..e,
                ambiguous: name.is_none(),
                act: name.clone(),
                known_act: name.is_some() && known,
                act_from_context: name.is_some() && from_ctx,
                section: Some(it.section),
                subsections: it.subs,
            });
        }
        next
    }

    fn emit_whole(&mut self, a: &ActRef) {
        let Some(name) = &a.name else { return };
        self.ctx.touch(name, a.known);
        self.out.push(Citation {
            span: a.start..a.end,
            act: Some(name.clone()),
            known_act: a.known,
            act_from_context: a.from_context,
            section: None,
            subsections: Vec::new(),
            ambiguous: false,
        });
    }

    // ----- sections -----

    fn parse_keyword(&self, i: usize) -> Option<Keyword> {
        let w = self.word(i)?;
        let first = w.as_bytes()[0];
        if first != b's' && first != b'S' {
            return None;
        }
        // "officer's 3 reports": a possessive, not a keyword.
        if self.text[..self.start_of(i)]
            .chars()
            .next_back()
            .is_some_and(|c| APOSTROPHES.contains(&c))
        {
            return None;
        }
        // "pha-1997/s4a" is a page id; "s.2/s.2A" is a list.
        if i >= 2
            && self.punct(i - 1) == Some('/')
            && self.adj(i - 1, i)
            && !self
                .word(i - 2)
                .is_some_and(|w| parse_num(w).is_some() && !is_year(w))
        {
            return None;
        }
        let is = |s: &str| w.eq_ignore_ascii_case(s);
        let (plural, sub, dot) = if is("s") || is("sec") || is("sect") {
            (false, false, true)
        } else if is("ss") || is("secs") || is("sects") {
            (true, false, true)
        } else if is("section") {
            (false, false, false)
        } else if is("sections") {
            (true, false, false)
        } else if is("subsection") {
            (false, true, false)
        } else if is("subsections") {
            (true, true, false)
        } else if is("sub")
            && self.is_dash(i + 1)
            && self.adj(i, i + 1)
            && self.adj(i + 1, i + 2)
            && (self.word_is(i + 2, "section") || self.word_is(i + 2, "sections"))
        {
            return Some(Keyword {
                plural: self.word_is(i + 2, "sections"),
                sub: true,
                next: i + 3,
                fused: None,
                weak: false,
            });
        } else {
            // Fused: "s4A", "S4A", "ss2".
            let skip = if w.len() > 2 && w.as_bytes()[1].eq_ignore_ascii_case(&b's') {
                2
            } else {
                1
            };
            if !w.as_bytes().get(skip).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            let section = parse_num(&w[skip..])?;
            let item = self.finish_item(i, section, &w[skip..])?;
            return Some(Keyword {
                plural: skip == 2,
                sub: false,
                next: i + 1,
                fused: Some(item),
                weak: w.starts_with('S') && skip == 1,
            });
        };
        let mut next = i + 1;
        if dot && self.punct(next) == Some('.') && self.adj(i, next) {
            next += 1;
        }
        Some(Keyword {
            plural,
            sub,
            weak: w == "S" && next == i + 1,
            next,
            fused: None,
        })
    }

    fn parse_item(&self, j: usize) -> Option<Item> {
        let w = self.word(j)?;
        let section = parse_num(w)?;
        self.finish_item(j, section, w)
    }

    /// Checks what follows the number token `j` and reads glued subsections.
    fn finish_item(&self, j: usize, section: String, num: &str) -> Option<Item> {
        if self.adj(j, j + 1) {
            match self.punct(j + 1) {
                // "4.2" (a document's own numbering), "s4a.md".
                Some('.') if self.word(j + 2).is_some() && self.adj(j + 1, j + 2) => return None,
                // "1,000"
                Some(',')
                    if self.adj(j + 1, j + 2)
                        && self.word(j + 2).is_some_and(|w| {
                            w.len() == 3 && w.bytes().all(|c| c.is_ascii_digit())
                        }) =>
                {
                    return None;
                }
                Some('%') => return None,
                _ => {}
            }
        }
        let (subs, next) = self.parse_groups(j + 1, Some(j));
        Some(Item {
            has_suffix: num.bytes().any(|c| c.is_ascii_alphabetic()),
            section,
            subs,
            start: self.start_of(j),
            end: self.end_of(next - 1),
            next,
        })
    }

    /// "(3)(b)(ii)" starting at token `j`; the first group glued to token `glued_to` if given,
    /// the rest glued to each other.
    fn parse_groups(&self, j: usize, glued_to: Option<usize>) -> (Vec<String>, usize) {
        let mut subs = Vec::new();
        let mut k = j;
        while self.punct(k) == Some('(') {
            let glued = if subs.is_empty() {
                glued_to.is_none_or(|g| self.adj(g, k))
            } else {
                self.adj(k - 1, k)
            };
            if !glued
                || self.punct(k + 2) != Some(')')
                || !self.adj(k, k + 1)
                || !self.adj(k + 1, k + 2)
            {
                break;
            }
            let Some(label) = self.word(k + 1).and_then(parse_sub) else {
                break;
            };
            subs.push(label);
            k += 3;
        }
        (subs, k)
    }

    /// A separator inside a list: ",", ", and", "and", "or", "and/or", "&", "/", a dash, "to".
    fn parse_sep(&self, k: usize) -> Option<(usize, Sep)> {
        if let Some(p) = self.punct(k) {
            return match p {
                ',' => {
                    if self.word_is(k + 1, "and") || self.word_is(k + 1, "or") {
                        Some((k + 2, Sep::Word))
                    } else {
                        Some((k + 1, Sep::Comma))
                    }
                }
                '&' => Some((k + 1, Sep::Word)),
                '/' if k > 0 && self.adj(k - 1, k) && self.adj(k, k + 1) => {
                    Some((k + 1, Sep::Slash))
                }
                c if DASHES.contains(&c) => Some((k + 1, Sep::Word)),
                _ => None,
            };
        }
        if self.word_is(k, "and") || self.word_is(k, "or") {
            if self.punct(k + 1) == Some('/') && self.word_is(k + 2, "or") {
                return Some((k + 3, Sep::Word));
            }
            return Some((k + 1, Sep::Word));
        }
        if self.word_is(k, "to") {
            return Some((k + 1, Sep::Word));
        }
        None
    }

    fn parse_sections(&self, i: usize) -> Option<SecList> {
        let kw = self.parse_keyword(i)?;
        if kw.sub {
            return self.parse_sub_form(i, &kw);
        }
        let mut first = match kw.fused {
            Some(it) => it,
            None => self.parse_item(kw.next)?,
        };
        first.start = self.start_of(i);
        let weak = kw.weak && !first.has_suffix && first.subs.is_empty();
        let mut k = first.next;
        let mut items = vec![first];
        while let Some((m, sep)) = self.parse_sep(k) {
            let Some(item) = self.list_element(m, sep, kw.plural, &items) else {
                break;
            };
            k = item.next;
            items.push(item);
        }
        Some(SecList {
            items,
            next: k,
            weak,
        })
    }

    /// The next element of a list after a separator, if it really is one.
    fn list_element(&self, m: usize, sep: Sep, plural: bool, items: &[Item]) -> Option<Item> {
        if let Some(kw) = self.parse_keyword(m).filter(|k| !k.sub) {
            let mut it = match kw.fused {
                Some(it) => it,
                None => self.parse_item(kw.next)?,
            };
            it.start = self.start_of(m);
            return Some(it);
        }
        if self.punct(m) == Some('(') {
            let prev = items.last()?;
            let (groups, next) = self.parse_groups(m, None);
            if groups.is_empty() || groups.len() > prev.subs.len() {
                return None;
            }
            let mut subs = prev.subs[..prev.subs.len() - groups.len()].to_vec();
            subs.extend(groups);
            return Some(Item {
                section: prev.section.clone(),
                subs,
                start: self.start_of(m),
                end: self.end_of(next - 1),
                next,
                has_suffix: true,
            });
        }
        let it = self.parse_item(m)?;
        let ok = match (sep, plural) {
            // "S12/2024": a reference number, not a list.
            (Sep::Slash, _) if is_year(&it.section) => false,
            (Sep::Comma, true) => !self.plain_word_at(it.next),
            (_, true) => true,
            (Sep::Comma, false) => false,
            (_, false) => it.has_suffix || !it.subs.is_empty() || !self.plain_word_at(it.next),
        };
        ok.then_some(it)
    }

    /// "subsection (3) of section 2A", "subsections (2) and (3) of s.2A".
    fn parse_sub_form(&self, i: usize, kw: &Keyword) -> Option<SecList> {
        let (groups, mut k) = self.parse_groups(kw.next, None);
        if groups.is_empty() {
            return None;
        }
        let mut parts = vec![(groups, self.start_of(i), self.end_of(k - 1))];
        while let Some((m, _)) = self.parse_sep(k) {
            let (g, next) = self.parse_groups(m, None);
            if g.is_empty() {
                break;
            }
            parts.push((g, self.start_of(m), self.end_of(next - 1)));
            k = next;
        }
        if !self.word_is(k, "of") {
            return None;
        }
        let kw2 = self
            .parse_keyword(k + 1)
            .filter(|kw| !kw.sub && !kw.plural)?;
        let sec = match kw2.fused {
            Some(it) => it,
            None => self.parse_item(kw2.next)?,
        };
        let count = parts.len();
        let items = parts
            .into_iter()
            .enumerate()
            .map(|(idx, (g, s, e))| {
                let mut subs = sec.subs.clone();
                subs.extend(g);
                Item {
                    section: sec.section.clone(),
                    subs,
                    start: s,
                    end: if idx + 1 == count { sec.end } else { e },
                    next: sec.next,
                    has_suffix: true,
                }
            })
            .collect();
        Some(SecList {
            items,
            next: sec.next,
            weak: false,
        })
    }

    /// What follows a section list: an act, a sign that it is not the law ("below", "of this
    /// guidance"), or nothing.
    fn parse_postfix(&mut self, k: usize) -> Post {
        if self.word_is(k, "of") {
            return match self.match_act(k + 1, Mode::AfterOf) {
                Some(mut a) => {
                    a.start = self.start_of(k);
                    Post::Act(a)
                }
                None => Post::Ambiguous,
            };
        }
        if self.word_is(k, "below") || self.word_is(k, "above") {
            return Post::Ambiguous;
        }
        match self.match_act(k, Mode::Direct) {
            Some(a) => Post::Act(a),
            None => Post::None,
        }
    }

    // ----- acts -----

    fn match_act(&mut self, i: usize, mode: Mode) -> Option<ActRef> {
        let w0 = self.word(i)?;
        if mode != Mode::Direct
            && (w0.eq_ignore_ascii_case("the")
                || w0.eq_ignore_ascii_case("this")
                || w0.eq_ignore_ascii_case("that"))
            && let Some(a) = self.context_ref(i)
        {
            return Some(a);
        }
        let s = if mode != Mode::Direct && w0.eq_ignore_ascii_case("the") {
            i + 1
        } else {
            i
        };
        let a = self.match_name(s, mode)?;
        // "legislation/pha-1997": a page id, not prose.
        let slash_before = a.start_tok > 0
            && self.punct(a.start_tok - 1) == Some('/')
            && self.adj(a.start_tok - 1, a.start_tok);
        let slash_after = self.punct(a.next) == Some('/') && self.adj(a.next - 1, a.next);
        (!slash_before && !slash_after).then_some(a)
    }

    /// An act's name at token `s`: known, general grammar, or an unknown acronym where the
    /// position makes it one.
    fn match_name(&mut self, s: usize, mode: Mode) -> Option<ActRef> {
        if let Some(a) = self.match_known(s) {
            return Some(a);
        }
        if let Some(a) = self.match_general(s, mode) {
            return Some(a);
        }
        let w = self.word(s)?;
        if !is_acronym(w) {
            return None;
        }
        if self.is_year_at(s + 1) {
            return Some(self.unknown_ref(s, s + 2, false));
        }
        let bare = match mode {
            // "section 1 of the MCA", but not "section 3 of the CPS guidance".
            Mode::AfterOf => !self.word(s + 1).is_some_and(|n| in_list(n, DOC_NOUNS)),
            // "s.1 MCA." but not "s.4A CPS guidance".
            Mode::Direct => self.word(s + 1).is_none(),
            // "MCA s.1(1)(a)": glued to the section, no comma.
            Mode::Free => self.parse_keyword(s + 1).is_some_and(|k| !k.sub),
        };
        bare.then(|| self.unknown_ref(s, s + 1, false))
    }

    /// "the Act", "this Act", "that Act", "the 1997 Act": an act cited earlier on the page.
    fn context_ref(&self, i: usize) -> Option<ActRef> {
        let (resolved, next) = if self.word(i + 1) == Some("Act") {
            if self.is_year_at(i + 2) || self.word_is(i + 2, "of") {
                return None;
            }
            (self.ctx.last(), i + 2)
        } else if self.is_year_at(i + 1) && self.word(i + 2) == Some("Act") {
            (self.ctx.by_year(self.word(i + 1)?), i + 3)
        } else {
            return None;
        };
        let (name, known) = match resolved {
            Some((n, k)) => (Some(n), k),
            None => (None, false),
        };
        Some(ActRef {
            start: self.start_of(i),
            start_tok: i,
            next,
            end: self.end_of(next - 1),
            standalone: name.is_some(),
            name,
            known,
            from_context: true,
        })
    }

    fn unknown_ref(&self, s: usize, next: usize, standalone: bool) -> ActRef {
        let written = collapse_ws(&self.text[self.start_of(s)..self.end_of(next - 1)]);
        let (name, known) = match self.acts.canonical(&written) {
            Some(c) => (c.to_string(), true),
            None => (written, false),
        };
        ActRef {
            start: self.start_of(s),
            start_tok: s,
            next,
            end: self.end_of(next - 1),
            name: Some(name),
            known,
            from_context: false,
            standalone,
        }
    }

    /// Longest name from the table starting at token `s`.
    fn match_known(&mut self, s: usize) -> Option<ActRef> {
        if self.acts.entries.is_empty() {
            return None;
        }
        let w = self.word(s)?;
        let first = w.as_bytes()[0];
        if first < 0x80 && !self.acts.first_ascii[usize::from(first.to_ascii_lowercase())] {
            return None;
        }
        self.lower.clear();
        if w.is_ascii() {
            self.lower.push_str(w);
            self.lower.make_ascii_lowercase();
        } else {
            self.lower.extend(w.chars().flat_map(char::to_lowercase));
        }
        let cands = self.acts.by_first.get(self.lower.as_str())?;
        let mut best: Option<(usize, bool, &NameEntry)> = None;
        for &e in cands {
            let entry = &self.acts.entries[e];
            if let Some((next, exact)) = self.match_entry(entry, s)
                && best.is_none_or(|(n, _, _)| next > n)
            {
                best = Some((next, exact, entry));
            }
        }
        let (mut next, exact, entry) = best?;
        let name = &self.acts.names[entry.act];
        let mut has_year = entry.has_year;
        // "PHA 1997" where only "PHA" was declared.
        if !has_year && self.is_year_at(next) && year_of(name) == self.word(next) {
            next += 1;
            has_year = true;
        }
        Some(ActRef {
            start: self.start_of(s),
            start_tok: s,
            next,
            end: self.end_of(next - 1),
            name: Some(name.clone()),
            known: true,
            from_context: false,
            standalone: has_year || exact,
        })
    }

    /// Words of `e` from token `s`, allowing commas, hyphens, apostrophes and brackets between
    /// them (the punctuation a name's normalised key drops). Returns (next token, exact case).
    fn match_entry(&self, e: &NameEntry, s: usize) -> Option<(usize, bool)> {
        let mut j = s;
        let mut exact = true;
        for (idx, want) in e.lower.iter().enumerate() {
            if idx > 0 {
                let mut skipped = 0;
                while skipped < 2
                    && self.punct(j).is_some_and(|c| {
                        c == ','
                            || c == '('
                            || c == ')'
                            || DASHES.contains(&c)
                            || APOSTROPHES.contains(&c)
                    })
                {
                    j += 1;
                    skipped += 1;
                }
            }
            let got = self.word(j)?;
            let same = if got.is_ascii() && want.is_ascii() {
                got.eq_ignore_ascii_case(want)
            } else {
                got.chars().flat_map(char::to_lowercase).eq(want.chars())
            };
            if !same {
                return None;
            }
            if got != e.orig[idx] {
                exact = false;
            }
            j += 1;
        }
        Some((j, exact))
    }

    /// A general-grammar name from `s` to "Act" at `act` (next token `next`), minus any
    /// title-case lead-in: in "Offences Under The Protection From Harassment Act 1997" the name
    /// starts after the last capitalised sentence word ("The"). A known act inside wins.
    fn trim_title_case(&mut self, s: usize, act: usize, next: usize) -> Option<ActRef> {
        let mut start = s;
        for k in s + 1..act {
            let Some(t) = self.word(k) else { continue };
            // "Offences Against The Person": "The" after a connector belongs to the name.
            let of_the = t.eq_ignore_ascii_case("the")
                && self
                    .word(k - 1)
                    .is_some_and(|p| in_list(p, &["of", "against", "for"]));
            if starts_upper(t) && in_list(t, STOP_WORDS) && !in_list(t, CONNECTORS) && !of_the {
                start = k + 1;
            }
        }
        while start < act && !self.word(start).is_some_and(starts_upper) {
            start += 1;
        }
        if start >= act {
            return None;
        }
        for k in start..act {
            if k != s
                && let Some(a) = self.match_known(k)
                && a.next == next
            {
                return Some(a);
            }
        }
        Some(self.unknown_ref(start, next, true))
    }

    /// `<Capitalised Words> Act <year>` for any act.
    fn match_general(&mut self, s: usize, mode: Mode) -> Option<ActRef> {
        if mode == Mode::Free && s < self.general_fail_until {
            return None;
        }
        let w = self.word(s)?;
        if !starts_upper(w) || w == "Act" {
            return None;
        }
        let fail = |p: &mut Self, at: usize| {
            if mode == Mode::Free {
                p.general_fail_until = p.general_fail_until.max(at);
            }
            None
        };
        let mut j = s + 1;
        // Whether the previous word was capitalised (a name can't end "... of Act").
        let mut prev_cap = true;
        let mut prev_word = w;
        // Commas only in the shape of real names ("the Police, Crime, Sentencing and Courts Act
        // 2022"): straight after "the" (or at the start), no connector before the last comma.
        // That keeps out "In England and Wales, Police and Criminal Evidence Act 1984".
        let commas_ok = s == 0 || self.word_is(s - 1, "the") || self.punct(s - 1) == Some('(');
        let mut seen_connector = false;
        loop {
            if j - s > 24 {
                return None;
            }
            if let Some(t) = self.word(j) {
                if t == "Act" {
                    if !prev_cap {
                        return fail(self, j);
                    }
                    let next = if self.is_year_at(j + 1) {
                        j + 2
                    } else if mode == Mode::AfterOf {
                        j + 1
                    } else {
                        return fail(self, j + 1);
                    };
                    if in_list(w, STOP_WORDS) {
                        return None;
                    }
                    return self.trim_title_case(s, j, next);
                }
                if starts_upper(t) {
                    prev_cap = true;
                } else if in_list(t, CONNECTORS)
                    || (t == "the" && in_list(prev_word, &["of", "against", "for"]))
                {
                    prev_cap = false;
                    seen_connector = true;
                } else if t == "s" && self.is_apostrophe(j - 1) && self.adj(j - 1, j) {
                    // "Children's"
                } else {
                    return fail(self, j);
                }
                prev_word = t;
                j += 1;
                continue;
            }
            match self.punct(j) {
                // "Magistrates’ Courts"
                Some(c) if APOSTROPHES.contains(&c) && self.adj(j - 1, j) => j += 1,
                // "Anti-social"
                Some(c)
                    if DASHES.contains(&c)
                        && self.adj(j - 1, j)
                        && self.adj(j, j + 1)
                        && self.word(j + 1).is_some() =>
                {
                    j += 2;
                    prev_cap = true;
                }
                // "(Scotland)", "(Amendment)", "(Northern Ireland)"
                Some('(') => {
                    let mut k = j + 1;
                    while k - j <= 4 && self.word(k).is_some_and(starts_upper) {
                        k += 1;
                    }
                    if k == j + 1 || self.punct(k) != Some(')') {
                        return fail(self, j);
                    }
                    j = k + 1;
                    prev_cap = true;
                }
                Some(',')
                    if commas_ok
                        && !seen_connector
                        && prev_cap
                        && self.word(j + 1).is_some_and(starts_upper) =>
                {
                    j += 1;
                }
                // Not memoised: a later start after "the" may accept this comma.
                Some(',') => return None,
                _ => return fail(self, j),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    const PHA: &str = "Protection from Harassment Act 1997";
    const SPA: &str = "Stalking Protection Act 2019";
    const SA: &str = "Sentencing Act 2020";

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn table() -> ActTable {
        let mut t = ActTable::new();
        t.add(PHA, &s(&["PHA 1997", "PHA"]));
        t.add(SPA, &s(&["SPA 2019", "SPA"]));
        t.add("Serious Crime Act 2015", &s(&["SCA 2015"]));
        t.add(SA, &s(&["SA 2020"]));
        t.add("Communications Act 2003", &s(&["CA 2003"]));
        t.add("Magistrates’ Courts Act 1980", &s(&["MCA 1980"]));
        t
    }

    fn scan(text: &str) -> Vec<Citation> {
        let t = table();
        CitationScanner::new(&t).scan(text)
    }

    /// (span text, act, section, subsections) for compact assertions.
    type Brief = (String, Option<String>, Option<String>, Vec<String>);

    fn brief(text: &str, cs: &[Citation]) -> Vec<Brief> {
        cs.iter()
            .map(|c| {
                (
                    text[c.span.clone()].to_string(),
                    c.act.clone(),
                    c.section.clone(),
                    c.subsections.clone(),
                )
            })
            .collect()
    }

    fn one(text: &str) -> Citation {
        let cs = scan(text);
        assert_eq!(
            cs.len(),
            1,
            "expected one citation in {text:?}, got {cs:#?}"
        );
        cs.into_iter().next().unwrap()
    }

    fn assert_one(text: &str, span: &str, act: Option<&str>, section: Option<&str>, subs: &[&str]) {
        let c = one(text);
        assert_eq!(&text[c.span.clone()], span, "span in {text:?}");
        assert_eq!(c.act.as_deref(), act, "act in {text:?}");
        assert_eq!(c.section.as_deref(), section, "section in {text:?}");
        assert_eq!(c.subsections, s(subs), "subsections in {text:?}");
    }

    // ----- forms from the brief -----

    #[test]
    fn section_of_the_full_name() {
        let t = "Charge under section 4A of the Protection from Harassment Act 1997 where fear is shown.";
        assert_one(
            t,
            "section 4A of the Protection from Harassment Act 1997",
            Some(PHA),
            Some("4A"),
            &[],
        );
        let c = one(t);
        assert!(c.known_act && !c.act_from_context && !c.ambiguous);
    }

    #[test]
    fn short_name_after_section() {
        assert_one(
            "See s.4A PHA 1997.",
            "s.4A PHA 1997",
            Some(PHA),
            Some("4A"),
            &[],
        );
        assert_one(
            "See s.4A of the PHA 1997.",
            "s.4A of the PHA 1997",
            Some(PHA),
            Some("4A"),
            &[],
        );
        assert_one(
            "See s.4A of PHA 1997.",
            "s.4A of PHA 1997",
            Some(PHA),
            Some("4A"),
            &[],
        );
        assert_one("See s.4A PHA.", "s.4A PHA", Some(PHA), Some("4A"), &[]);
        assert_one(
            "See s.4A of the PHA.",
            "s.4A of the PHA",
            Some(PHA),
            Some("4A"),
            &[],
        );
    }

    #[test]
    fn act_before_section() {
        assert_one(
            "PHA 1997, s 4A applies.",
            "PHA 1997, s 4A",
            Some(PHA),
            Some("4A"),
            &[],
        );
        assert_one(
            "PHA 1997 s.4A applies.",
            "PHA 1997 s.4A",
            Some(PHA),
            Some("4A"),
            &[],
        );
        assert_one("PHA s 4A applies.", "PHA s 4A", Some(PHA), Some("4A"), &[]);
        assert_one(
            "Protection from Harassment Act 1997, section 4A applies.",
            "Protection from Harassment Act 1997, section 4A",
            Some(PHA),
            Some("4A"),
            &[],
        );
        assert_one(
            "Under the PHA 1997, s.2A(3)(b) lists examples.",
            "PHA 1997, s.2A(3)(b)",
            Some(PHA),
            Some("2A"),
            &["3", "b"],
        );
    }

    #[test]
    fn bare_section_spellings_without_context_are_ambiguous() {
        for (t, span) in [
            ("Read s4A first.", "s4A"),
            ("Read s. 4A first.", "s. 4A"),
            ("Read s.4A first.", "s.4A"),
            ("Read s 4A first.", "s 4A"),
            ("Read sect 4A first.", "sect 4A"),
            ("Read sect. 4A first.", "sect. 4A"),
            ("Read S4A first.", "S4A"),
            ("Read S.4A first.", "S.4A"),
            ("Read section 4A first.", "section 4A"),
            ("Read Section 4A first.", "Section 4A"),
            ("Read SECTION 4A first.", "SECTION 4A"),
            ("Read s4a first.", "s4a"),
        ] {
            let c = one(t);
            assert_eq!(&t[c.span.clone()], span, "{t}");
            assert_eq!(c.section.as_deref(), Some("4A"), "{t}");
            assert!(
                c.ambiguous && c.act.is_none() && !c.known_act && !c.act_from_context,
                "{t}"
            );
        }
    }

    #[test]
    fn bare_section_takes_context_across_calls() {
        let t = table();
        let mut sc = CitationScanner::new(&t);
        let a = sc.scan("Stalking is an offence under the Protection from Harassment Act 1997.");
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].section, None);
        assert_eq!(sc.last_act(), Some(PHA));
        let text = "## s.4A: fear of violence";
        let b = sc.scan(text);
        assert_eq!(b.len(), 1);
        assert_eq!(&text[b[0].span.clone()], "s.4A");
        assert_eq!(b[0].act.as_deref(), Some(PHA));
        assert!(b[0].act_from_context && b[0].known_act && !b[0].ambiguous);
        // A later act replaces the context.
        sc.scan("An SPO is made under the SPA 2019.");
        let c = sc.scan("Breach of an order is an offence under s 8.");
        assert_eq!(c[0].act.as_deref(), Some(SPA));
        assert!(c[0].act_from_context);
        sc.reset();
        assert!(sc.scan("s 8")[0].ambiguous);
    }

    #[test]
    fn context_within_one_text_and_unknown_context() {
        let text = "Section 42A of the Criminal Justice and Police Act 2001 covers the home; s.42A(1)(d) sets the test.";
        let cs = scan(text);
        assert_eq!(cs.len(), 2);
        assert_eq!(&text[cs[1].span.clone()], "s.42A(1)(d)");
        assert_eq!(
            cs[1].act.as_deref(),
            Some("Criminal Justice and Police Act 2001")
        );
        assert!(cs[1].act_from_context && !cs[1].known_act);
    }

    #[test]
    fn whole_act_mentions() {
        let t = "An order under the Stalking Protection Act 2019 lasts at least two years.";
        assert_one(t, "Stalking Protection Act 2019", Some(SPA), None, &[]);
        let c = one(t);
        assert!(c.known_act && !c.ambiguous && c.provision().is_none());
        assert_one(
            "Apply under SPA 2019 at once.",
            "SPA 2019",
            Some(SPA),
            None,
            &[],
        );
        assert_one("Apply under the SPA at once.", "SPA", Some(SPA), None, &[]);
        assert_one(
            "See the protection from harassment act 1997 here.",
            "protection from harassment act 1997",
            Some(PHA),
            None,
            &[],
        );
        assert_one(
            "Under the Protection from Harassment Act, ...",
            "Protection from Harassment Act",
            Some(PHA),
            None,
            &[],
        );
    }

    #[test]
    fn short_name_without_year_needs_exact_case_alone() {
        assert!(scan("A day at the spa and a pha sound.").is_empty());
        // ... but any case when attached to a section, as in search queries.
        assert_one("pha s4a", "pha s4a", Some(PHA), Some("4A"), &[]);
        assert_one("s4a pha", "s4a pha", Some(PHA), Some("4A"), &[]);
        assert_one("s4a pha 1997", "s4a pha 1997", Some(PHA), Some("4A"), &[]);
        assert_one("spa 2019", "spa 2019", Some(SPA), None, &[]);
    }

    #[test]
    fn unknown_acts_by_general_grammar() {
        let t = "Officers may also consider the Criminal Justice and Police Act 2001.";
        let c = one(t);
        assert_eq!(&t[c.span.clone()], "Criminal Justice and Police Act 2001");
        assert_eq!(
            c.act.as_deref(),
            Some("Criminal Justice and Police Act 2001")
        );
        assert!(!c.known_act && !c.ambiguous);
        assert_one(
            "This is section 76 of the Serious Crime Act 2015.",
            "section 76 of the Serious Crime Act 2015",
            Some("Serious Crime Act 2015"),
            Some("76"),
            &[],
        );
        let t = "See section 24 of the Police and Criminal Evidence Act 1984 for arrest.";
        let c = one(t);
        assert_eq!(
            &t[c.span.clone()],
            "section 24 of the Police and Criminal Evidence Act 1984"
        );
        assert!(!c.known_act);
        assert_one(
            "Policing and Crime Act 2017, s 175 raised the maximum.",
            "Policing and Crime Act 2017, s 175",
            Some("Policing and Crime Act 2017"),
            Some("175"),
            &[],
        );
        assert_one(
            "Policing and Crime Act 2017 s.175 raised the maximum.",
            "Policing and Crime Act 2017 s.175",
            Some("Policing and Crime Act 2017"),
            Some("175"),
            &[],
        );
        assert_one(
            "Contrary to the Criminal Justice Act 1988.",
            "Criminal Justice Act 1988",
            Some("Criminal Justice Act 1988"),
            None,
            &[],
        );
        assert_one(
            "Offences against the Person Act 1861 s.47 applies.",
            "Offences against the Person Act 1861 s.47",
            Some("Offences against the Person Act 1861"),
            Some("47"),
            &[],
        );
        assert_one(
            "The Domestic Abuse (Scotland) Act 2018 differs.",
            "Domestic Abuse (Scotland) Act 2018",
            Some("Domestic Abuse (Scotland) Act 2018"),
            None,
            &[],
        );
        assert_one(
            "The Anti-social Behaviour, Crime and Policing Act 2014 applies.",
            "Anti-social Behaviour, Crime and Policing Act 2014",
            Some("Anti-social Behaviour, Crime and Policing Act 2014"),
            None,
            &[],
        );
        assert_one(
            "The Anti-social Behaviour Act 2003 applies.",
            "Anti-social Behaviour Act 2003",
            Some("Anti-social Behaviour Act 2003"),
            None,
            &[],
        );
        assert_one(
            "Under the Representation of the People Act 1983 ...",
            "Representation of the People Act 1983",
            Some("Representation of the People Act 1983"),
            None,
            &[],
        );
        // A known act written with a possessive apostrophe, straight or curly.
        assert_one(
            "s.127 of the Magistrates' Courts Act 1980",
            "s.127 of the Magistrates' Courts Act 1980",
            Some("Magistrates’ Courts Act 1980"),
            Some("127"),
            &[],
        );
        // Unknown with an apostrophe, and a line break inside the name.
        let t = "the Children's Homes\nAct 2001 applies";
        let c = one(t);
        assert_eq!(&t[c.span.clone()], "Children's Homes\nAct 2001");
        assert_eq!(c.act.as_deref(), Some("Children's Homes Act 2001"));
    }

    #[test]
    fn title_case_headings_keep_only_the_act() {
        for (t, span, act, known) in [
            (
                "## Offences Under The Protection From Harassment Act 1997",
                "Protection From Harassment Act 1997",
                PHA,
                true,
            ),
            (
                "Powers Of Arrest Under The Police And Criminal Evidence Act 1984",
                "Police And Criminal Evidence Act 1984",
                "Police And Criminal Evidence Act 1984",
                false,
            ),
            (
                "Guidance For Officers Using The Children Act 1989",
                "Children Act 1989",
                "Children Act 1989",
                false,
            ),
            (
                "Offences Against The Person Act 1861",
                "Offences Against The Person Act 1861",
                "Offences Against The Person Act 1861",
                false,
            ),
            (
                "Orders Stalking Protection Act 2019",
                "Stalking Protection Act 2019",
                SPA,
                true,
            ),
        ] {
            let c = one(t);
            assert_eq!(&t[c.span.clone()], span, "{t}");
            assert_eq!(c.act.as_deref(), Some(act), "{t}");
            assert_eq!(c.known_act, known, "{t}");
        }
    }

    #[test]
    fn commas_in_unknown_names() {
        assert_one(
            "See the Police, Crime, Sentencing and Courts Act 2022 s.1.",
            "Police, Crime, Sentencing and Courts Act 2022 s.1",
            Some("Police, Crime, Sentencing and Courts Act 2022"),
            Some("1"),
            &[],
        );
        assert_one(
            "In England and Wales, Police and Criminal Evidence Act 1984 applies.",
            "Police and Criminal Evidence Act 1984",
            Some("Police and Criminal Evidence Act 1984"),
            None,
            &[],
        );
        assert_one(
            "In Wales, Police and Criminal Evidence Act 1984 applies.",
            "Police and Criminal Evidence Act 1984",
            Some("Police and Criminal Evidence Act 1984"),
            None,
            &[],
        );
        // Documented limit: without "the", the comma ends the name.
        assert_one(
            "Inserted by Domestic Violence, Crime and Victims Act 2004 s.12.",
            "Crime and Victims Act 2004 s.12",
            Some("Crime and Victims Act 2004"),
            Some("12"),
            &[],
        );
        // Two acts in a list stay two acts.
        let t = "the Sexual Offences Act 2003, Crime and Disorder Act 1998";
        assert_eq!(
            scan(t)
                .iter()
                .map(|c| &t[c.span.clone()])
                .collect::<Vec<_>>(),
            ["Sexual Offences Act 2003", "Crime and Disorder Act 1998"]
        );
    }

    #[test]
    fn capital_s_with_a_plain_number_needs_an_act() {
        assert!(scan("Ref: S12/2024. Room S4. Form S 1.").is_empty());
        assert_one("S4A applies", "S4A", None, Some("4A"), &[]);
        assert_one("S.4 applies", "S.4", None, Some("4"), &[]);
        assert_one("S 4(1) applies", "S 4(1)", None, Some("4"), &["1"]);
        assert_one("S4 PHA applies", "S4 PHA", Some(PHA), Some("4"), &[]);
        assert_one("PHA S 4 applies", "PHA S 4", Some(PHA), Some("4"), &[]);
        // Even with an act in context.
        let t = table();
        let mut sc = CitationScanner::new(&t);
        sc.scan("PHA 1997");
        assert!(sc.scan("Meet in Room S4.").is_empty());
        assert_eq!(sc.scan("s4 applies")[0].act.as_deref(), Some(PHA));
    }

    #[test]
    fn unknown_act_without_year_only_after_section_of() {
        assert!(scan("The Human Rights Act protects everyone.").is_empty());
        assert_one(
            "section 6 of the Human Rights Act applies",
            "section 6 of the Human Rights Act",
            Some("Human Rights Act"),
            Some("6"),
            &[],
        );
    }

    #[test]
    fn acronym_with_year() {
        assert_one(
            "CJA 2003 s.281(5) is not yet in force.",
            "CJA 2003 s.281(5)",
            Some("CJA 2003"),
            Some("281"),
            &["5"],
        );
        assert_one(
            "s.66A of the SOA 2003 covers it.",
            "s.66A of the SOA 2003",
            Some("SOA 2003"),
            Some("66A"),
            &[],
        );
        assert_one(
            "s.1 of the MCA makes it an offence",
            "s.1 of the MCA",
            Some("MCA"),
            Some("1"),
            &[],
        );
        // Alone, an acronym and a year is not a citation ("SI 2020/26").
        assert!(scan("It came into force by SI 2020/26 and GDPR 2018.").is_empty());
        // A document noun after the acronym: not an act.
        let c = one("See section 3 of the CPS guidance.");
        assert!(c.ambiguous);
        // The acronym of a known act with its year.
        assert_one(
            "SA 2020 s.363 applies.",
            "SA 2020 s.363",
            Some(SA),
            Some("363"),
            &[],
        );
    }

    #[test]
    fn lists_and_ranges() {
        let t = "sections 2 and 2A of the PHA 1997";
        assert_eq!(
            brief(t, &scan(t)),
            vec![
                (
                    "sections 2".into(),
                    Some(PHA.into()),
                    Some("2".into()),
                    vec![]
                ),
                (
                    "2A of the PHA 1997".into(),
                    Some(PHA.into()),
                    Some("2A".into()),
                    vec![]
                ),
            ]
        );
        let t = "ss.2 and 2A apply.";
        let cs = scan(t);
        assert_eq!(
            brief(t, &cs)
                .iter()
                .map(|b| b.0.as_str())
                .collect::<Vec<_>>(),
            ["ss.2", "2A"]
        );
        assert!(cs.iter().all(|c| c.ambiguous));
        let t = "PHA 1997 ss.2, 2A and 4 set out the offences";
        let cs = scan(t);
        assert_eq!(
            cs.iter()
                .map(|c| (&t[c.span.clone()], c.section.as_deref().unwrap()))
                .collect::<Vec<_>>(),
            [("PHA 1997 ss.2", "2"), ("2A", "2A"), ("4", "4")]
        );
        assert!(
            cs.iter()
                .all(|c| c.act.as_deref() == Some(PHA) && !c.act_from_context)
        );
        let t = "Sentencing Act 2020 ss.359–364 replaced PHA s.5.";
        let cs = scan(t);
        assert_eq!(
            brief(t, &cs),
            vec![
                (
                    "Sentencing Act 2020 ss.359".into(),
                    Some(SA.into()),
                    Some("359".into()),
                    vec![]
                ),
                ("364".into(), Some(SA.into()), Some("364".into()), vec![]),
                ("PHA s.5".into(), Some(PHA.into()), Some("5".into()), vec![]),
            ]
        );
        let t = "ss.359-364 SA 2020";
        assert_eq!(
            scan(t)
                .iter()
                .map(|c| &t[c.span.clone()])
                .collect::<Vec<_>>(),
            ["ss.359", "364 SA 2020"]
        );
        let t = "ss.2 to 4 of the PHA";
        assert_eq!(scan(t).len(), 2);
        let t = "s.2 and s.2A of the PHA 1997";
        let cs = scan(t);
        assert_eq!(
            cs.iter().map(|c| &t[c.span.clone()]).collect::<Vec<_>>(),
            ["s.2", "s.2A of the PHA 1997"]
        );
        assert!(cs.iter().all(|c| c.act.as_deref() == Some(PHA)));
        let t = "aggravated s.4/4A PHA";
        assert_eq!(
            scan(t)
                .iter()
                .map(|c| c.section.clone().unwrap())
                .collect::<Vec<_>>(),
            ["4", "4A"]
        );
        let t = "s.4 or 4A of the PHA";
        assert_eq!(scan(t).len(), 2);
        let t = "ss.2, 2A, and 4";
        assert_eq!(scan(t).len(), 3);
        let t = "ss.2A & 4A";
        assert_eq!(scan(t).len(), 2);
    }

    #[test]
    fn list_does_not_swallow_counts() {
        // Singular keyword: a bare number followed by a plain word is a count.
        let t = "Under s.4A and 2 officers attended.";
        assert_eq!(scan(t).len(), 1);
        let t = "Under s.4A, 3 days later.";
        assert_eq!(scan(t).len(), 1);
        let t = "Under ss.2A and 4A, 3 days later.";
        assert_eq!(scan(t).len(), 2);
        let t = "s.4 to 6 months";
        assert_eq!(scan(t).len(), 1);
        // Plural keyword with "and": the last number is still a section.
        let t = "sections 2 and 3 apply";
        assert_eq!(scan(t).len(), 2);
    }

    #[test]
    fn subsections() {
        assert_one("s.2A(3)(b)", "s.2A(3)(b)", None, Some("2A"), &["3", "b"]);
        assert_one(
            "s.1(1)(a)(ii) MCA 1980",
            "s.1(1)(a)(ii) MCA 1980",
            Some("Magistrates’ Courts Act 1980"),
            Some("1"),
            &["1", "a", "ii"],
        );
        assert_one(
            "Sentencing Act 2020 s.224(1A)",
            "Sentencing Act 2020 s.224(1A)",
            Some(SA),
            Some("224"),
            &["1A"],
        );
        assert_one(
            "subsection (3) of section 2A of the PHA 1997",
            "subsection (3) of section 2A of the PHA 1997",
            Some(PHA),
            Some("2A"),
            &["3"],
        );
        assert_one(
            "Read subsection (3)(b) of s.2A.",
            "subsection (3)(b) of s.2A",
            None,
            Some("2A"),
            &["3", "b"],
        );
        assert_one(
            "Read sub-section (3) of section 2A.",
            "sub-section (3) of section 2A",
            None,
            Some("2A"),
            &["3"],
        );
        let t = "subsections (2) and (3) of section 2A";
        let cs = scan(t);
        assert_eq!(
            cs.iter()
                .map(|c| (&t[c.span.clone()], c.subsections.clone()))
                .collect::<Vec<_>>(),
            [
                ("subsections (2)", s(&["2"])),
                ("(3) of section 2A", s(&["3"]))
            ]
        );
        // "subsection (3)" with no section is not a citation.
        assert!(scan("see subsection (3) below").is_empty());
        // A space before the bracket: the bracket is not a subsection.
        let c = one("s.4A (a) first");
        assert!(c.subsections.is_empty());
        // Not a label.
        let c = one("s.4A(see below)");
        assert!(c.subsections.is_empty());
    }

    #[test]
    fn subsection_ranges_and_lists() {
        let t = "CA 2003 s.127(2)(a)–(b) was repealed";
        assert_eq!(
            brief(t, &scan(t)),
            vec![
                (
                    "CA 2003 s.127(2)(a)".into(),
                    Some("Communications Act 2003".into()),
                    Some("127".into()),
                    s(&["2", "a"])
                ),
                (
                    "(b)".into(),
                    Some("Communications Act 2003".into()),
                    Some("127".into()),
                    s(&["2", "b"])
                ),
            ]
        );
        let t = "s.1(1)(a)(ii) and (iii)";
        let cs = scan(t);
        assert_eq!(cs[1].subsections, s(&["1", "a", "iii"]));
        assert_eq!(&t[cs[1].span.clone()], "(iii)");
        let t = "PHA s.5(5)-(6)";
        let cs = scan(t);
        assert_eq!(
            cs.iter().map(|c| c.subsections.clone()).collect::<Vec<_>>(),
            [s(&["5"]), s(&["6"])]
        );
        // "and (b)" after a section with no subsections is prose.
        assert_eq!(scan("s.4A and (b) the victim").len(), 1);
    }

    #[test]
    fn the_act_references() {
        let t = table();
        let mut sc = CitationScanner::new(&t);
        // Nothing in context: "the Act" is nothing, and a section of it is ambiguous.
        assert!(sc.scan("The Act does not define stalking.").is_empty());
        let text = "section 7 of the Act";
        let c = &sc.scan(text)[0];
        assert!(c.ambiguous);
        assert_eq!(&text[c.span.clone()], "section 7 of the Act");
        sc.scan("The Protection from Harassment Act 1997 applies. The Stalking Protection Act 2019 too.");
        assert_eq!(sc.last_act(), Some(SPA));
        let text = "The Act does not define stalking.";
        let c = &sc.scan(text)[0];
        assert_eq!(&text[c.span.clone()], "The Act");
        assert_eq!(c.act.as_deref(), Some(SPA));
        assert!(c.act_from_context && c.section.is_none());
        let text = "Section 7 of the 1997 Act defines harassment.";
        let c = &sc.scan(text)[0];
        assert_eq!(&text[c.span.clone()], "Section 7 of the 1997 Act");
        assert_eq!(c.act.as_deref(), Some(PHA));
        assert!(c.act_from_context && c.known_act);
        // "the 1997 Act" made the PHA the latest act.
        assert_eq!(sc.last_act(), Some(PHA));
        let text = "The 2019 Act came later; s.8 of that Act creates the breach offence.";
        let cs = sc.scan(text);
        assert_eq!(brief(text, &cs)[0].0, "The 2019 Act");
        assert_eq!(cs[1].act.as_deref(), Some(SPA));
        assert_eq!(&text[cs[1].span.clone()], "s.8 of that Act");
        // An unmatched year, lower-case "the act", "the Act of ...": nothing.
        assert!(
            sc.scan("the 1988 Act; the act of following; the Act of Union")
                .is_empty()
        );
    }

    #[test]
    fn document_sections_are_never_attached_to_an_act() {
        let t = table();
        let mut sc = CitationScanner::new(&t);
        sc.scan("the PHA 1997");
        for text in [
            "See section 3 below.",
            "as in section 3 above",
            "section 3 of this guidance",
            "Section 5 of the Code of Practice",
        ] {
            let c = &sc.scan(text)[0];
            assert!(c.ambiguous && c.act.is_none(), "{text}");
        }
        // Decimal numbering is not a statutory section at all.
        assert!(sc.scan("See section 4.2 of this guidance.").is_empty());
        // And the context survives.
        assert_eq!(sc.scan("s.4A")[0].act.as_deref(), Some(PHA));
    }

    #[test]
    fn non_citations() {
        for t in [
            "This section explains the law.",
            "In 1997 Parliament acted.",
            "Act quickly when the victim calls.",
            "Act 1997 was a typo.",
            "The officer’s 3 reports and the victim's 2 calls.",
            "The officers 4A team.",
            "It costs 1,000 pounds or 4%.",
            "The 3rd and 4th visits.",
            "Email s4a@example.police.uk or admin.s4a@force.uk now.",
            "See https://www.legislation.gov.uk/ukpga/1997/40/section/4A for the text.",
            "See www.example.com/s4a and <https://x.y/s.4A>.",
            "[[legislation/pha-1997/s4a]] and @/legislation/pha-1997/s4a.md and ../pha-1997/s4a.md",
            "Anchor #s4a and file s4a.md.",
            "Acts of kindness, 2019 onwards.",
            "Section headings use title case.",
            "s.x and s. and ss. and section.",
            "sections of the public",
            "s 12345 is too long",
            "The Act",
            "",
        ] {
            let cs = scan(t);
            assert!(cs.is_empty(), "{t:?} gave {cs:#?}");
        }
    }

    #[test]
    fn unknown_acronym_next_to_a_section() {
        let t = table();
        let mut sc = CitationScanner::new(&t);
        sc.scan("The Online Safety Act 2023 repealed parts of other acts.");
        let text = "It repealed MCA s.1(1)(a)(ii) and s.1 MCA.";
        let cs = sc.scan(text);
        assert_eq!(
            brief(text, &cs),
            vec![
                (
                    "MCA s.1(1)(a)(ii)".into(),
                    Some("MCA".into()),
                    Some("1".into()),
                    s(&["1", "a", "ii"])
                ),
                (
                    "s.1 MCA".into(),
                    Some("MCA".into()),
                    Some("1".into()),
                    vec![]
                ),
            ]
        );
        assert!(cs.iter().all(|c| !c.known_act && !c.act_from_context));
        // Not an act: a document noun follows, or a word follows a direct acronym.
        let text = "Under s.4A CPS guidance applies.";
        let cs = sc.scan(text);
        assert_eq!(brief(text, &cs)[0].0, "s.4A");
        assert_eq!(cs[0].act.as_deref(), Some("MCA"));
        assert!(cs[0].act_from_context);
        // An acronym alone is nothing.
        assert!(sc.scan("The MCA and CPS agree.").is_empty());
    }

    #[test]
    fn page_ids_with_one_slash_are_not_citations() {
        assert!(scan("The folder id is `legislation/pha-1997` and pha-1997/s4a too.").is_empty());
        // A slash list is still a list.
        let t = "s.2/s.2A PHA";
        assert_eq!(
            scan(t)
                .iter()
                .map(|c| &t[c.span.clone()])
                .collect::<Vec<_>>(),
            ["s.2", "s.2A PHA"]
        );
    }

    #[test]
    fn markdown_links_keep_their_text() {
        let t = "[s.4A PHA 1997](https://www.legislation.gov.uk/ukpga/1997/40/section/4A)";
        assert_one(t, "s.4A PHA 1997", Some(PHA), Some("4A"), &[]);
        let t = "[[legislation/pha-1997/s4a|s.4A of the PHA]]";
        assert_one(t, "s.4A of the PHA", Some(PHA), Some("4A"), &[]);
        let t = "**s.4A** applies";
        assert_one(t, "s.4A", None, Some("4A"), &[]);
    }

    #[test]
    fn bracketed_abbreviation_is_not_cited_twice() {
        let t = "The Stalking Protection Act 2019 (SPA) lets police apply. The SPA also ...";
        let cs = scan(t);
        assert_eq!(
            brief(t, &cs)
                .iter()
                .map(|b| b.0.as_str())
                .collect::<Vec<_>>(),
            ["Stalking Protection Act 2019", "SPA"]
        );
        assert_eq!(cs[1].span.start, t.rfind("SPA").unwrap());
    }

    #[test]
    fn act_after_list_wins_over_act_before() {
        let t = "Under the Serious Crime Act 2015, s.4A of the PHA applies.";
        let cs = scan(t);
        assert_eq!(
            brief(t, &cs),
            vec![
                (
                    "Serious Crime Act 2015".into(),
                    Some("Serious Crime Act 2015".into()),
                    None,
                    vec![]
                ),
                (
                    "s.4A of the PHA".into(),
                    Some(PHA.into()),
                    Some("4A".into()),
                    vec![]
                ),
            ]
        );
    }

    #[test]
    fn several_citations_in_one_sentence() {
        let t = "ss.2A and 4A were inserted by the Protection of Freedoms Act 2012 (s.111), and s.4 of the PHA 1997 by s.175 of the Policing and Crime Act 2017.";
        let cs = scan(t);
        let got: Vec<_> = cs
            .iter()
            .map(|c| {
                (
                    &t[c.span.clone()],
                    c.section.as_deref(),
                    c.act.as_deref(),
                    c.act_from_context,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("ss.2A", Some("2A"), None, false),
                ("4A", Some("4A"), None, false),
                (
                    "Protection of Freedoms Act 2012",
                    None,
                    Some("Protection of Freedoms Act 2012"),
                    false
                ),
                (
                    "s.111",
                    Some("111"),
                    Some("Protection of Freedoms Act 2012"),
                    true
                ),
                ("s.4 of the PHA 1997", Some("4"), Some(PHA), false),
                (
                    "s.175 of the Policing and Crime Act 2017",
                    Some("175"),
                    Some("Policing and Crime Act 2017"),
                    false
                ),
            ]
        );
    }

    #[test]
    fn unicode_around_citations() {
        let t = "Résumé — «s.4A PHA 1997» — 日本語テキスト s 2A(3)(b) 🙂 Protection from Harassment Act 1997…";
        let cs = scan(t);
        assert_eq!(
            cs.iter().map(|c| &t[c.span.clone()]).collect::<Vec<_>>(),
            [
                "s.4A PHA 1997",
                "s 2A(3)(b)",
                "Protection from Harassment Act 1997"
            ]
        );
        assert!(cs[1].act_from_context);
        // Letters glued to a number are not a section number; non-ASCII letters either.
        assert!(scan("s 4é and s 4日").is_empty());
        // A non-breaking space between keyword and number is whitespace.
        assert_one("s.\u{a0}4A", "s.\u{a0}4A", None, Some("4A"), &[]);
        assert_one(
            "section\u{a0}4A\u{a0}PHA",
            "section\u{a0}4A\u{a0}PHA",
            Some(PHA),
            Some("4A"),
            &[],
        );
    }

    #[test]
    fn blank_lines_separate_blocks() {
        let t = "s.4A\n\nPHA 1997";
        let cs = scan(t);
        assert_eq!(
            cs.iter().map(|c| &t[c.span.clone()]).collect::<Vec<_>>(),
            ["s.4A", "PHA 1997"]
        );
        assert!(cs[0].ambiguous);
        let t = "s.4A\nPHA 1997";
        assert_one(t, "s.4A\nPHA 1997", Some(PHA), Some("4A"), &[]);
    }

    // ----- API -----

    #[test]
    fn provision_strings() {
        assert_eq!(one("s.4A").provision().as_deref(), Some("s.4A"));
        assert_eq!(
            one("section 2A(3)(b)").provision().as_deref(),
            Some("s.2A(3)(b)")
        );
        assert_eq!(
            one("s.1(1)(a)(ii)").provision().as_deref(),
            Some("s.1(1)(a)(ii)")
        );
        assert_eq!(one("SPA 2019").provision(), None);
    }

    #[test]
    fn parse_provision_forms() {
        let p = |x: &str| parse_provision(x);
        assert_eq!(p("s.4A"), Some(("4A".into(), vec![])));
        assert_eq!(p("section 4A"), Some(("4A".into(), vec![])));
        assert_eq!(p("s 4A(3)"), Some(("4A".into(), s(&["3"]))));
        assert_eq!(p("s4a"), Some(("4A".into(), vec![])));
        assert_eq!(p(" S.2A(3)(b) "), Some(("2A".into(), s(&["3", "b"]))));
        assert_eq!(p("s.1(1)(a)(ii)"), Some(("1".into(), s(&["1", "a", "ii"]))));
        assert_eq!(p("4A"), Some(("4A".into(), vec![])));
        assert_eq!(
            p("subsection (3) of section 2A"),
            Some(("2A".into(), s(&["3"])))
        );
        assert_eq!(p("sect. 127"), Some(("127".into(), vec![])));
        for bad in [
            "",
            "s.",
            "section",
            "s.4A PHA",
            "ss.2 and 2A",
            "4.2",
            "Act 1997",
            "s.4A(",
            "4A and more",
        ] {
            assert_eq!(p(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn act_table_canonical() {
        let t = table();
        assert_eq!(t.canonical("PHA"), Some(PHA));
        assert_eq!(t.canonical("pha 1997"), Some(PHA));
        assert_eq!(
            t.canonical("the Protection from Harassment Act 1997"),
            Some(PHA)
        );
        assert_eq!(
            t.canonical("  protection  FROM harassment act 1997 "),
            Some(PHA)
        );
        assert_eq!(t.canonical("Protection from Harassment Act"), Some(PHA));
        assert_eq!(t.canonical("SPA"), Some(SPA));
        assert_eq!(
            t.canonical("Magistrates Courts Act 1980"),
            Some("Magistrates’ Courts Act 1980")
        );
        assert_eq!(t.canonical("PHA 2005"), None);
        assert_eq!(t.canonical("Criminal Justice Act 2003"), None);
        assert_eq!(t.canonical(""), None);
        assert_eq!(t.canonical("the"), None);
        assert_eq!(t.len(), 6);
        assert!(!t.is_empty() && ActTable::new().is_empty());
    }

    #[test]
    fn act_table_merges_and_first_owner_wins() {
        let mut t = ActTable::new();
        t.add("Protection from Harassment Act 1997", &s(&["PHA 1997"]));
        t.add("Protection from Harassment Act 1997", &s(&["PHA"]));
        t.add("Public Health Act 1936", &s(&["PHA"]));
        assert_eq!(t.len(), 2);
        assert_eq!(t.canonical("PHA"), Some(PHA));
        t.add("", &s(&["X"]));
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn search_token_scheme() {
        let t = table();
        let toks = |text: &str| one(text).search_tokens(&t);
        assert_eq!(toks("s.4A PHA 1997"), ["s4a", "pha1997s4a", "pha1997"]);
        assert_eq!(
            toks("section 4A of the Protection from Harassment Act 1997"),
            ["s4a", "pha1997s4a", "pha1997"]
        );
        assert_eq!(toks("pha s4a"), ["s4a", "pha1997s4a", "pha1997"]);
        assert_eq!(toks("s4A"), ["s4a"]);
        assert_eq!(toks("s.2A(3)(b)"), ["s2a"]);
        assert_eq!(toks("the Stalking Protection Act 2019"), ["spa2019"]);
        assert_eq!(
            toks("Criminal Justice and Police Act 2001, s.42A"),
            ["s42a", "cjpa2001s42a", "cjpa2001"]
        );
        assert_eq!(toks("CJA 2003 s.281"), ["s281", "cja2003s281", "cja2003"]);
        assert_eq!(
            toks("s.127 Magistrates’ Courts Act 1980"),
            ["s127", "mca1980s127", "mca1980"]
        );
        assert_eq!(
            act_search_key("Domestic Abuse (Scotland) Act 2018"),
            "dasa2018"
        );
        assert_eq!(act_search_key("Children's Homes Act 2001"), "cha2001");
        assert_eq!(act_search_key(""), "");
        assert_eq!(
            act_search_key("PoFA 2012"),
            act_search_key("Protection of Freedoms Act 2012")
        );
        // Non-ASCII initials are dropped (UK act names are ASCII); the key stays a plain token.
        assert_eq!(act_search_key("Loi Énergie Act 2001"), "la2001");
    }

    #[test]
    fn every_form_yields_the_same_search_token() {
        let t = table();
        let mut sc = CitationScanner::new(&t);
        for q in ["s4A", "s.4A", "section 4A", "S 4A", "sect. 4a", "s. 4A"] {
            sc.reset();
            assert_eq!(sc.scan(q)[0].search_tokens(&t), ["s4a"], "{q}");
        }
    }

    // ----- robustness -----

    /// Small deterministic xorshift, so the test needs no crates and never flakes.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'x>(&mut self, v: &[&'x str]) -> &'x str {
            v[(self.next() % v.len() as u64) as usize]
        }
    }

    const PIECES: &[&str] = &[
        "s",
        "S",
        "ss",
        "s.",
        "ss.",
        "section",
        "sections",
        "subsection",
        "sub-section",
        "sect",
        "4A",
        "2",
        "127",
        "4.2",
        "(",
        ")",
        "(3)",
        "(b)",
        "(ii)",
        "3",
        "b",
        "ii",
        " ",
        " ",
        " ",
        "\n",
        "\n\n",
        ",",
        ".",
        "–",
        "-",
        "/",
        "&",
        "and",
        "or",
        "to",
        "of",
        "the",
        "The",
        "this",
        "Act",
        "1997",
        "2019",
        "PHA",
        "pha",
        "SPA",
        "Protection",
        "from",
        "Harassment",
        "Stalking",
        "Crime",
        "Under",
        "Criminal",
        "Justice",
        "CJA",
        "’",
        "'",
        "é",
        "日本",
        "🙂",
        "\u{a0}",
        "\u{301}",
        "https://",
        "www.",
        "@",
        "#",
        "[[",
        "]]",
        "|",
        "s4A",
        "S4A",
        "1,000",
        "%",
        "below",
        "Children",
        "(Scotland)",
        "Ⅻ",
        "٣",
        "ß",
        "İ",
        "\t",
        "\r\n",
        "x",
    ];

    fn check_invariants(text: &str, cs: &[Citation]) {
        let mut last_end = 0;
        for c in cs {
            assert!(
                c.span.start < c.span.end && c.span.end <= text.len(),
                "{text:?}: {c:?}"
            );
            assert!(
                text.is_char_boundary(c.span.start) && text.is_char_boundary(c.span.end),
                "{text:?}: {c:?}"
            );
            assert!(c.span.start >= last_end, "overlap in {text:?}: {cs:#?}");
            last_end = c.span.end;
            assert_eq!(c.ambiguous, c.act.is_none(), "{text:?}: {c:?}");
            assert!(c.section.is_some() || !c.ambiguous);
            assert!(!c.known_act || c.act.is_some());
            assert_eq!(c.provision().is_some(), c.section.is_some());
            // What provision() writes, parse_provision() reads back.
            if let Some(p) = c.provision() {
                let back = parse_provision(&p);
                assert_eq!(
                    back,
                    Some((c.section.clone().unwrap(), c.subsections.clone())),
                    "{p}"
                );
            }
        }
    }

    #[test]
    fn never_panics_on_generated_text() {
        let t = table();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let n = (rng.next() % 24) as usize;
            let mut text = String::new();
            for _ in 0..n {
                text.push_str(rng.pick(PIECES));
                if rng.next().is_multiple_of(3) {
                    text.push(' ');
                }
            }
            let mut sc = CitationScanner::new(&t);
            let cs = sc.scan(&text);
            check_invariants(&text, &cs);
            for c in &cs {
                for tok in c.search_tokens(&t) {
                    assert!(!tok.is_empty(), "{text:?}");
                    assert!(
                        tok.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                        "{tok:?}"
                    );
                }
            }
            let _ = parse_provision(&text);
            let _ = t.canonical(&text);
        }
    }

    #[test]
    fn never_panics_on_random_chars() {
        let t = table();
        let mut rng = Rng(42);
        let alphabet: Vec<char> = "sS.()4A2b, –-/'’é日🙂\n \u{a0}Act1997PHAof[]|@#:"
            .chars()
            .chain(['\u{0}', '\u{FFFF}', '\u{10FFFF}', '\u{301}'])
            .collect();
        for _ in 0..20_000 {
            let n = (rng.next() % 40) as usize;
            let text: String = (0..n)
                .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
                .collect();
            let cs = CitationScanner::new(&t).scan(&text);
            check_invariants(&text, &cs);
            let _ = parse_provision(&text);
        }
    }

    #[test]
    fn pathological_inputs_stay_fast() {
        let t = table();
        let started = std::time::Instant::now();
        for text in [
            "Capital ".repeat(50_000),
            "Capital and of ".repeat(30_000) + "Act 1997",
            "[[".repeat(50_000),
            "s.".repeat(50_000),
            "ss.2, ".repeat(50_000),
            "(1)".repeat(50_000),
            "s.1(1)".to_string() + &" and (2)".repeat(30_000),
            "a/".repeat(50_000),
            "x".repeat(200_000),
            "The Act ".repeat(30_000),
        ] {
            let cs = CitationScanner::new(&t).scan(&text);
            check_invariants(&text, &cs);
        }
        assert!(
            started.elapsed().as_secs() < 10,
            "took {:?}",
            started.elapsed()
        );
    }

    /// `cargo test --release -- --ignored --nocapture bench_10mb` prints the throughput.
    #[test]
    #[ignore]
    fn bench_10mb() {
        let t = table();
        let para = "Officers should consider the Protection from Harassment Act 1997 whenever a victim reports \
                    repeated unwanted contact. Under s.4A PHA 1997 the maximum on indictment is 10 years, \
                    while s 2A is summary only; see also sections 2 and 2A, ss.359–364 of the Sentencing Act 2020 \
                    and the Stalking Protection Act 2019. Record the victim’s account in full, including dates, \
                    times and places, and check https://www.legislation.gov.uk/ukpga/1997/40 for the text. \
                    A risk assessment (DASH, S-DASH) must be completed by the officer in the case.\n\n";
        let mut text = String::new();
        while text.len() < 10 * 1024 * 1024 {
            text.push_str(para);
        }
        let started = std::time::Instant::now();
        let cs = CitationScanner::new(&t).scan(&text);
        let took = started.elapsed();
        eprintln!(
            "scanned {} bytes, {} citations in {:?}",
            text.len(),
            cs.len(),
            took
        );
        assert!(took.as_secs_f64() < 1.0);
    }
}
