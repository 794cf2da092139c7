//! Sentence splitting for plain paragraph text.
//!
//! Legal prose is full of full stops that end nothing ("s.4A", "para. 3", "e.g. officers",
//! "R v. Smith"), so a stop only ends a sentence when it is followed by whitespace and then a
//! capital, a digit, a quote or an opening bracket, and the word before it is not a known
//! abbreviation or an initial. `!` and `?` follow the same rule without the abbreviation test.
//! Semicolons never split. A blank line always splits.

use std::ops::Range;

/// Abbreviations after which a full stop never ends a sentence, in lower case without their
/// final stop.
const NO_SPLIT: &[&str] = &[
    "al", "app", "approx", "apr", "art", "arts", "aug", "c", "ca", "cf", "ch", "chap", "cit", "cl",
    "cllr", "col", "const", "dec", "det", "dr", "e.g", "ed", "edn", "eds", "eg", "feb", "fig",
    "figs", "hon", "i.e", "ibid", "ie", "incl", "insp", "jan", "jul", "jun", "lt", "mar", "mr",
    "mrs", "ms", "nov", "oct", "op", "p", "para", "paras", "pp", "prof", "pt", "pts", "r", "reg",
    "regs", "rev", "rr", "rt", "s", "sch", "sec", "sep", "sept", "sgt", "ss", "st", "sub", "subs",
    "subss", "supt", "v", "viz", "vol", "vs",
];

/// Abbreviations that only hold a sentence together before a number ("No. 5" but "say no. Then").
const BEFORE_DIGIT: &[&str] = &["no", "nos"];

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\u{2026}')
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '\u{2019}' | '\u{201d}' | ')' | ']')
}

fn is_opener(c: char) -> bool {
    matches!(c, '"' | '\'' | '\u{2018}' | '\u{201c}' | '(' | '[')
}

/// Whether the word before a single full stop makes the stop part of an abbreviation.
fn is_abbreviation(word: &str, next: Option<char>) -> bool {
    if word.is_empty() {
        return false;
    }
    let lw = word.to_lowercase();
    if NO_SPLIT.binary_search(&lw.as_str()).is_ok() {
        return true;
    }
    if BEFORE_DIGIT.contains(&lw.as_str()) {
        return next.is_some_and(|c| c.is_ascii_digit());
    }
    let mut chars = word.chars();
    // An initial: one letter ("J. Smith").
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_alphabetic();
    }
    // Dotted letters: "U.K", "a.m", "e.g" (already listed), "Q.C".
    word.contains('.')
        && word.split('.').all(|seg| {
            let mut cs = seg.chars();
            matches!((cs.next(), cs.next()), (Some(c), None) if c.is_alphabetic())
        })
}

/// Trimmed byte spans of the sentences in `text`. Never panics; spans are on char boundaries.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |k: usize| chars.get(k).map(|&(_, c)| c);
    let byte_at = |k: usize| chars.get(k).map_or(text.len(), |&(b, _)| b);
    let mut out = Vec::new();
    let mut start = 0usize; // char index
    let mut i = 0usize;
    while i < chars.len() {
        let c = chars[i].1;
        if c == '\n' {
            // A blank line (newline, optional spaces, newline) is a hard break.
            let mut k = i + 1;
            while at(k).is_some_and(|x| x != '\n' && x.is_whitespace()) {
                k += 1;
            }
            if at(k) == Some('\n') {
                push_trimmed(text, byte_at(start)..byte_at(i), &mut out);
                start = k + 1;
                i = k + 1;
                continue;
            }
            i += 1;
            continue;
        }
        if !is_terminator(c) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while at(j).is_some_and(is_terminator) {
            j += 1;
        }
        let single_stop = c == '.' && j == i + 1;
        while at(j).is_some_and(is_closer) {
            j += 1;
        }
        if !at(j).is_some_and(char::is_whitespace) {
            i = j.max(i + 1);
            continue;
        }
        let mut k = j;
        while at(k).is_some_and(char::is_whitespace) {
            k += 1;
        }
        let Some(next) = at(k) else {
            break; // only whitespace remains: the final push below ends the sentence
        };
        if !(next.is_uppercase() || next.is_ascii_digit() || is_opener(next)) {
            i = k;
            continue;
        }
        if single_stop {
            let mut w = i;
            while w > start && at(w - 1).is_some_and(|p| !p.is_whitespace() && !is_opener(p)) {
                w -= 1;
            }
            let word = &text[byte_at(w)..byte_at(i)];
            if is_abbreviation(word, Some(next)) {
                i = k;
                continue;
            }
        }
        push_trimmed(text, byte_at(start)..byte_at(j), &mut out);
        start = k;
        i = k;
    }
    push_trimmed(text, byte_at(start)..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    if r.start >= r.end {
        return;
    }
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    if !trimmed.is_empty() {
        out.push(r.start + lead..r.start + lead + trimmed.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(t: &str) -> Vec<&str> {
        split(t).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn list_is_sorted_for_binary_search() {
        let mut v = NO_SPLIT.to_vec();
        v.sort_unstable();
        assert_eq!(v, NO_SPLIT);
    }

    #[test]
    fn basic_split() {
        assert_eq!(
            sents("Record it. Then leave!  Why? 5 officers went."),
            ["Record it.", "Then leave!", "Why?", "5 officers went."]
        );
        assert_eq!(sents("  One.  "), ["One."]);
        assert_eq!(sents(""), Vec::<&str>::new());
        assert_eq!(sents("No stop at the end"), ["No stop at the end"]);
    }

    #[test]
    fn legal_abbreviations_hold() {
        assert_eq!(
            sents("An offence under s. 4A of the Act. Officers must act."),
            ["An offence under s. 4A of the Act.", "Officers must act."]
        );
        assert_eq!(
            sents("See s.4A(3). Officers must act."),
            ["See s.4A(3).", "Officers must act."]
        );
        assert_eq!(
            sents("See ss. 2 and 4 of the Act."),
            ["See ss. 2 and 4 of the Act."]
        );
        assert_eq!(
            sents("See para. 10 and paras. 11 to 12."),
            ["See para. 10 and paras. 11 to 12."]
        );
        assert_eq!(
            sents("Use an order, e.g. a SPO. Then stop."),
            ["Use an order, e.g. a SPO.", "Then stop."]
        );
        assert_eq!(
            sents("Use an order, e.g. A SPO."),
            ["Use an order, e.g. A SPO."]
        );
        assert_eq!(sents("Use i.e. the order."), ["Use i.e. the order."]);
        assert_eq!(sents("Form No. 5 applies."), ["Form No. 5 applies."]);
        assert_eq!(
            sents("R v. Smith was decided. Mr. Jones and Dr. Who at St. Mary's agreed."),
            [
                "R v. Smith was decided.",
                "Mr. Jones and Dr. Who at St. Mary's agreed."
            ]
        );
        assert_eq!(
            sents("Compare cf. Jones. Approx. 5 days."),
            ["Compare cf. Jones.", "Approx. 5 days."]
        );
        assert_eq!(
            sents("J. R. Smith said so. U.K. Police agreed."),
            ["J. R. Smith said so.", "U.K. Police agreed."]
        );
        assert_eq!(
            sents("It lasts 2.5 years. Next."),
            ["It lasts 2.5 years.", "Next."]
        );
    }

    #[test]
    fn etc_splits_only_before_capitals() {
        assert_eq!(
            sents("Phones, laptops etc. should be seized."),
            ["Phones, laptops etc. should be seized."]
        );
        assert_eq!(
            sents("Phones, laptops etc. Officers must record them."),
            ["Phones, laptops etc.", "Officers must record them."]
        );
    }

    #[test]
    fn quotes_brackets_semicolons() {
        assert_eq!(
            sents("He said \"stop.\" Then he left."),
            ["He said \"stop.\"", "Then he left."]
        );
        assert_eq!(
            sents("Do it (now.) \"Why?\" she asked."),
            ["Do it (now.)", "\"Why?\" she asked."]
        );
        assert_eq!(
            sents("Record it; then leave. Done."),
            ["Record it; then leave.", "Done."]
        );
        assert_eq!(
            sents("in 2019. 2020 was different."),
            ["in 2019.", "2020 was different."]
        );
    }

    #[test]
    fn no_split_before_lower_case_or_without_space() {
        assert_eq!(
            sents("the figure 1.5 is low. and so on"),
            ["the figure 1.5 is low. and so on"]
        );
        assert_eq!(
            sents("see www.example.org. Then"),
            ["see www.example.org.", "Then"]
        );
    }

    #[test]
    fn blank_lines_split() {
        assert_eq!(sents("A heading\n\nBody text"), ["A heading", "Body text"]);
        assert_eq!(sents("line one\nline two"), ["line one\nline two"]);
    }

    #[test]
    fn multibyte() {
        let t = "Café… Élan? Über. ’Quote’. 😀 ok";
        for r in split(t) {
            let _ = &t[r];
        }
        assert_eq!(sents("Café… Élan vital."), ["Café…", "Élan vital."]);
    }
}
