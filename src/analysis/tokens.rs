//! The word tokenizer shared by every analyser, so that spans and words agree between them.
//!
//! Tokens carry byte spans into the input; every span starts and ends on a char boundary
//! because it is built from `char_indices`.

use std::borrow::Cow;
use std::ops::Range;

/// What a token is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokKind {
    /// Letters, possibly with inner apostrophes ("officer's", "don't").
    Word,
    /// Digits, possibly with inner `,` / `.` between digits ("1,000", "2.5", "10.1").
    Number,
    /// Letters and digits mixed ("4A", "MG5", "1st", "48hrs").
    Mixed,
    /// One character of anything else ("." "(" "-" "£" "%").
    Punct,
}

/// One token.
#[derive(Clone, Debug)]
pub struct Token<'a> {
    /// The token's text, a slice of the input.
    pub text: &'a str,
    /// Byte offset of the first char.
    pub start: usize,
    /// Byte offset after the last char.
    pub end: usize,
    /// Kind of token.
    pub kind: TokKind,
    /// Whether whitespace separates this token from the previous one.
    pub space_before: bool,
}

impl Token<'_> {
    /// Byte span in the input.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The single char of a punctuation token.
    pub fn punct(&self) -> Option<char> {
        if self.kind == TokKind::Punct {
            self.text.chars().next()
        } else {
            None
        }
    }

    /// Whether the token is alphanumeric (word, number or mixed).
    pub fn is_alnum(&self) -> bool {
        self.kind != TokKind::Punct
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Splits text into tokens. Never panics; spans are on char boundaries.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    // The char starting at byte `b` (always a char boundary here); ASCII without decoding.
    let at = |b: usize| -> Option<char> {
        match bytes.get(b) {
            Some(&x) if x < 0x80 => Some(x as char),
            Some(_) => text.get(b..).and_then(|s| s.chars().next()),
            None => None,
        }
    };
    let digit_at = |b: usize| bytes.get(b).is_some_and(u8::is_ascii_digit);
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let mut b = 0;
    let mut space = false;
    while let Some(c) = at(b) {
        let cl = c.len_utf8();
        if c.is_whitespace() {
            space = true;
            b += cl;
            continue;
        }
        let start = b;
        if c.is_alphanumeric() {
            let mut j = b + cl;
            let mut prev = c;
            while let Some(n) = at(j) {
                let nl = n.len_utf8();
                if n.is_alphanumeric() {
                    prev = n;
                    j += nl;
                } else if is_apostrophe(n) {
                    // Inner apostrophe between letters: "don't", "officer's".
                    match at(j + nl) {
                        Some(nn) if prev.is_alphabetic() && nn.is_alphabetic() => {
                            prev = nn;
                            j += nl + nn.len_utf8();
                        }
                        _ => break,
                    }
                } else if (n == '.' || n == ',') && prev.is_ascii_digit() {
                    if n == '.' && digit_at(j + 1) {
                        // Decimal point: "2.5", "10.1".
                        prev = '0';
                        j += 2;
                    } else if n == ',' && (1..=3).all(|k| digit_at(j + k)) && !digit_at(j + 4) {
                        // Thousands separator: exactly three digits follow.
                        prev = '0';
                        j += 4;
                    } else {
                        break;
                    }
                } else {
                    break;
                }
            }
            let t = &text[start..j];
            let (mut ascii_digits, mut other_digits, mut alpha) = (false, false, false);
            for ch in t.chars() {
                if ch.is_ascii_digit() {
                    ascii_digits = true;
                } else if ch.is_alphabetic() {
                    alpha = true;
                } else if ch.is_alphanumeric() {
                    // Other numeric scripts (e.g. Arabic-Indic digits) are not parsed as figures.
                    other_digits = true;
                }
            }
            let kind = match (ascii_digits, alpha || other_digits) {
                (true, false) => TokKind::Number,
                (false, _) if !other_digits => TokKind::Word,
                _ => TokKind::Mixed,
            };
            out.push(Token {
                text: t,
                start,
                end: j,
                kind,
                space_before: space,
            });
            b = j;
        } else {
            let end = b + cl;
            out.push(Token {
                text: &text[start..end],
                start,
                end,
                kind: TokKind::Punct,
                space_before: space,
            });
            b = end;
        }
        space = false;
    }
    out
}

/// Lower-cases a word and writes apostrophes as `'`; borrows when nothing changes.
pub fn lower(word: &str) -> Cow<'_, str> {
    if word
        .bytes()
        .all(|b| !b.is_ascii_uppercase() && b.is_ascii())
    {
        Cow::Borrowed(word)
    } else if word.is_ascii() {
        Cow::Owned(word.to_ascii_lowercase())
    } else {
        Cow::Owned(word.to_lowercase().replace('\u{2019}', "'"))
    }
}

/// Splits a contraction into its words ("don't" → "do", "not"; "cannot" → "can", "not").
/// Returns `None` for anything else. The input is lower case.
pub fn contraction(word: &str) -> Option<(&'static str, &'static str)> {
    Some(match word {
        "cannot" | "can't" => ("can", "not"),
        "don't" => ("do", "not"),
        "doesn't" => ("does", "not"),
        "didn't" => ("did", "not"),
        "mustn't" => ("must", "not"),
        "shouldn't" => ("should", "not"),
        "shan't" => ("shall", "not"),
        "needn't" => ("need", "not"),
        "won't" => ("will", "not"),
        "wouldn't" => ("would", "not"),
        "couldn't" => ("could", "not"),
        "mightn't" => ("might", "not"),
        "isn't" => ("is", "not"),
        "aren't" => ("are", "not"),
        "wasn't" => ("was", "not"),
        "weren't" => ("were", "not"),
        "hasn't" => ("has", "not"),
        "haven't" => ("have", "not"),
        "hadn't" => ("had", "not"),
        "oughtn't" => ("ought", "not"),
        _ => return None,
    })
}

/// A normalised word with the span of the token it came from. Contractions and expansions
/// give several words that share one span.
#[derive(Clone, Debug)]
pub struct Word {
    /// Lower-case text.
    pub text: String,
    /// Span of the source token.
    pub span: Range<usize>,
    /// Kind of the source token (expansions are words).
    pub kind: TokKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn splits_words_numbers_and_punct() {
        assert_eq!(
            texts("s.4A(3) of the Act"),
            ["s", ".", "4A", "(", "3", ")", "of", "the", "Act"]
        );
        assert_eq!(texts("£1,000 and 2.5%"), ["£", "1,000", "and", "2.5", "%"]);
        assert_eq!(
            texts("14-day don't officer's months'"),
            ["14", "-", "day", "don't", "officer's", "months", "'"]
        );
        assert_eq!(
            texts("1,2 and 1,0000"),
            ["1", ",", "2", "and", "1", ",", "0000"]
        );
        assert_eq!(texts("27.03.2025"), ["27.03.2025"]);
    }

    #[test]
    fn kinds_and_spaces() {
        let t = tokenize("MG5 x");
        assert_eq!(t[0].kind, TokKind::Mixed);
        assert!(!t[0].space_before);
        assert!(t[1].space_before);
    }

    #[test]
    fn multibyte_is_safe() {
        let s = "Café — naïve ’quote’ ١٢٣ 😀x";
        for t in tokenize(s) {
            assert_eq!(&s[t.start..t.end], t.text);
        }
    }
}
