//! The search results page a server renders for `search/?q=`, so search works as a plain
//! form without JavaScript (SPEC §8, §10).
//!
//! A production mirror serves a built folder and has no site sources, so the build saves what
//! the page needs beside the index (the theme's templates and the site-wide values the
//! templates see from `search/`) and [`ResultsPage`] renders the theme's own `search.html`
//! with `query`, `results` and `results_message` filled in.

use super::IndexOptions;
use super::query::{INDEX_DIR, SearchError, SearchResponse};
use crate::graph::Site;
use crate::model::Kind;
use crate::render::Theme;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const KIT_FILE: &str = "waymark-results-page.json";
/// The page's path, as templates see it.
const SEARCH_PATH: &str = "search";
const TEMPLATE: &str = "search.html";

#[derive(Serialize, Deserialize)]
struct Kit {
    templates: Vec<(String, String)>,
    site: serde_json::Value,
}

/// Saves the results page kit into the index folder `dir`.
pub fn write_kit(
    dir: &Path,
    site: &Site,
    theme: &Theme,
    opts: &IndexOptions,
) -> Result<(), String> {
    let cx = crate::render::view_context(
        site,
        theme,
        crate::render::RenderOptions {
            portable: opts.portable,
            static_search: opts.static_search,
        },
    );
    let kit = Kit {
        templates: theme.template_sources().to_vec(),
        site: serde_json::to_value(cx.site_view(SEARCH_PATH)).map_err(|e| e.to_string())?,
    };
    let p = dir.join(KIT_FILE);
    let bytes = serde_json::to_vec(&kit).map_err(|e| e.to_string())?;
    std::fs::write(&p, bytes).map_err(|e| format!("cannot write {}: {e}", p.display()))
}

/// One result as `search.html` lists it.
#[derive(Debug, Serialize)]
pub struct ResultView {
    /// Relative to the search page.
    pub url: String,
    pub title: String,
    pub kind: String,
    pub kind_label: String,
    /// HTML with the matched words in `<mark>`.
    pub snippet: String,
}

/// A kind the results can be narrowed to, with its count.
#[derive(Debug, Serialize)]
pub struct FacetView {
    pub label: String,
    pub count: u64,
    /// Relative to the search page.
    pub url: String,
    pub current: bool,
}

/// Renders search results with the theme's `search.html`.
pub struct ResultsPage {
    theme: Theme,
    site: serde_json::Value,
}

impl ResultsPage {
    /// Loads the kit a build saved in `<site_dir>/search-index/`.
    pub fn open(site_dir: &Path) -> Result<ResultsPage, SearchError> {
        let p = site_dir.join(INDEX_DIR).join(KIT_FILE);
        let bytes = std::fs::read(&p)
            .map_err(|_| SearchError::NoIndex(site_dir.join(INDEX_DIR).display().to_string()))?;
        let kit: Kit = serde_json::from_slice(&bytes)
            .map_err(|e| SearchError::Index(format!("{} is damaged: {e}", p.display())))?;
        let theme = Theme::from_templates(kit.templates)
            .map_err(|e| SearchError::Index(format!("{}: {e}", p.display())))?;
        if !theme.has_template(TEMPLATE) {
            return Err(SearchError::Index(format!(
                "{}: no {TEMPLATE}",
                p.display()
            )));
        }
        Ok(ResultsPage {
            theme,
            site: kit.site,
        })
    }

    /// The page for `query` (within `kind`, if given) and what searching for it gave. An
    /// empty query gives the empty form.
    pub fn render(
        &self,
        query: &str,
        kind: Option<&str>,
        outcome: Result<&SearchResponse, &SearchError>,
    ) -> Result<String, String> {
        let query = query.trim();
        let kind = kind.map(str::trim).filter(|k| !k.is_empty());
        let root = self.site["root"].as_str().unwrap_or("../");
        let mut ctx = tera::Context::new();
        ctx.insert("site", &self.site);
        ctx.insert("title", "Search");
        if let Some(k) = kind {
            ctx.insert("kind", k);
        }
        if !query.is_empty() {
            ctx.insert("query", query);
            match outcome {
                Ok(res) => {
                    let facets: Vec<FacetView> = res
                        .facets
                        .get("kind")
                        .into_iter()
                        .flatten()
                        .map(|(k, &count)| FacetView {
                            label: Kind::parse(k)
                                .map_or_else(|| k.clone(), |x| x.label().to_string()),
                            count,
                            url: format!(
                                "./?q={}&kind={}",
                                utf8_percent_encode(query, NON_ALPHANUMERIC),
                                utf8_percent_encode(k, NON_ALPHANUMERIC)
                            ),
                            current: kind == Some(k.as_str()),
                        })
                        .collect();
                    ctx.insert("facets", &facets);
                    let results: Vec<ResultView> = res
                        .hits
                        .iter()
                        .map(|h| ResultView {
                            url: format!("{root}{}", h.url.trim_start_matches("./")),
                            title: h.title.clone(),
                            kind: h.kind.clone(),
                            kind_label: Kind::parse(&h.kind)
                                .map_or_else(|| h.kind.clone(), |k| k.label().to_string()),
                            snippet: h.snippet.clone(),
                        })
                        .collect();
                    ctx.insert("results_message", &results_message(query, res));
                    ctx.insert("results", &results);
                }
                Err(e) => {
                    let msg = match e {
                        SearchError::BadQuery(m) => format!("That search could not be run: {m}."),
                        _ => "Search is not available at the moment. Browse the sections or the glossary instead.".to_string(),
                    };
                    ctx.insert("results_message", &msg);
                }
            }
        }
        self.theme.render(TEMPLATE, &ctx)
    }
}

/// "3 results for “x”", or how to search differently when nothing was found.
pub fn results_message(query: &str, res: &SearchResponse) -> String {
    match res.total {
        0 => format!(
            "No results for “{query}”. Try fewer or other words, or a section number such as s.4A."
        ),
        1 => format!("1 result for “{query}”"),
        n if n > res.hits.len() => format!(
            "{n} results for “{query}”; the first {} are shown",
            res.hits.len()
        ),
        n => format!("{n} results for “{query}”"),
    }
}
