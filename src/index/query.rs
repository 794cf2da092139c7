//! The query side of search, shared by `waymark search` and the servers' `/api/search`.
//!
//! The JSON shape is SPEC §7's: `{"total", "hits": [{"id", "url", "title", "kind", "score",
//! "snippet"}], "facets"}`, best first.

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Folder of the tantivy index inside a built site.
pub const INDEX_DIR: &str = "search-index";

#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    /// Only results of this kind (guidance, legal, practice, recommendation, term, section).
    pub kind: Option<String>,
    pub limit: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    /// URL relative to the site root (`guidance/x/#anchor`).
    pub url: String,
    pub title: String,
    pub kind: String,
    pub score: f32,
    /// HTML: escaped text with the matched terms in `<mark>`.
    pub snippet: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct SearchResponse {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Facet name (`kind`, `tags`, `audience`) -> value -> count.
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("no search index in {0}: build the site first")]
    NoIndex(String),
    #[error(
        "the search index in {dir} has schema version {found}, this Waymark reads {expected}: rebuild the site"
    )]
    WrongSchema {
        dir: String,
        found: String,
        expected: String,
    },
    #[error("invalid query: {0}")]
    BadQuery(String),
    #[error("search index error: {0}")]
    Index(String),
}

/// An open index, cheap to share between threads.
pub struct SearchIndex {
    _private: (),
}

impl SearchIndex {
    /// Opens the index of a built site folder (`<site>/search-index`), refusing one written
    /// with another schema version.
    pub fn open(site_dir: &Path) -> Result<SearchIndex, SearchError> {
        Err(SearchError::NoIndex(
            site_dir.join(INDEX_DIR).display().to_string(),
        ))
    }

    pub fn search(&self, _req: &SearchRequest) -> Result<SearchResponse, SearchError> {
        Err(SearchError::Index("not built".into()))
    }
}
