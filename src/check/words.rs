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
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_alphanumeric() {
                j += 1;
            } else if joiner(c) && chars.get(j + 1).is_some_and(|n| n.1.is_alphanumeric()) {
                j += 2;
            } else {
                break;
            }
        }
        let end = chars.get(j).map_or(text.len(), |c| c.0);
        out.push(Word {
            text: &text[start..end],
            range: start..end,
        });
        i = j;
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
