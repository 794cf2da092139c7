//! Abbreviations in page text: where each is used, and where a page writes it out
//! ("stalking protection order (SPO)" or "SPO (stalking protection order)"). Shared by
//! `undefined-abbreviation` and `inconsistent-expansion`.
//!
//! An abbreviation is a word of two or more capitals with no lower-case letters (digits, `-`
//! and `&` allowed: `S-DASH`, `A&E`); a lower-case `s` after it is a plural and `'s` a
//! possessive, both uses of the singular. An expansion is accepted only when its words spell
//! the abbreviation: each word gives the next letter by its initial (and may give one or two
//! more from inside it, as "television" does in CCTV); short function words ("of", "and",
//! "for") may give a letter or be skipped.

use super::words::{Word, in_code, in_order, words};
use crate::graph::Site;
use crate::model::Page;
use crate::parse::markdown::Doc;
use std::collections::BTreeSet;
use std::ops::Range;

/// Where on a page a word is: the title and summary (front matter, shown above the body) or
/// a block of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Title,
    Summary,
    Block(usize),
}

/// One use of an abbreviation (the first use on a page is what matters).
#[derive(Debug, Clone)]
pub struct Use {
    pub abbr: String,
    pub block: Source,
    /// Place in the block's text.
    pub at: Range<usize>,
    /// Reading order on the page.
    pub order: (usize, usize),
}

/// An abbreviation written out on a page.
#[derive(Debug, Clone)]
pub struct Expansion {
    pub abbr: String,
    /// The words as written.
    pub text: String,
    /// Lower-case, stemmed words, for comparing expansions.
    pub norm: Vec<String>,
    pub block: Source,
    /// The expansion's words in the block's text.
    pub at: Range<usize>,
    pub order: (usize, usize),
}

#[derive(Debug, Default)]
pub struct PageAbbreviations {
    pub uses: Vec<Use>,
    pub expansions: Vec<Expansion>,
}

/// Words that are shouted in capitals ("do NOT") rather than abbreviations.
const EMPHASIS: &[&str] = &[
    "ALWAYS",
    "AND",
    "DO",
    "DON'T",
    "IMPORTANT",
    "MUST",
    "NEVER",
    "NOT",
    "NOTE",
    "OK",
    "ONLY",
    "OR",
    "SHOULD",
    "THE",
    "WARNING",
];

/// Common words that are abbreviations only when they stand alone: next to another word in
/// capitals they are a shouted phrase ("CALL THE POLICE").
const COMMON: &[&str] = &[
    "A", "ALL", "AN", "ANY", "ARE", "AS", "AT", "BE", "BY", "CALL", "CAN", "FOR", "FROM", "HAS",
    "HAVE", "HE", "IF", "IN", "IS", "IT", "ITS", "MAY", "ME", "MY", "NEED", "NO", "NOW", "OF",
    "ON", "OUT", "SHE", "SO", "STOP", "THEY", "THIS", "TO", "UP", "US", "WE", "WHO", "WILL", "YES",
    "YOU", "YOUR",
];

/// Function words that may be skipped inside an expansion.
const STOP: &[&str] = &[
    "a", "against", "an", "and", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
    "to", "under", "with", "&",
];

/// The abbreviation a word uses (its singular, without a possessive), if it is one.
pub fn base(word: &str) -> Option<String> {
    let mut w = word;
    for suffix in ["'s", "\u{2019}s", "'", "\u{2019}"] {
        if let Some(s) = w.strip_suffix(suffix) {
            w = s;
            break;
        }
    }
    // "SPOs": a plural of SPO. ("HMICFRS" ends in a capital S and is left alone.)
    if let Some(s) = w.strip_suffix('s')
        && s.chars().last().is_some_and(|c| c.is_ascii_uppercase())
    {
        w = s;
    }
    let mut chars = w.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_uppercase()) {
        return None;
    }
    if !w
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '&')
    {
        return None;
    }
    if w.chars().filter(|c| c.is_ascii_uppercase()).count() < 2 {
        return None;
    }
    // Roman numerals ("Part IV", "Schedule II").
    if w.chars().all(|c| matches!(c, 'I' | 'V' | 'X')) {
        return None;
    }
    if EMPHASIS.contains(&w) {
        return None;
    }
    Some(w.to_string())
}

fn letters(abbr: &str) -> Vec<char> {
    abbr.chars()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

struct Part {
    chars: Vec<char>,
    /// May be skipped: a function word or a number ("Act 2019").
    optional: bool,
}

fn parts(ws: &[Word]) -> Vec<Part> {
    let mut out = Vec::new();
    for w in ws {
        for p in w.text.split(['-', '/']) {
            if p.is_empty() {
                continue;
            }
            let lower = p.to_lowercase();
            let chars: Vec<char> = lower.chars().filter(|c| c.is_alphanumeric()).collect();
            if chars.is_empty() {
                continue;
            }
            let optional =
                STOP.contains(&lower.as_str()) || chars.iter().all(|c| c.is_ascii_digit());
            out.push(Part { chars, optional });
        }
    }
    out
}

/// Whether the parts spell the letters, every required part giving at least its initial and,
/// with `inner`, up to two more letters from inside it.
fn spells(letters: &[char], parts: &[Part], inner: bool) -> bool {
    fn go(
        letters: &[char],
        parts: &[Part],
        pi: usize,
        li: usize,
        inner: bool,
        memo: &mut Vec<Option<bool>>,
    ) -> bool {
        if pi == parts.len() {
            return li == letters.len();
        }
        let key = pi * (letters.len() + 1) + li;
        if let Some(r) = memo[key] {
            return r;
        }
        let p = &parts[pi];
        let mut ok = p.optional && go(letters, parts, pi + 1, li, inner, memo);
        if !ok && li < letters.len() && p.chars[0] == letters[li] {
            // The initial, then up to two more letters found in order inside the word.
            let mut li2 = li + 1;
            let mut ci = 1;
            ok = go(letters, parts, pi + 1, li2, inner, memo);
            let mut extra = 0;
            while inner && !ok && extra < 2 && li2 < letters.len() {
                match p.chars[ci..].iter().position(|&c| c == letters[li2]) {
                    Some(k) => {
                        ci += k + 1;
                        li2 += 1;
                        extra += 1;
                        ok = go(letters, parts, pi + 1, li2, inner, memo);
                    }
                    None => break,
                }
            }
        }
        memo[key] = Some(ok);
        ok
    }
    let mut memo = vec![None; (parts.len() + 1) * (letters.len() + 1)];
    !parts.is_empty() && go(letters, parts, 0, 0, inner, &mut memo)
}

/// Initials only first ("Crown Prosecution Service", not "Crown Prosecution"), then letters
/// from inside words too ("closed-circuit television" for CCTV).
const PASSES: [bool; 2] = [false, true];

/// The shortest run of words ending just before `end` that spells the abbreviation.
fn expansion_before<'a>(abbr: &str, ws: &'a [Word<'a>], end: usize) -> Option<&'a [Word<'a>]> {
    let l = letters(abbr);
    let max = l.len() * 2 + 4;
    PASSES.iter().find_map(|&inner| {
        (end.saturating_sub(max)..end).rev().find_map(|start| {
            let window = &ws[start..end];
            let ps = parts(window);
            (!ps.first().is_some_and(|p| p.optional) && spells(&l, &ps, inner)).then_some(window)
        })
    })
}

/// The shortest run of words starting at `start` (within `limit`) that spells it.
fn expansion_after<'a>(
    abbr: &str,
    ws: &'a [Word<'a>],
    start: usize,
    limit: usize,
) -> Option<&'a [Word<'a>]> {
    let l = letters(abbr);
    let mut start = start;
    // Leading articles are not part of the expansion.
    while start < limit && matches!(ws[start].text.to_lowercase().as_str(), "the" | "a" | "an") {
        start += 1;
    }
    let max = (l.len() * 2 + 4).min(limit.saturating_sub(start));
    PASSES.iter().find_map(|&inner| {
        (1..=max).find_map(|n| {
            let window = &ws[start..start + n];
            spells(&l, &parts(window), inner).then_some(window)
        })
    })
}

/// Lower-case singular words of an expansion, so "Stalking Protection Orders" and "stalking
/// protection order" compare equal. Only plural and possessive endings go: "protective" and
/// "protection" are different words.
pub fn normalise(text: &str) -> Vec<String> {
    text.replace(['\'', '\u{2019}'], "")
        .split(|c: char| !(c.is_alphanumeric() || c == '&'))
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            if w == "&" {
                "and".to_string()
            } else if let Some(s) = w.strip_suffix("ies").filter(|s| s.len() > 2) {
                format!("{s}y")
            } else if w.ends_with("ss") || w.len() <= 3 {
                w
            } else if let Some(s) = w.strip_suffix('s') {
                s.to_string()
            } else {
                w
            }
        })
        .collect()
}

/// Whether text is a valid expansion of an abbreviation (glossary terms are checked with it).
pub fn expands(abbr: &str, text: &str) -> bool {
    let ws = words(text);
    let ps = parts(&ws);
    PASSES
        .iter()
        .any(|&inner| spells(&letters(abbr), &ps, inner))
}

const QUOTES: &[char] = &['"', '\'', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}'];

/// Capitals that are part of a reference rather than an abbreviation a reader needs spelt
/// out: a judgment's court code ("[2004] EWHC 2782"), a statutory instrument number
/// ("SI 2020/26"), a time ("5 PM"), a postcode ("SW1A 2AA"), a party in a case name
/// ("DPP v Baker"), which is cited as the law reports name it.
fn is_reference(text: &str, ws: &[Word], k: usize) -> bool {
    let w = &ws[k];
    let next = ws.get(k + 1).map(|n| n.text);
    let prev = k.checked_sub(1).map(|p| ws[p].text);
    if text[..w.range.start].trim_end().ends_with(']') {
        return true;
    }
    let versus = |t: &str| matches!(t, "v" | "v." | "vs" | "vs.");
    let capitalised =
        |t: Option<&str>| t.is_some_and(|t| t.starts_with(|c: char| c.is_uppercase()));
    if next.is_some_and(versus) && capitalised(ws.get(k + 2).map(|n| n.text))
        || prev.is_some_and(versus) && k >= 2 && capitalised(Some(ws[k - 2].text))
    {
        return true;
    }
    let year = |t: &str| t.len() == 4 && t.chars().all(|c| c.is_ascii_digit());
    if matches!(w.text, "SI" | "SSI" | "UKSI" | "WSI" | "NISR")
        && next.is_some_and(year)
        && text[ws[k + 1].range.end..].starts_with('/')
    {
        return true;
    }
    if matches!(w.text, "AM" | "PM") && prev.is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
    {
        return true;
    }
    is_postcode(w.text, next)
}

/// A UK postcode's outward code followed by its inward code ("SW1A 2AA", "M1 1AE").
fn is_postcode(outward: &str, inward: Option<&str>) -> bool {
    let o: Vec<char> = outward.chars().collect();
    let letters = o.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let shape_out = (1..=2).contains(&letters)
        && o.len() > letters
        && o.len() <= letters + 2
        && o[letters].is_ascii_digit()
        && o[letters + 1..].iter().all(|c| c.is_ascii_alphanumeric());
    let shape_in = inward.is_some_and(|i| {
        let c: Vec<char> = i.chars().collect();
        c.len() == 3
            && c[0].is_ascii_digit()
            && c[1].is_ascii_uppercase()
            && c[2].is_ascii_uppercase()
    });
    shape_out && shape_in
}

/// Whether text has two capitals close together (`SPO`, `A&E`): most prose has none, and is
/// skipped without splitting it into words.
fn may_hold_abbreviation(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len()).any(|i| {
        b[i].is_ascii_uppercase()
            && (b.get(i + 1).is_some_and(u8::is_ascii_uppercase)
                || b.get(i + 2).is_some_and(u8::is_ascii_uppercase))
    })
}

/// Scans one piece of text (a block, the title or the summary).
fn scan_text(
    text: &str,
    block: Source,
    order: usize,
    skip: &dyn Fn(&Word) -> bool,
    out: &mut PageAbbreviations,
) {
    if !may_hold_abbreviation(text) {
        return;
    }
    // "SPO-related", "pre-SPO": the abbreviation inside a hyphenated word is a use ("S-DASH",
    // an abbreviation with a hyphen, stays whole).
    let ws: Vec<Word> = words(text)
        .into_iter()
        .flat_map(|w| {
            if !w.text.contains('-') || base(w.text).is_some() {
                return vec![w];
            }
            let mut parts = Vec::new();
            let mut at = w.range.start;
            for p in w.text.split('-') {
                parts.push(Word {
                    text: &text[at..at + p.len()],
                    range: at..at + p.len(),
                });
                at += p.len() + 1;
            }
            parts.into_iter().filter(|p| !p.text.is_empty()).collect()
        })
        .collect();
    let caps = |w: &Word| {
        w.text.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && w.text.chars().all(|c| !c.is_lowercase())
    };
    for (k, w) in ws.iter().enumerate() {
        let Some(abbr) = base(w.text) else { continue };
        if skip(w) {
            continue;
        }
        if is_reference(text, &ws, k) {
            continue;
        }
        if COMMON.contains(&abbr.as_str()) {
            let prev = k.checked_sub(1).map(|p| &ws[p]);
            let next = ws.get(k + 1);
            if prev.is_some_and(caps) || next.is_some_and(caps) || k == 0 && ws.len() == 1 {
                continue;
            }
        }
        out.uses.push(Use {
            abbr: abbr.clone(),
            block,
            at: w.range.clone(),
            order: (order, w.range.start),
        });
        // "(SPO)", also quoted: "('SPO')", "(“SPO”)".
        let before = text[..w.range.start].trim_end_matches(QUOTES);
        let after = text[w.range.end..].trim_start_matches(QUOTES);
        let open_before = before.ends_with('(');
        let close_after = after.starts_with(')');
        if open_before && close_after {
            // "stalking protection order (SPO)"
            if let Some(win) = expansion_before(&abbr, &ws, k) {
                let at = win[0].range.start..win[win.len() - 1].range.end;
                out.expansions.push(Expansion {
                    abbr: abbr.clone(),
                    text: text[at.clone()].to_string(),
                    norm: normalise(&text[at.clone()]),
                    block,
                    at,
                    order: (order, w.range.start),
                });
            }
            continue;
        }
        // "SPO (stalking protection order)"
        let rest = &text[w.range.end..];
        let trimmed = rest.trim_start();
        if let Some(inner) = trimmed.strip_prefix('(') {
            let open = w.range.end + (rest.len() - trimmed.len());
            let close = inner.find(')').map_or(text.len(), |c| open + 1 + c);
            let first = ws.partition_point(|x| x.range.start <= open);
            let limit = ws.partition_point(|x| x.range.end <= close);
            if let Some(win) = expansion_after(&abbr, &ws, first, limit) {
                let at = win[0].range.start..win[win.len() - 1].range.end;
                out.expansions.push(Expansion {
                    abbr: abbr.clone(),
                    text: text[at.clone()].to_string(),
                    norm: normalise(&text[at.clone()]),
                    block,
                    at,
                    order: (order, w.range.start),
                });
            }
        }
    }
}

/// Every use and expansion of an abbreviation on a page: the title first, then the body in
/// reading order. Citations (act short names in them), inline code and the words of a
/// judgment's neutral citation are not uses.
pub fn scan_page(site: &Site, i: usize) -> PageAbbreviations {
    let page: &Page = &site.pages[i];
    let doc: &Doc = &site.docs[i];
    let mut out = PageAbbreviations::default();
    // The title and summary are shown above the body: their expansions define, their uses
    // are not body text.
    scan_text(page.title(), Source::Title, 0, &|_| false, &mut out);
    if let Some(summary) = page.fm.summary.as_deref() {
        scan_text(summary, Source::Summary, 0, &|_| false, &mut out);
    }
    out.uses.clear();
    let cited: Vec<Range<usize>> = doc.citations.iter().map(|c| c.range.clone()).collect();
    for (n, k) in in_order(&doc.blocks).into_iter().enumerate() {
        let b = &doc.blocks[k];
        let skip = |w: &Word| {
            let pos = b.body_pos(w.range.start);
            in_code(b, &page.body.text, w.range.start)
                || cited.iter().any(|r| r.start <= pos && pos < r.end)
        };
        scan_text(&b.text, Source::Block(k), n + 1, &skip, &mut out);
    }
    out
}

/// Abbreviations every page may use without writing them out: the glossary's (abbreviations,
/// and terms or synonyms written as abbreviations), act short names, and `site.yaml`
/// `checks: undefined-abbreviation: allow:`.
pub fn known(site: &Site) -> BTreeSet<String> {
    let mut k = BTreeSet::new();
    for g in &site.glossary {
        if let Some(a) = &g.abbreviation {
            k.insert(a.trim().to_string());
            if let Some(b) = base(a.trim()) {
                k.insert(b);
            }
        }
        for t in std::iter::once(&g.term).chain(&g.synonyms) {
            if let Some(b) = base(t.trim()) {
                k.insert(b);
            }
        }
    }
    let mut shorts: Vec<&String> = Vec::new();
    for p in &site.pages {
        if let Some(l) = &p.fm.legal.legislation {
            shorts.extend(&l.short);
        }
    }
    for (_, s) in &site.config.acts {
        shorts.extend(s);
    }
    for s in shorts {
        for w in words(s) {
            if let Some(b) = base(w.text) {
                k.insert(b);
            }
        }
    }
    for a in site
        .config
        .check_list("undefined-abbreviation", "allow")
        .into_iter()
        .chain(site.config.check_list("inconsistent-expansion", "allow"))
    {
        k.insert(a.trim().to_string());
        if let Some(b) = base(a.trim()) {
            k.insert(b);
        }
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases() {
        assert_eq!(base("SPOs").as_deref(), Some("SPO"));
        assert_eq!(base("SPO's").as_deref(), Some("SPO"));
        assert_eq!(base("HMICFRS").as_deref(), Some("HMICFRS"));
        assert_eq!(base("S-DASH").as_deref(), Some("S-DASH"));
        assert_eq!(base("A&E").as_deref(), Some("A&E"));
        assert_eq!(base("Officers"), None);
        assert_eq!(base("IV"), None);
        assert_eq!(base("NOT"), None);
        assert_eq!(base("S"), None);
        assert_eq!(base("MoJ"), None);
    }

    #[test]
    fn expansions_spell_the_letters() {
        for (a, t) in [
            ("SPO", "stalking protection order"),
            ("SPO", "Stalking Protection Orders"),
            (
                "HMICFRS",
                "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
            ),
            ("MARAC", "Multi-Agency Risk Assessment Conference"),
            ("SPOC", "single point of contact"),
            ("VAWG", "violence against women and girls"),
            ("CCTV", "closed-circuit television"),
            ("FOUR", "Fixated, Obsessive, Unwanted, Repeated"),
            ("IOPC", "Independent Office for Police Conduct"),
            ("SPA", "Stalking Protection Act 2019"),
            ("A&E", "accident and emergency"),
        ] {
            assert!(expands(a, t), "{a} <- {t}");
        }
        for (a, t) in [
            ("SPO", "see below"),
            ("PIN", "the notice"),
            ("CPS", "prosecutors"),
        ] {
            assert!(!expands(a, t), "{a} <- {t}");
        }
    }

    fn scan(text: &str) -> PageAbbreviations {
        let mut out = PageAbbreviations::default();
        scan_text(text, Source::Block(0), 1, &|_| false, &mut out);
        out
    }

    #[test]
    fn finds_both_forms_and_only_the_spelled_words() {
        let s = scan(
            "Apply for a stalking protection order (SPO). The ISAC (independent stalking advocacy caseworker) helps. SPOs last.",
        );
        let e: Vec<(&str, &str)> = s
            .expansions
            .iter()
            .map(|e| (e.abbr.as_str(), e.text.as_str()))
            .collect();
        assert_eq!(
            e,
            [
                ("SPO", "stalking protection order"),
                ("ISAC", "independent stalking advocacy caseworker")
            ]
        );
        let u: Vec<&str> = s.uses.iter().map(|u| u.abbr.as_str()).collect();
        assert_eq!(u, ["SPO", "ISAC", "SPO"]);
        let s = scan(
            "The order (SPO) and MARAC (see below) and DO NOT CALL US. At 5 PM, SI 2020/26, SW1A 2AA, [2019] UKSC 5. A FOUR-stage, S-DASH.",
        );
        assert!(s.expansions.is_empty());
        let u: Vec<&str> = s.uses.iter().map(|u| u.abbr.as_str()).collect();
        assert_eq!(u, ["SPO", "MARAC", "FOUR", "S-DASH"]);
    }
}
