//! What a page cites, for the currency checks (`repealed-citation`, `predates-amendment`,
//! `scope-mismatch`): each legal summary a page cites or links to, at its first citation on the
//! page (SPEC §6.4: once per page and provision), and the provisions above it (section, act),
//! whose status, amendments and extent it inherits.

use crate::diag::FileId;
use crate::graph::{CitationTarget, LinkTarget, Site};
use crate::model::Page;
use crate::parse::citations::parse_provision;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// The first citation of one provision on a page.
#[derive(Debug, Clone)]
pub struct Cite {
    /// The legal summary cited (the most specific one that exists).
    pub target: usize,
    pub file: FileId,
    pub range: Range<usize>,
    /// Index of the block in `site.docs[page]` that holds it.
    pub block: usize,
    /// Position of the citation in the block's text.
    pub in_block: Range<usize>,
}

/// Every citation of, or link to, a legal summary in the page's own text (not included
/// snippets, which are checked where they live), in page order, skipping the page itself.
pub fn all_cites(site: &Site, i: usize) -> Vec<Cite> {
    let page = &site.pages[i];
    let doc = &site.docs[i];
    let mut found: Vec<(usize, Cite)> = Vec::new();
    for (ci, t) in site.citations[i].iter().enumerate() {
        let CitationTarget::Page(target) = *t else {
            continue;
        };
        let c = &doc.citations[ci];
        let Some(block) = doc.blocks.get(c.block) else {
            continue;
        };
        if block.included || !is_legal(&site.pages[target]) {
            continue;
        }
        let Some((file, range)) = page.body.locate(&c.range) else {
            continue;
        };
        let in_block = block_range(block, &c.range);
        found.push((
            c.range.start,
            Cite {
                target,
                file,
                range,
                block: c.block,
                in_block,
            },
        ));
    }
    for (l, r) in doc.links.iter().zip(&site.links[i]) {
        let LinkTarget::Page { index, .. } = r.target else {
            continue;
        };
        if !is_legal(&site.pages[index]) || page.body.is_included(l.range.start) {
            continue;
        }
        let Some((file, range)) = page.body.locate(&l.range) else {
            continue;
        };
        let block = doc
            .blocks
            .iter()
            .position(|b| b.range.start <= l.range.start && l.range.end <= b.range.end)
            .unwrap_or(0);
        let in_block = doc
            .blocks
            .get(block)
            .map(|b| block_range(b, &l.range))
            .unwrap_or(0..0);
        found.push((
            l.range.start,
            Cite {
                target: index,
                file,
                range,
                block,
                in_block,
            },
        ));
    }
    found.sort_by_key(|(pos, c)| (*pos, c.target));
    found
        .into_iter()
        .map(|(_, c)| c)
        .filter(|c| c.target != i)
        .collect()
}

/// The first citation of each provision on the page.
pub fn first_cites(site: &Site, i: usize) -> Vec<Cite> {
    let mut seen = BTreeSet::new();
    all_cites(site, i)
        .into_iter()
        .filter(|c| seen.insert(c.target))
        .collect()
}

/// Text positions of a body range inside a block (the block's text has inline markup dropped).
pub fn block_range(block: &crate::parse::markdown::TextBlock, r: &Range<usize>) -> Range<usize> {
    let mut start = None;
    let mut end = 0;
    for &(t, b, len) in &block.pieces {
        let (ps, pe) = (b, b + len);
        if pe < r.start || ps > r.end {
            continue;
        }
        let s = t + r.start.saturating_sub(ps).min(len);
        let e = t + r.end.saturating_sub(ps).min(len);
        start.get_or_insert(s);
        end = end.max(e);
    }
    match start {
        Some(s) => s..end.max(s),
        None => 0..0,
    }
}

fn is_legal(p: &Page) -> bool {
    p.fm.legal.legislation.is_some()
}

/// The summary cited, then the summaries above it: the section's (when a subsection was
/// cited) and the act's own page. A repeal or an extent written higher up applies below.
pub fn chain(site: &Site, t: usize) -> Vec<usize> {
    let mut out = vec![t];
    let Some(l) = &site.pages[t].fm.legal.legislation else {
        return out;
    };
    let act = site.acts.canonical(&l.act).unwrap_or(&l.act).to_string();
    if let Some((section, subs)) = l.provision.as_deref().and_then(parse_provision) {
        let mut subs = subs;
        while subs.pop().is_some() {
            if let Some(&p) =
                site.provisions
                    .get(&(act.clone(), Some(section.clone()), subs.clone()))
                && !out.contains(&p)
            {
                out.push(p);
            }
        }
    }
    if let Some(&p) = site.provisions.get(&(act, None, Vec::new()))
        && !out.contains(&p)
    {
        out.push(p);
    }
    out
}

/// How a provision is named in messages: "s.4A of the Protection from Harassment Act 1997",
/// or the act's name for an act page.
pub fn describe(site: &Site, t: usize) -> String {
    let p = &site.pages[t];
    match &p.fm.legal.legislation {
        Some(l) if !l.act.is_empty() => match (&l.provision, p.is_section) {
            (Some(prov), false) => format!("{prov} of the {}", l.act.trim()),
            _ => format!("the {}", l.act.trim()),
        },
        _ => format!("`{}`", p.id),
    }
}

/// A page id as written in front matter (`@/guidance/x.md`, `/guidance/x/`) in canonical form.
pub fn normalise_id(s: &str) -> &str {
    s.trim()
        .trim_start_matches("@/")
        .trim_matches('/')
        .trim_end_matches(".md")
        .trim_end_matches("/_index")
}

/// The page an id names, through aliases too.
pub fn page_by_id(site: &Site, id: &str) -> Option<usize> {
    let id = normalise_id(id);
    site.by_id.get(id).or_else(|| site.aliases.get(id)).copied()
}

/// Jurisdictions as their smallest parts: `england-and-wales` is England and Wales,
/// `united-kingdom` all four, `great-britain` three. Unknown names stand for themselves.
pub fn jurisdiction_parts(j: &str) -> BTreeSet<String> {
    let norm: String = j
        .trim()
        .to_lowercase()
        .replace('&', " and ")
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let norm = norm
        .split('-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let mut out = BTreeSet::new();
    // "england-and-wales-and-northern-ireland": each named part.
    for piece in norm.split("-and-") {
        let parts: &[&str] = match piece {
            "united-kingdom" | "uk" => &["england", "wales", "scotland", "northern-ireland"],
            "great-britain" | "gb" => &["england", "wales", "scotland"],
            "england-wales" | "e-w" | "ew" => &["england", "wales"],
            "ni" => &["northern-ireland"],
            other => {
                out.insert(other.to_string());
                continue;
            }
        };
        out.extend(parts.iter().map(|s| s.to_string()));
    }
    out
}

/// The front-matter keys of a page's `reviewed_against`, by canonical page index.
pub fn reviews(site: &Site, page: &Page) -> BTreeMap<usize, (jiff::civil::Date, String)> {
    let mut out = BTreeMap::new();
    for (id, d) in &page.fm.reviewed_against {
        if let Some(t) = page_by_id(site, id) {
            out.insert(t, (*d, id.clone()));
        }
    }
    out
}

/// Span of a front-matter key, falling back to the key's parent, then the page's first line.
pub fn fm_span(page: &Page, keys: &[&str]) -> Range<usize> {
    keys.iter()
        .find_map(|k| page.fm.span(k))
        .or_else(|| page.fm.span("title"))
        .unwrap_or(0..0)
}

/// The sentence of a block's text that holds a position.
pub fn sentence_at(text: &str, at: &Range<usize>) -> Range<usize> {
    crate::analysis::sentences::split(text)
        .into_iter()
        .find(|s| s.start <= at.start && at.start < s.end.max(s.start + 1))
        .unwrap_or(0..text.len())
}

/// Whether a sentence talks about the law's history ("was repealed", "replaced by",
/// "formerly"): citing a repealed provision there is reporting, not relying on it.
pub fn is_history(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    const CUES: &[&str] = &[
        "repeal",
        "supersed",
        "replaced",
        "replacing",
        "formerly",
        "abolished",
        "no longer",
        "revoked",
        "used to be",
        "previously",
    ];
    CUES.iter().any(|c| lower.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jurisdictions_split_into_their_parts() {
        let p = |s: &str| jurisdiction_parts(s).into_iter().collect::<Vec<_>>();
        assert_eq!(p("england-and-wales"), ["england", "wales"]);
        assert_eq!(p("England & Wales"), ["england", "wales"]);
        assert_eq!(
            p("United Kingdom"),
            ["england", "northern-ireland", "scotland", "wales"]
        );
        assert_eq!(
            p("england-and-wales-and-northern-ireland"),
            ["england", "northern-ireland", "wales"]
        );
        assert_eq!(p("Northern Ireland"), ["northern-ireland"]);
        assert_eq!(p("isle-of-man"), ["isle-of-man"]);
    }
}
