//! LINK: turn parsed pages into a site graph. Resolves links, anchors, wiki links and legal
//! citations; works out backlinks, related practice, section children, taxonomies and the
//! glossary. Pure: no I/O. Problems are recorded as data (a broken link, an unknown citation)
//! for the check stage to report, so every finding comes from one place.

mod links;
mod taxonomy;

pub use links::{LinkProblem, LinkTarget, ResolvedLink, id_from_path, resolve_dest};
pub use taxonomy::{Taxonomy, TaxonomyKind, TaxonomyTerm, humanise, jurisdiction_name};

use crate::config::SiteConfig;
use crate::diag::Sources;
use crate::model::{GlossaryEntry, Kind, Page, PageId};
use crate::parse::citations::ActTable;
use crate::parse::markdown::{Doc, slugify};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a citation in a page resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CitationTarget {
    /// The most specific summary that exists (subsection, else section, else the act's page).
    Page(usize),
    /// The act is known, but this section (or the act itself) has no summary.
    NoSummary,
    /// The act is not declared by any summary or `site.yaml` `acts`.
    UnknownAct,
    /// A bare section with no act named on the page before it.
    Ambiguous,
}

/// Key of a provision: canonical act name, section and subsections.
pub type ProvisionKey = (String, Option<String>, Vec<String>);

/// The whole site after linking: pages, what they point at, and what points at them.
/// (Clone: the live preview checks a copy in the background while the next save is built.)
#[derive(Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub sources: Sources,
    /// Pages sorted by id (the home page, id "", first).
    pub pages: Vec<Page>,
    /// Parsed bodies, parallel to `pages`.
    pub docs: Vec<Doc>,
    pub by_id: HashMap<PageId, usize>,
    /// Old id -> page, from `aliases`.
    pub aliases: BTreeMap<String, usize>,
    pub acts: ActTable,
    /// Provision -> the summary page that covers it.
    pub provisions: BTreeMap<ProvisionKey, usize>,
    /// Resolved links of each page, parallel to `docs[i].links`.
    pub links: Vec<Vec<ResolvedLink>>,
    /// Resolved citations of each page, parallel to `docs[i].citations`.
    pub citations: Vec<Vec<CitationTarget>>,
    /// Pages that link to or cite each page (sorted, no self-links).
    pub backlinks: Vec<Vec<usize>>,
    /// Legal summaries each page cites or links to.
    pub cites: Vec<Vec<usize>>,
    /// Practice entries related to each guidance page.
    pub related_practice: Vec<Vec<usize>>,
    /// Direct children of each section page, in display order.
    pub children: Vec<Vec<usize>>,
    pub parent: Vec<Option<usize>>,
    pub taxonomies: Vec<Taxonomy>,
    pub glossary: Vec<GlossaryEntry>,
    /// Upper-case abbreviation -> glossary entry.
    pub abbreviations: BTreeMap<String, usize>,
    /// Anchors each page has (headings plus anchors templates generate).
    pub anchors: Vec<BTreeSet<String>>,
    /// Non-Markdown files in the content tree, by path under the content root.
    pub assets: BTreeMap<String, std::path::PathBuf>,
    /// The glossary's section page (the top-level folder of kind `term`), if any.
    pub glossary_page: Option<usize>,
    /// Overlay pages that sit beside each national page (`overlays:`).
    pub local_pages: Vec<Vec<usize>>,
    /// Text of restricted pages and blocks, which the build proves never reaches public output.
    pub restricted_needles: Vec<String>,
    /// Files dropped because another file had their id: (page kept, file dropped).
    pub duplicate_files: Vec<(usize, crate::diag::FileId)>,
}

impl Site {
    pub fn page(&self, id: &str) -> Option<&Page> {
        self.by_id.get(id).map(|&i| &self.pages[i])
    }

    /// Display path of a page's file.
    pub fn path_of(&self, i: usize) -> &str {
        &self.sources.get(self.pages[i].file).display
    }

    pub fn home(&self) -> Option<usize> {
        self.by_id.get("").copied()
    }
}

/// Builds the provision table from legal summaries and `site.yaml`, and the act table the
/// citation recogniser needs. Called before Markdown is parsed, since parsing finds citations.
pub fn act_table(pages: &[Page], config: &SiteConfig) -> ActTable {
    let mut acts = ActTable::new();
    for p in pages {
        if let Some(l) = &p.fm.legal.legislation
            && !l.act.is_empty()
        {
            acts.add(&l.act, &l.short);
        }
    }
    for (name, short) in &config.acts {
        acts.add(name, short);
    }
    acts
}

fn provision_key(acts: &ActTable, act: &str, provision: Option<&str>) -> Option<ProvisionKey> {
    let canonical = acts.canonical(act).unwrap_or(act).to_string();
    match provision {
        None => Some((canonical, None, Vec::new())),
        Some(p) => {
            let (s, subs) = crate::parse::citations::parse_provision(p)?;
            Some((canonical, Some(s), subs))
        }
    }
}

/// Links the site. `pages` and `docs` are parallel and sorted by id.
pub fn link(
    config: SiteConfig,
    sources: Sources,
    pages: Vec<Page>,
    docs: Vec<Doc>,
    acts: ActTable,
    assets: BTreeMap<String, std::path::PathBuf>,
    duplicates: Vec<(PageId, crate::diag::FileId)>,
) -> Site {
    link_reusing(
        config,
        sources,
        pages,
        docs,
        acts,
        assets,
        duplicates,
        Reuse::default(),
    )
}

/// Links and citations an earlier link of the same pages resolved, for pages whose
/// resolution cannot have changed (the live preview knows which after a save). `None`, or a
/// missing entry, resolves the page afresh.
#[derive(Default)]
pub struct Reuse {
    pub links: Vec<Option<Vec<ResolvedLink>>>,
    pub citations: Vec<Option<Vec<CitationTarget>>>,
    /// Anchors of pages whose headings are unchanged (glossary anchors are added again).
    pub anchors: Vec<Option<BTreeSet<String>>>,
    /// Taxonomies, when no page's terms, status or title changed.
    pub taxonomies: Option<Vec<Taxonomy>>,
}

/// [`link`], taking the given pages' resolved links and citations as they are.
#[allow(clippy::too_many_arguments)]
pub fn link_reusing(
    config: SiteConfig,
    sources: Sources,
    pages: Vec<Page>,
    docs: Vec<Doc>,
    acts: ActTable,
    assets: BTreeMap<String, std::path::PathBuf>,
    duplicates: Vec<(PageId, crate::diag::FileId)>,
    mut reuse: Reuse,
) -> Site {
    let n = pages.len();
    reuse.links.resize_with(n, || None);
    reuse.citations.resize_with(n, || None);
    reuse.anchors.resize_with(n, || None);
    let by_id: HashMap<PageId, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    let mut aliases = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        for a in &p.fm.aliases {
            let a = a.trim_matches('/').trim_end_matches(".md").to_string();
            aliases.entry(a).or_insert(i);
        }
    }

    // Provisions: legal summaries and act pages.
    let mut provisions = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        if let Some(l) = &p.fm.legal.legislation {
            if l.act.is_empty() {
                continue;
            }
            let prov = if p.kind == Kind::Section {
                None
            } else {
                l.provision.as_deref()
            };
            if let Some(k) = provision_key(&acts, &l.act, prov) {
                provisions.entry(k).or_insert(i);
            }
        }
    }

    // Anchors: headings, plus the term anchors the glossary section page lists.
    let mut anchors: Vec<BTreeSet<String>> = docs
        .par_iter()
        .zip(reuse.anchors.par_iter_mut())
        .map(|(d, done)| {
            done.take()
                .unwrap_or_else(|| d.headings.iter().map(|h| h.anchor.clone()).collect())
        })
        .collect();
    let mut glossary = Vec::new();
    for p in &pages {
        if let Some(t) = &p.fm.term {
            glossary.push(GlossaryEntry {
                page: p.id.clone(),
                term: t.term.clone(),
                abbreviation: t.abbreviation.clone(),
                definition: t
                    .definition
                    .clone()
                    .or_else(|| p.fm.summary.clone())
                    .unwrap_or_default(),
                synonyms: t.synonyms.clone(),
                deprecated: t.deprecated.clone(),
            });
        }
    }
    glossary.sort_by(|a, b| {
        a.term
            .to_lowercase()
            .cmp(&b.term.to_lowercase())
            .then(a.page.cmp(&b.page))
    });
    let mut abbreviations = BTreeMap::new();
    for (gi, g) in glossary.iter().enumerate() {
        if let Some(a) = &g.abbreviation {
            abbreviations.entry(a.clone()).or_insert(gi);
        }
        if let Some(&pi) = by_id.get(&g.page)
            && let Some(parent) = pages[pi].parent_id()
            && let Some(&si) = by_id.get(&parent)
        {
            anchors[si].insert(slugify(&g.term));
        }
    }

    // Links, pages in parallel (each page's links resolve on their own).
    let links: Vec<Vec<ResolvedLink>> = pages
        .par_iter()
        .zip(&docs)
        .zip(reuse.links.par_iter_mut())
        .map(|((p, d), done)| {
            if let Some(l) = done.take() {
                return l;
            }
            d.links
                .iter()
                .map(|l| links::resolve(p, l, &by_id, &aliases, &anchors, &assets))
                .collect()
        })
        .collect();

    // Citations.
    let citations: Vec<Vec<CitationTarget>> = docs
        .par_iter()
        .zip(reuse.citations.par_iter_mut())
        .map(|(d, done)| {
            if let Some(c) = done.take() {
                return c;
            }
            d.citations
                .iter()
                .map(|c| {
                    let c = &c.citation;
                    if c.ambiguous {
                        return CitationTarget::Ambiguous;
                    }
                    let Some(act) = c.act.as_deref() else {
                        return CitationTarget::Ambiguous;
                    };
                    if !c.known_act {
                        return CitationTarget::UnknownAct;
                    }
                    let canonical = acts.canonical(act).unwrap_or(act).to_string();
                    let mut subs = c.subsections.clone();
                    loop {
                        let key = (canonical.clone(), c.section.clone(), subs.clone());
                        if let Some(&i) = provisions.get(&key) {
                            return CitationTarget::Page(i);
                        }
                        if subs.pop().is_none() {
                            break;
                        }
                    }
                    if c.section.is_none() {
                        // A whole act with no act page: nothing to link, nothing wrong.
                        return CitationTarget::NoSummary;
                    }
                    CitationTarget::NoSummary
                })
                .collect()
        })
        .collect();

    // Backlinks and citations of legal summaries.
    let mut backlinks: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    let mut cites: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for i in 0..n {
        for l in &links[i] {
            if let LinkTarget::Page { index, .. } = l.target
                && index != i
            {
                backlinks[index].insert(i);
                if pages[index].kind == Kind::Legal {
                    cites[i].insert(index);
                }
            }
        }
        for (ci, t) in citations[i].iter().enumerate() {
            if let CitationTarget::Page(index) = *t {
                let included = docs[i]
                    .blocks
                    .get(docs[i].citations[ci].block)
                    .is_some_and(|b| b.included);
                if index != i && !included {
                    backlinks[index].insert(i);
                    if pages[index].kind == Kind::Legal {
                        cites[i].insert(index);
                    }
                }
            }
        }
    }

    // Section structure.
    let mut parent = vec![None; n];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, p) in pages.iter().enumerate() {
        // Breadcrumbs go to the nearest ancestor section; a section lists only the pages
        // directly in its folder, so a folder without `_index.md` leaves its pages unlisted.
        let mut pid = p.parent_id();
        let mut direct = true;
        while let Some(id) = pid {
            if let Some(&si) = by_id.get(&id) {
                if si != i {
                    parent[i] = Some(si);
                    if direct {
                        children[si].push(i);
                    }
                }
                break;
            }
            direct = false;

            pid = if id.is_empty() {
                None
            } else {
                Some(id.rfind('/').map_or(String::new(), |k| id[..k].to_string()))
            };
        }
    }
    for c in &mut children {
        // Keys made once per page, not once per comparison.
        c.sort_by_cached_key(|&a| {
            let pa = &pages[a];
            (
                pa.fm.weight.unwrap_or(i64::MAX),
                !pa.is_section,
                pa.fm.title.to_lowercase(),
                pa.id.clone(),
            )
        });
    }

    // Related practice: explicit `related` either way, then shared topics.
    let mut related_practice = vec![Vec::new(); n];
    let practice: Vec<usize> = (0..n)
        .filter(|&i| pages[i].kind == Kind::Practice)
        .collect();
    for i in 0..n {
        if pages[i].kind != Kind::Guidance {
            continue;
        }
        let mut scored: Vec<(usize, usize)> = Vec::new();
        for &j in &practice {
            let explicit = pages[i].fm.related.iter().any(|r| r == &pages[j].id)
                || pages[j].fm.related.iter().any(|r| r == &pages[i].id);
            let shared = pages[i]
                .fm
                .topics
                .iter()
                .filter(|t| pages[j].fm.topics.iter().any(|u| u.eq_ignore_ascii_case(t)))
                .count();
            if explicit || shared > 0 {
                scored.push((if explicit { 100 } else { 0 } + shared, j));
            }
        }
        scored.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(pages[a.1].fm.title.cmp(&pages[b.1].fm.title))
        });
        related_practice[i] = scored.into_iter().map(|(_, j)| j).collect();
    }

    let taxonomies = reuse
        .taxonomies
        .take()
        .unwrap_or_else(|| taxonomy::build(&pages));
    let glossary_page = pages.iter().position(|p| {
        p.is_section
            && !p.id.is_empty()
            && !p.id.contains('/')
            && config.kind_for_folder(&p.id) == Kind::Term
    });
    let mut local_pages = vec![Vec::new(); n];
    for (j, p) in pages.iter().enumerate() {
        let target = p.fm.overlay.as_ref().and_then(|o| o.overlays.as_deref());
        if let Some(&i) = target
            .and_then(|t| by_id.get(t.trim().trim_start_matches("@/").trim_end_matches(".md")))
        {
            local_pages[i].push(j);
        }
    }
    let duplicate_files = duplicates
        .into_iter()
        .filter_map(|(id, f)| by_id.get(&id).map(|&i| (i, f)))
        .collect();

    Site {
        config,
        sources,
        pages,
        docs,
        by_id,
        aliases,
        acts,
        provisions,
        links,
        citations,
        backlinks: backlinks
            .into_iter()
            .map(|s| s.into_iter().collect())
            .collect(),
        cites: cites.into_iter().map(|s| s.into_iter().collect()).collect(),
        related_practice,
        children,
        parent,
        taxonomies,
        glossary,
        abbreviations,
        anchors,
        assets,
        duplicate_files,
        glossary_page,
        local_pages,
        restricted_needles: Vec::new(),
    }
}
