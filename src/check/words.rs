//! Words of a page's text with their places, for the term and abbreviation checks.

use crate::parse::markdown::TextBlock;
use std::ops::Range;

/// A word: letters and digits, with `-`, `'`, `’` or `&` kept only between two of them
/// (`multi-agency`, `officer's`, `A&E`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    pub text: &'a str,
    pub range: Range<usize>,
}

fn joiner(c: char) -> bool {
    matches!(c, '-' | '\'' | '\u{2019}' | '&')
}

pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((start, c)) = it.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, c)) = it.peek() {
            if c.is_alphanumeric() {
                end = i + c.len_utf8();
                it.next();
            } else if joiner(c)
                && text[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
            {
                it.next();
            } else {
                break;
            }
        }
        out.push(Word {
            text: &text[start..end],
            range: start..end,
        });
    }
    out
}

/// Whether a position of a block's text is inside inline code (`like this`): code quotes a
/// term rather than using it.
pub fn in_code(block: &TextBlock, body: &str, pos: usize) -> bool {
    let b = block.body_pos(pos);
    body.as_bytes().get(b) == Some(&b'`')
}

/// Blocks of a page in reading order (nested list items close before their parents do).
pub fn in_order(blocks: &[TextBlock]) -> Vec<usize> {
    let mut v: Vec<usize> = (0..blocks.len()).collect();
    v.sort_by_key(|&k| (blocks[k].range.start, k));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_inner_joiners_only() {
        let w: Vec<&str> = words("Multi-agency (MARAC) officers' A&E -- SPOs, s.4A")
            .iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(
            w,
            [
                "Multi-agency",
                "MARAC",
                "officers",
                "A&E",
                "SPOs",
                "s",
                "4A"
            ]
        );
    }
}
