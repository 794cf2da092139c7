//! Calendar dates in prose ("27 March 2025", "2025-03-27", "27/03/2025", "March 2025", bare
//! years such as "since 2019"), kept apart from quantities so that numeric-drift can compare
//! dates as dates. Years in act names ("Act 1997", "Regulations 2015") and neutral citations
//! ("\[2019\]") are not dates of the guidance and are skipped.

use super::tokens::{TokKind, Token};
use std::borrow::Cow;
use std::ops::Range;

/// A date mentioned in text, as precise as the text is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DateMention {
    /// Byte span of the whole date phrase.
    pub span: Range<usize>,
    /// Year, when stated.
    pub year: Option<i32>,
    /// Month 1–12, when stated.
    pub month: Option<u8>,
    /// Day of month 1–31, when stated.
    pub day: Option<u8>,
}

impl DateMention {
    /// ISO-like canonical text: "2025-03-27", "2025-03", "2025", "--03-27" (no year).
    pub fn canonical(&self) -> String {
        let y = self
            .year
            .map(|y| format!("{y:04}"))
            .unwrap_or_else(|| "-".to_string());
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{y}-{m:02}-{d:02}"),
            (Some(m), None) => format!("{y}-{m:02}"),
            _ => y,
        }
    }

    /// Same calendar date at the same precision.
    pub fn same_date(&self, other: &DateMention) -> bool {
        self.year == other.year && self.month == other.month && self.day == other.day
    }
}

/// Dates in `text`, in order.
pub fn extract(text: &str) -> Vec<DateMention> {
    super::quantities::scan(text).dates
}

/// Month number of a month name or abbreviation (lower case).
pub fn month_number(w: &str) -> Option<u8> {
    Some(match w {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

/// Words before a year that make it part of a title rather than a date.
fn is_title_word(w: &str) -> bool {
    matches!(
        w,
        "act"
            | "acts"
            | "regulations"
            | "regulation"
            | "order"
            | "orders"
            | "rules"
            | "bill"
            | "measure"
            | "code"
            | "directive"
            | "convention"
            | "protocol"
            | "scheme"
    )
}

/// "May" and "March" are also ordinary words: only capitalised do they name a month.
fn month_word_ok(t: &Token<'_>, lw: &str) -> bool {
    !matches!(lw, "may" | "march" | "mar") || t.text.starts_with(|c: char| c.is_uppercase())
}

fn digits(t: &Token<'_>, min: usize, max: usize) -> Option<u32> {
    if t.kind == TokKind::Number
        && (min..=max).contains(&t.text.len())
        && t.text.bytes().all(|b| b.is_ascii_digit())
    {
        t.text.parse().ok()
    } else {
        None
    }
}

fn ordinal_day(t: &Token<'_>) -> Option<u32> {
    if let Some(d) = digits(t, 1, 2) {
        return Some(d);
    }
    if t.kind != TokKind::Mixed || !t.text.is_ascii() {
        return None;
    }
    let split = t.text.find(|c: char| !c.is_ascii_digit())?;
    let (num, suf) = t.text.split_at(split);
    if (1..=2).contains(&num.len())
        && matches!(suf.to_ascii_lowercase().as_str(), "st" | "nd" | "rd" | "th")
    {
        num.parse().ok()
    } else {
        None
    }
}

fn valid(y: Option<i32>, m: u32, d: Option<u32>) -> bool {
    (1..=12).contains(&m)
        && y.is_none_or(|y| (1000..=2999).contains(&y))
        && d.is_none_or(|d| {
            let max = match m {
                2 => 29,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            (1..=max).contains(&d)
        })
}

fn mk(span: Range<usize>, y: Option<i32>, m: Option<u32>, d: Option<u32>) -> DateMention {
    DateMention {
        span,
        year: y,
        month: m.map(|m| m as u8),
        day: d.map(|d| d as u8),
    }
}

/// Tries to read a date starting at token `i`; returns it and the index after it.
pub(super) fn parse_at(
    toks: &[Token<'_>],
    lw: &[Cow<'_, str>],
    i: usize,
) -> Option<(DateMention, usize)> {
    let t = toks.get(i)?;
    let tight = |k: usize| toks.get(k).is_some_and(|x| !x.space_before);
    let punct = |k: usize, c: char| toks.get(k).and_then(Token::punct) == Some(c);
    // 2025-03-27
    if let Some(y) = digits(t, 4, 4)
        && punct(i + 1, '-')
        && tight(i + 1)
        && tight(i + 2)
        && punct(i + 3, '-')
        && tight(i + 3)
        && tight(i + 4)
        && let (Some(m), Some(d)) = (
            toks.get(i + 2).and_then(|x| digits(x, 1, 2)),
            toks.get(i + 4).and_then(|x| digits(x, 1, 2)),
        )
        && valid(Some(y as i32), m, Some(d))
    {
        return Some((
            mk(t.start..toks[i + 4].end, Some(y as i32), Some(m), Some(d)),
            i + 5,
        ));
    }
    // 27.03.2025 (one number token with two dots)
    if t.kind == TokKind::Number && t.text.matches('.').count() == 2 {
        let parts: Vec<&str> = t.text.split('.').collect();
        if let [d, m, y] = parts[..]
            && (1..=2).contains(&d.len())
            && (1..=2).contains(&m.len())
            && y.len() == 4
            && let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>())
            && valid(Some(y), m, Some(d))
        {
            return Some((mk(t.span(), Some(y), Some(m), Some(d)), i + 1));
        }
    }
    // 27/03/2025 or 27/3/25 (UK order)
    if let Some(d) = digits(t, 1, 2)
        && punct(i + 1, '/')
        && tight(i + 1)
        && tight(i + 2)
        && punct(i + 3, '/')
        && tight(i + 3)
        && tight(i + 4)
        && let Some(m) = toks.get(i + 2).and_then(|x| digits(x, 1, 2))
        && let Some(yt) = toks.get(i + 4)
    {
        let y = digits(yt, 4, 4)
            .map(|y| y as i32)
            .or_else(|| digits(yt, 2, 2).map(|y| 2000 + y as i32));
        if let Some(y) = y
            && valid(Some(y), m, Some(d))
        {
            return Some((mk(t.start..yt.end, Some(y), Some(m), Some(d)), i + 5));
        }
    }
    // 27 March [2025], 27th of March [2025]
    if let Some(d) = ordinal_day(t) {
        let mut k = i + 1;
        if lw.get(k).is_some_and(|w| w == "of") {
            k += 1;
        }
        if let Some(m) = lw.get(k).and_then(|w| month_number(w))
            && month_word_ok(&toks[k], &lw[k])
        {
            let mut end = toks[k].end;
            let mut next = k + 1;
            if punct(next, '.') && lw[k].len() <= 4 {
                end = toks[next].end;
                next += 1;
            }
            let mut year = None;
            let mut k2 = next;
            if punct(k2, ',') {
                k2 += 1;
            }
            if let Some(y) = toks.get(k2).and_then(|x| digits(x, 4, 4)) {
                year = Some(y as i32);
                end = toks[k2].end;
                next = k2 + 1;
            }
            if valid(year, m.into(), Some(d)) {
                return Some((mk(t.start..end, year, Some(m.into()), Some(d)), next));
            }
        }
    }
    // March 27, 2025 / March 2025 ("May" and "March" only when capitalised: they are also words)
    if t.kind == TokKind::Word
        && let Some(m) = month_number(&lw[i])
        && month_word_ok(t, &lw[i])
    {
        let mut k = i + 1;
        if punct(k, '.') && lw[i].len() <= 4 {
            k += 1;
        }
        if let Some(d) = toks.get(k).and_then(ordinal_day) {
            let mut k2 = k + 1;
            if punct(k2, ',') {
                k2 += 1;
            }
            if let Some(y) = toks.get(k2).and_then(|x| digits(x, 4, 4))
                && valid(Some(y as i32), m.into(), Some(d))
            {
                return Some((
                    mk(
                        t.start..toks[k2].end,
                        Some(y as i32),
                        Some(m.into()),
                        Some(d),
                    ),
                    k2 + 1,
                ));
            }
        }
        if let Some(y) = toks.get(k).and_then(|x| digits(x, 4, 4))
            && valid(Some(y as i32), m.into(), None)
        {
            return Some((
                mk(t.start..toks[k].end, Some(y as i32), Some(m.into()), None),
                k + 1,
            ));
        }
    }
    // A bare year: "since 2019", "in 2019/20".
    if let Some(y) = digits(t, 4, 4)
        && (1800..=2099).contains(&y)
    {
        let prev_word = (0..i)
            .rev()
            .find(|&k| toks[k].is_alnum())
            .map(|k| lw[k].as_ref());
        let prev_tok = i.checked_sub(1).and_then(|k| toks.get(k));
        let in_brackets = prev_tok.and_then(Token::punct) == Some('[') || punct(i + 1, ']');
        let after_money = prev_tok
            .and_then(Token::punct)
            .is_some_and(|c| matches!(c, '£' | '$' | '€'));
        // "Act 1997" has the title word right before; "Act (Northern Ireland) 1998" a bracket.
        let title = prev_word.is_some_and(is_title_word)
            || (prev_tok.and_then(Token::punct) == Some(')')
                && (0..i)
                    .rev()
                    .take(8)
                    .any(|k| toks[k].is_alnum() && is_title_word(&lw[k])));
        let unit_follows = lw
            .get(i + 1)
            .is_some_and(|w| super::quantities::is_unit_word(w))
            || punct(i + 1, '%');
        // "2025-13-01": the shape of a date that is not a valid one.
        let date_shaped = matches!(toks.get(i + 1).and_then(Token::punct), Some('-' | '/'))
            && tight(i + 1)
            && tight(i + 2)
            && toks.get(i + 2).is_some_and(|x| x.kind == TokKind::Number)
            && toks.get(i + 3).and_then(Token::punct) == toks.get(i + 1).and_then(Token::punct)
            && tight(i + 3);
        if !(in_brackets || after_money || title || unit_follows || date_shaped) {
            let mut end = t.end;
            let mut next = i + 1;
            if punct(i + 1, '/')
                && tight(i + 1)
                && tight(i + 2)
                && toks
                    .get(i + 2)
                    .is_some_and(|x| digits(x, 2, 2).is_some() || digits(x, 4, 4).is_some())
            {
                end = toks[i + 2].end;
                next = i + 3;
            }
            return Some((mk(t.start..end, Some(y as i32), None, None), next));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> Vec<String> {
        extract(s).iter().map(DateMention::canonical).collect()
    }

    #[test]
    fn formats() {
        assert_eq!(canon("from 27 March 2025 onwards"), ["2025-03-27"]);
        assert_eq!(canon("on the 1st of April 2024"), ["2024-04-01"]);
        assert_eq!(
            canon("2025-03-27 and 27/03/2025 and 27.03.2025"),
            ["2025-03-27", "2025-03-27", "2025-03-27"]
        );
        assert_eq!(canon("March 27, 2025"), ["2025-03-27"]);
        assert_eq!(canon("in March 2025"), ["2025-03"]);
        assert_eq!(canon("from 1 May"), ["--05-01"]);
        assert_eq!(canon("since 2019"), ["2019"]);
        assert_eq!(canon("the 2019/20 figures"), ["2019"]);
        assert_eq!(canon("27 Sept. 2021"), ["2021-09-27"]);
    }

    #[test]
    fn not_dates() {
        assert!(extract("the Protection from Harassment Act 1997").is_empty());
        assert!(extract("the Stalking Protection Act 2019 and the Regulations 2015").is_empty());
        assert!(extract("the Criminal Justice (Scotland) Act 2016").is_empty());
        assert!(extract("R v Smith [2019] EWCA Crim 123").is_empty());
        assert!(extract("officers may march in May").is_empty());
        assert!(extract("31/02/2025 and 2025-13-01").is_empty());
        assert!(extract("£2000 and 1999 days").is_empty());
        assert!(extract("he may 2025").iter().all(|d| d.month.is_none()));
        assert!(extract("up to 5 may be held").is_empty());
    }
}
