//! Pages cut into the sections search works with: the text before the first heading (with the
//! facts a template shows from front matter, such as a legal summary's offence card) and one
//! section per heading, each with its anchor, heading path, plain text and citations. Both
//! indexes (tantivy and the static one) are built from these.

use super::analysis::provision_tokens;
use crate::graph::Site;
use crate::model::{Page, Status, url};
use crate::parse::markdown::{BlockKind, Doc};
use serde::{Deserialize, Serialize};

/// A page as search shows it; saved as `pages.json` beside the index, one entry per page
/// ordinal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PageInfo {
    pub id: String,
    pub title: String,
    pub kind: String,
    /// From the site root (`guidance/x/`, `./` for the home page).
    pub url: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub audience: Vec<String>,
    #[serde(default)]
    pub updated: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Section {
    /// None for the text before the first heading.
    pub anchor: Option<String>,
    /// From the site root, with the anchor.
    pub url: String,
    pub heading: Option<String>,
    /// The heading and those above it, outermost first.
    pub heading_path: Vec<String>,
    pub body: String,
    /// Normalised citation tokens, one per occurrence.
    pub citations: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PageDoc {
    pub info: PageInfo,
    pub topics: Vec<String>,
    /// A legal summary's own provision, normalised (see `analysis::provision_tokens`).
    pub provision: Vec<String>,
    pub updated: Option<jiff::civil::Date>,
    /// At least one: the lead section.
    pub sections: Vec<Section>,
}

impl PageDoc {
    /// Every piece of text the indexes receive (for the restricted-content proof).
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        [self.info.title.as_str(), self.info.summary.as_str()]
            .into_iter()
            .chain(self.sections.iter().flat_map(|s| {
                std::iter::once(s.body.as_str()).chain(s.heading.iter().map(String::as_str))
            }))
    }
}

/// Whether a page belongs in search: drafts only reach here when the build includes them;
/// withdrawn guidance stays readable at its URL but is not offered as an answer.
pub fn searchable(p: &Page) -> bool {
    p.fm.status != Status::Withdrawn
}

/// The searchable pages of a site, in site order.
pub fn collect(site: &Site, portable: bool) -> Vec<PageDoc> {
    use rayon::prelude::*;
    (0..site.pages.len())
        .into_par_iter()
        .filter(|&i| searchable(&site.pages[i]))
        .map(|i| page_doc(site, i, portable))
        .collect()
}

fn page_doc(site: &Site, i: usize, portable: bool) -> PageDoc {
    let p = &site.pages[i];
    let doc = &site.docs[i];
    let info = PageInfo {
        id: p.id.clone(),
        title: p.fm.title.clone(),
        kind: p.kind.as_str().to_string(),
        url: url::page_href("", &p.id, None, portable),
        summary: p.fm.summary.clone().unwrap_or_default(),
        tags: p.fm.tags.clone(),
        audience: p.fm.audience.clone(),
        updated: p.fm.updated.map(|d| d.to_string()),
    };
    let provision =
        p.fm.legal
            .legislation
            .as_ref()
            .map(|l| provision_tokens(&site.acts, l))
            .unwrap_or_default();
    let mut sections = sections(site, p, doc);
    for s in &mut sections {
        s.url = match &s.anchor {
            Some(a) => url::page_href("", &p.id, Some(a), portable),
            None => info.url.clone(),
        };
    }
    PageDoc {
        sections,
        info,
        topics: p.fm.topics.clone(),
        provision,
        updated: p.fm.updated,
    }
}

fn sections(site: &Site, p: &Page, doc: &Doc) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::with_capacity(doc.headings.len() + 1);
    out.push(Section {
        anchor: None,
        url: String::new(),
        heading: None,
        heading_path: Vec::new(),
        body: String::new(),
        citations: Vec::new(),
    });
    let mut path: Vec<(u8, String)> = Vec::new();
    for h in &doc.headings {
        while path.last().is_some_and(|(l, _)| *l >= h.level) {
            path.pop();
        }
        path.push((h.level, h.text.clone()));
        out.push(Section {
            anchor: Some(h.anchor.clone()),
            url: String::new(),
            heading: Some(h.text.clone()),
            heading_path: path.iter().map(|(_, t)| t.clone()).collect(),
            body: String::new(),
            citations: Vec::new(),
        });
    }
    // Blocks close inner-first (a nested list item before its parent); text order reads better
    // in snippets.
    let mut blocks: Vec<usize> = (0..doc.blocks.len())
        .filter(|&b| doc.blocks[b].kind != BlockKind::Heading)
        .collect();
    blocks.sort_by_key(|&b| doc.blocks[b].range.start);
    for b in blocks {
        let block = &doc.blocks[b];
        let s = block.section.map_or(0, |h| h + 1).min(out.len() - 1);
        let text = block.text.trim();
        if text.is_empty() {
            continue;
        }
        let body = &mut out[s].body;
        if !body.is_empty() {
            body.push(if block.kind == BlockKind::TableCell {
                ' '
            } else {
                '\n'
            });
        }
        body.push_str(text);
    }
    for c in &doc.citations {
        let s = doc
            .blocks
            .get(c.block)
            .and_then(|b| b.section)
            .map_or(0, |h| h + 1)
            .min(out.len() - 1);
        out[s]
            .citations
            .extend(c.citation.search_tokens(&site.acts));
    }
    let extra = front_matter_text(p);
    if !extra.is_empty() {
        let lead = &mut out[0].body;
        if !lead.is_empty() {
            lead.push('\n');
        }
        lead.push_str(&extra);
    }
    out
}

/// Facts the templates show from front matter rather than the body (a legal summary's
/// offence card, a term's definition, a practice entry's key details), as searchable text.
fn front_matter_text(p: &Page) -> String {
    let fm = &p.fm;
    let mut lines: Vec<String> = Vec::new();
    if let Some(t) = &fm.term {
        if let Some(d) = &t.definition {
            lines.push(d.clone());
        }
        if let Some(a) = &t.abbreviation {
            lines.push(format!("{a}: {}", t.term));
        }
    }
    if let Some(l) = &fm.legal.legislation {
        let provision = l.provision.as_deref().unwrap_or("");
        lines.push(format!("{} {provision}", l.act).trim().to_string());
    }
    if let Some(o) = &fm.legal.offence {
        if let Some(m) = o.mode_of_trial {
            lines.push(format!("Mode of trial: {}.", m.label()));
        }
        for (route, f) in &o.max_penalty {
            let route = match route.as_str() {
                "indictment" => "on indictment",
                "summary" => "on summary conviction",
                r => r,
            };
            lines.push(format!("Maximum penalty {route}: {}.", f.raw));
        }
        if let Some(t) = &o.time_limit {
            lines.push(format!("Time limit: {}.", t.raw));
        }
        if !o.points_to_prove.is_empty() {
            lines.push(format!(
                "Points to prove: {}.",
                o.points_to_prove.join("; ")
            ));
        }
    }
    if let Some(x) = &fm.practice {
        for v in [&x.organisation, &x.region, &x.purpose, &x.target_group]
            .into_iter()
            .flatten()
        {
            lines.push(v.clone());
        }
        if !x.partners.is_empty() {
            lines.push(format!("Partners: {}.", x.partners.join(", ")));
        }
    }
    if let Some(r) = &fm.recommendation {
        if let Some(n) = &r.number {
            lines.push(format!("Recommendation {n}."));
        }
        if !r.addressees.is_empty() {
            lines.push(format!("For: {}.", r.addressees.join(", ")));
        }
        if let Some(pr) = &r.progress {
            lines.push(format!("Progress: {pr}."));
        }
    }
    lines.join("\n")
}
