//! The query side of search, shared by `waymark search` and the servers' `/api/search`.
//!
//! The JSON shape is SPEC §7's: `{"total", "hits": [{"id", "url", "title", "kind", "score",
//! "snippet"}], "facets"}`, best first.
//!
//! # How a query is read
//!
//! An officer's query is free text, never query syntax. It is cut into *concepts*, each a set
//! of interchangeable ways to match one thing the officer asked about:
//!
//! - a legal citation, found by the same recogniser that links citations in pages ("s4a",
//!   "s.4A", "section 4A", "PHA s 4A" all give the token `s4a`; with an act, `pha1997s4a`),
//!   and a bare section number ("2A") as a citation or a word;
//! - a glossary term, abbreviation or synonym ("SPO", "stalking protection order"), which
//!   matches any member of its group, as a phrase;
//! - any other word, stemmed; a word the site never uses is replaced by the nearest words it
//!   does use (typo correction against the index's own vocabulary);
//! - a quoted phrase, which results must contain.
//!
//! Words that only make a question a question ("how", "does", "what") are dropped.
//!
//! # Ranking
//!
//! Each concept scores by BM25 over the fields, weighted: title, then headings, then summary
//! and tags, then body; a citation scores far higher in the `provision` field (the legal
//! summary of that provision) than where it is merely cited, and act + section above section
//! alone. Pairs of adjacent words earn a proximity bonus. The sum is multiplied by the square of
//! the share of concepts a section matches, so sections that answer the whole question come
//! first. Sections are grouped by page: a page ranks by its best section and links to it.
//! When the words as typed find fewer than three pages, the query is run again with close
//! spellings of every word.

use super::analysis::{self, Synonyms, Tables};
use super::docs::PageInfo;
use super::schema::{self, Fields, SCHEMA_VERSION};
use super::writer::{PAGES_FILE, TABLES_FILE, VERSION_FILE};
use crate::model::Kind;
use crate::parse::citations::{ActTable, CitationScanner};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, EnableScoring, FuzzyTermQuery, Occur,
    PhraseQuery, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, DocId, Index, IndexReader, ReloadPolicy, Score, Searcher, SegmentOrdinal,
    SegmentReader, TantivyDocument, Term,
};

/// Folder of the tantivy index inside a built site.
pub const INDEX_DIR: &str = "search-index";

/// Longest query read, in bytes; the rest is ignored.
pub const MAX_QUERY_BYTES: usize = 512;
/// Most concepts one query is cut into; the rest is ignored, bounding query cost.
const MAX_CONCEPTS: usize = 16;
/// Most hits one request returns.
pub const MAX_LIMIT: usize = 100;
/// Fewer pages than this and the query is retried with close spellings.
const FEW_RESULTS: usize = 3;

const TITLE_BOOST: Score = 4.0;
const HEADINGS_BOOST: Score = 2.5;
const SUMMARY_BOOST: Score = 1.5;
const TAGS_BOOST: Score = 1.5;
const BODY_BOOST: Score = 1.0;
/// How much more a section counts when its page title or its headings name every concept.
const ABOUT_BOOST: Score = 1.0;
/// Estimated matching sections above which ranking starts with a pruned first pass.
const EXACT_UP_TO: u64 = 5_000;
/// Sections the pruned first pass keeps for full ranking.
const CANDIDATES: usize = 400;
/// Weight of a close spelling tried for a word the site does use.
const FUZZY_WEIGHT: Score = 0.5;
const SNIPPET_CHARS: usize = 200;

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

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(e.to_string())
    }
}

// The servers share one open index between request threads.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<SearchIndex>();
};

/// An open index, cheap to share between threads.
pub struct SearchIndex {
    dir: PathBuf,
    reader: IndexReader,
    f: Fields,
    /// Fields words are scored in, with their weights.
    prose: [(Field, Score); 5],
    /// Fields that say what a section is about.
    headings: [(Field, Score); 2],
    pages: Vec<PageInfo>,
    acts: ActTable,
    synonyms: Synonyms,
    facets: FacetTable,
}

/// Facet values of every page, as small integers, so counting them over thousands of
/// results costs an array increment each.
struct FacetTable {
    /// Facet name, and its distinct values (sorted).
    names: Vec<(&'static str, Vec<String>)>,
    /// Per page, per facet: indexes into the facet's values.
    pages: Vec<Vec<Vec<u32>>>,
}

/// A facet's values on one page.
type ValuesOf = fn(&PageInfo) -> Vec<&str>;

impl FacetTable {
    fn new(pages: &[PageInfo]) -> FacetTable {
        let get: [(&'static str, ValuesOf); 3] = [
            ("kind", |p| vec![p.kind.as_str()]),
            ("tags", |p| p.tags.iter().map(String::as_str).collect()),
            ("audience", |p| {
                p.audience.iter().map(String::as_str).collect()
            }),
        ];
        let mut names = Vec::new();
        let mut per_page = vec![Vec::new(); pages.len()];
        for (name, values_of) in get {
            let mut values: Vec<String> = pages
                .iter()
                .flat_map(|p| values_of(p))
                .map(str::to_string)
                .collect();
            values.sort();
            values.dedup();
            for (i, p) in pages.iter().enumerate() {
                per_page[i].push(
                    values_of(p)
                        .into_iter()
                        .filter_map(|v| values.binary_search_by(|x| x.as_str().cmp(v)).ok())
                        .map(|x| x as u32)
                        .collect(),
                );
            }
            names.push((name, values));
        }
        FacetTable {
            names,
            pages: per_page,
        }
    }

    fn count(&self, pages: impl Iterator<Item = usize>) -> BTreeMap<String, BTreeMap<String, u64>> {
        let mut counts: Vec<Vec<u64>> = self.names.iter().map(|(_, v)| vec![0; v.len()]).collect();
        for p in pages {
            for (f, ids) in self.pages[p].iter().enumerate() {
                for &id in ids {
                    counts[f][id as usize] += 1;
                }
            }
        }
        let mut out = BTreeMap::new();
        for ((name, values), counts) in self.names.iter().zip(counts) {
            let m: BTreeMap<String, u64> = values
                .iter()
                .zip(counts)
                .filter(|(_, n)| *n > 0)
                .map(|(v, n)| (v.clone(), n))
                .collect();
            if !m.is_empty() {
                out.insert((*name).to_string(), m);
            }
        }
        out
    }
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .field("pages", &self.pages.len())
            .finish()
    }
}

fn read_json<T: serde::de::DeserializeOwned>(dir: &Path, name: &str) -> Result<T, SearchError> {
    let p = dir.join(name);
    let bytes = std::fs::read(&p)
        .map_err(|e| SearchError::Index(format!("cannot read {}: {e}", p.display())))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| SearchError::Index(format!("{} is damaged: {e}", p.display())))
}

impl SearchIndex {
    /// Opens the index of a built site folder (`<site>/search-index`), refusing one written
    /// with another schema version.
    pub fn open(site_dir: &Path) -> Result<SearchIndex, SearchError> {
        let dir = site_dir.join(INDEX_DIR);
        let shown = dir.display().to_string();
        if !dir.join("meta.json").is_file() {
            return Err(SearchError::NoIndex(shown));
        }
        let found = std::fs::read_to_string(dir.join(VERSION_FILE))
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "(none)".into());
        if found != SCHEMA_VERSION {
            return Err(SearchError::WrongSchema {
                dir: shown,
                found,
                expected: SCHEMA_VERSION.into(),
            });
        }
        let index = Index::open_in_dir(&dir)?;
        let f = schema::fields(&index.schema()).map_err(|e| SearchError::WrongSchema {
            dir: shown.clone(),
            found: format!("{found} ({e})"),
            expected: SCHEMA_VERSION.into(),
        })?;
        analysis::register(index.tokenizers());
        // The folder is immutable: a new build is a new folder, so nothing needs reloading.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let pages: Vec<PageInfo> = read_json(&dir, PAGES_FILE)?;
        let tables: Tables = read_json(&dir, TABLES_FILE)?;
        Ok(SearchIndex {
            dir,
            reader,
            prose: [
                (f.title, TITLE_BOOST),
                (f.headings, HEADINGS_BOOST),
                (f.summary, SUMMARY_BOOST),
                (f.tags, TAGS_BOOST),
                (f.body, BODY_BOOST),
            ],
            headings: [(f.title, 1.0), (f.headings, 1.0)],
            f,
            acts: tables.act_table(),
            synonyms: Synonyms::compile(&tables.synonyms),
            facets: FacetTable::new(&pages),
            pages,
        })
    }

    /// Number of pages in the index.
    pub fn pages(&self) -> usize {
        self.pages.len()
    }

    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse, SearchError> {
        let kind = match req.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => Some(Kind::parse(k).ok_or_else(|| {
                let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                SearchError::BadQuery(format!(
                    "unknown kind `{k}`: expected one of {}",
                    all.join(", ")
                ))
            })?),
            None => None,
        };
        let limit = match req.limit {
            0 => 10,
            n => n.min(MAX_LIMIT),
        };
        let query = truncate(req.query.trim(), MAX_QUERY_BYTES);
        if query.is_empty() {
            return Ok(SearchResponse::default());
        }
        let searcher = self.reader.searcher();
        let mut plan = self.plan(&searcher, query, false)?;
        if plan.concepts.is_empty() {
            return Ok(SearchResponse::default());
        }
        // A kind filter needs every matching page ranked.
        let exact = kind.is_some();
        let mut ranked = self.run(&searcher, &plan, exact)?;
        if ranked.pages.len() < FEW_RESULTS && plan.can_widen {
            let wider = self.plan(&searcher, query, true)?;
            let more = self.run(&searcher, &wider, exact)?;
            if more.pages.len() > ranked.pages.len() {
                ranked = more;
                plan = wider;
            }
        }
        let facets = self.facets.count(ranked.pages.iter().copied());
        let mut found = ranked.found;
        let total = match kind {
            Some(k) => {
                found.retain(|r| self.pages[r.page].kind == k.as_str());
                found.len()
            }
            None => ranked.pages.len(),
        };
        let snippets = self.snippet_generator(&searcher, &plan)?;
        let hits = found
            .iter()
            .take(limit)
            .map(|r| self.hit(&searcher, &snippets, r))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SearchResponse {
            total,
            hits,
            facets,
        })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        snippets: &SnippetGenerator,
        r: &Found,
    ) -> Result<Hit, SearchError> {
        let p = &self.pages[r.page];
        let doc: TantivyDocument = searcher.doc(r.doc)?;
        let text = |f: Field| {
            doc.get_first(f)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        let heading = text(self.f.heading);
        let url = text(self.f.url);
        let body = text(self.f.body);
        let title = if heading.is_empty() {
            p.title.clone()
        } else {
            format!("{} › {heading}", p.title)
        };
        Ok(Hit {
            id: p.id.clone(),
            url: if url.is_empty() { p.url.clone() } else { url },
            title,
            kind: p.kind.clone(),
            score: (r.score * 1000.0).round() / 1000.0,
            snippet: snippet(snippets, &body, &p.summary),
        })
    }

    fn snippet_generator(
        &self,
        searcher: &Searcher,
        plan: &Plan,
    ) -> Result<SnippetGenerator, SearchError> {
        let mut terms = BTreeMap::new();
        for stem in &plan.highlight {
            let df = searcher.doc_freq(&Term::from_field_text(self.f.body, stem))?;
            // Rarer words make the better snippet.
            terms.insert(stem.clone(), 1.0 / (1.0 + df as Score));
        }
        Ok(SnippetGenerator::new(
            terms,
            analysis::snippet_analyzer(&plan.highlight),
            self.f.body,
            SNIPPET_CHARS,
        ))
    }

    /// Runs a plan: every matching page once, by its best section, best first.
    ///
    /// Where the query's words are common in a large index, ranking every matching section
    /// would cost too much: a first pass then keeps the best [`CANDIDATES`] sections by their
    /// words' weighted BM25 alone (with tantivy's block-max WAND pruning), the full ranking
    /// is computed for those only, and the pages matching at all are counted without scoring.
    fn run(&self, searcher: &Searcher, plan: &Plan, exact: bool) -> Result<Ranked, SearchError> {
        let pruned = !exact
            && !plan.concepts.iter().any(|c| c.required)
            && self.estimate(searcher, plan)? > EXACT_UP_TO;
        if !pruned {
            let found = self.run_exact(searcher, plan)?;
            let pages = found.iter().map(|f| f.page).collect();
            return Ok(Ranked { found, pages });
        }
        let flat: Vec<(Term, Score)> = plan
            .concepts
            .iter()
            .flat_map(|c| c.terms.iter().cloned())
            .collect();
        let top = searcher.search(
            &*terms_query(&flat),
            &TopDocs::with_limit(CANDIDATES).order_by_score(),
        )?;
        let scoring = EnableScoring::enabled_from_searcher(searcher);
        let no_scoring = EnableScoring::disabled_from_searcher(searcher);
        let weights = plan
            .concepts
            .iter()
            .map(|c| Ok((c.query.weight(scoring)?, c.about.weight(no_scoring)?)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let bonus = plan
            .bonus
            .iter()
            .map(|b| b.weight(scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut by_segment: BTreeMap<SegmentOrdinal, Vec<DocId>> = BTreeMap::new();
        for (_, addr) in &top {
            by_segment
                .entry(addr.segment_ord)
                .or_default()
                .push(addr.doc_id);
        }
        let mut best: HashMap<usize, Found> = HashMap::new();
        let n = weights.len();
        for (segment, mut docs) in by_segment {
            docs.sort_unstable();
            let reader = searcher.segment_reader(segment);
            let pages = reader.fast_fields().u64(schema::names::PAGE)?;
            let mut scorers = weights
                .iter()
                .map(|(w, a)| Ok((w.scorer(reader, 1.0)?, a.scorer(reader, 1.0)?)))
                .collect::<tantivy::Result<Vec<_>>>()?;
            let mut bonus_scorers = bonus
                .iter()
                .map(|w| w.scorer(reader, 1.0))
                .collect::<tantivy::Result<Vec<_>>>()?;
            for doc in docs {
                let (mut sum, mut matched, mut named) = (0.0, 0usize, 0usize);
                for (s, a) in &mut scorers {
                    if at(s.as_mut(), doc) {
                        sum += s.score();
                        matched += 1;
                        named += usize::from(at(a.as_mut(), doc));
                    }
                }
                for b in &mut bonus_scorers {
                    if at(b.as_mut(), doc) {
                        sum += b.score();
                    }
                }
                let Some(page) = pages.first(doc) else {
                    continue;
                };
                let f = Found {
                    page: page as usize,
                    doc: DocAddress::new(segment, doc),
                    score: combine(sum, matched, named, n),
                };
                match best.get(&f.page) {
                    Some(b) if b.score >= f.score => {}
                    _ => {
                        best.insert(f.page, f);
                    }
                }
            }
        }
        // Every page that matches at all, for the total and the facets.
        let any = BooleanQuery::new(
            plan.concepts
                .iter()
                .map(|c| (Occur::Should, c.query.box_clone()))
                .collect(),
        );
        let any = any.weight(no_scoring)?;
        let mut seen = vec![false; self.pages.len()];
        for reader in searcher.segment_readers() {
            let pages = reader.fast_fields().u64(schema::names::PAGE)?;
            any.for_each_no_score(reader, &mut |docs| {
                for &d in docs {
                    if let Some(p) = pages.first(d)
                        && let Some(s) = seen.get_mut(p as usize)
                    {
                        *s = true;
                    }
                }
            })?;
        }
        Ok(Ranked {
            found: sorted(best.into_values().collect()),
            pages: (0..seen.len()).filter(|&p| seen[p]).collect(),
        })
    }

    /// Sections the plan could match, roughly: the sum over concepts of their commonest
    /// term's document frequency.
    fn estimate(&self, searcher: &Searcher, plan: &Plan) -> Result<u64, SearchError> {
        let mut total = 0;
        for c in &plan.concepts {
            let mut most = 0;
            for (t, _) in &c.terms {
                most = most.max(searcher.doc_freq(t)?);
            }
            total += most;
        }
        Ok(total)
    }

    /// Ranks every matching section.
    fn run_exact(&self, searcher: &Searcher, plan: &Plan) -> Result<Vec<Found>, SearchError> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for c in &plan.concepts {
            let occur = if c.required {
                Occur::Must
            } else {
                Occur::Should
            };
            clauses.push((occur, c.query.box_clone()));
        }
        for b in &plan.bonus {
            clauses.push((Occur::Should, b.box_clone()));
        }
        let query = BooleanQuery::new(clauses);
        let no_scoring = EnableScoring::disabled_from_searcher(searcher);
        let matchers = plan
            .concepts
            .iter()
            .map(|c| Ok((c.query.weight(no_scoring)?, c.about.weight(no_scoring)?)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let collector = PageCollector {
            matchers,
            page_field: schema::names::PAGE,
            pages: self.pages.len(),
        };
        let mut best: HashMap<usize, Found> = HashMap::new();
        for f in searcher.search(&query, &collector)? {
            match best.get(&f.page) {
                Some(b) if b.score >= f.score => {}
                _ => {
                    best.insert(f.page, f);
                }
            }
        }
        Ok(sorted(best.into_values().collect()))
    }

    /// Cuts a query into concepts (see the module documentation).
    fn plan(&self, searcher: &Searcher, query: &str, widen: bool) -> Result<Plan, SearchError> {
        let mut plan = Plan::default();
        // Quoted phrases first; the rest keeps its byte offsets with the quotes blanked.
        let mut rest = String::with_capacity(query.len());
        let mut phrases = Vec::new();
        let mut parts = query.split('"');
        let mut inside = false;
        let mut pieces: Vec<(bool, &str)> = Vec::new();
        for part in parts.by_ref() {
            pieces.push((inside, part));
            inside = !inside;
        }
        // An unclosed quote quotes nothing.
        let closed = pieces.len() % 2 == 1;
        for (i, (quoted, part)) in pieces.iter().enumerate() {
            if i > 0 {
                rest.push(' ');
            }
            if *quoted && (closed || i + 1 < pieces.len()) {
                phrases.push(*part);
                rest.extend(std::iter::repeat_n(' ', part.len()));
            } else {
                rest.push_str(part);
            }
        }

        // Citations, by the recogniser pages are linked with.
        let mut scanner = CitationScanner::new(&self.acts);
        let mut seen_citations = Vec::new();
        let mut blanked = rest.clone().into_bytes();
        for c in scanner.scan(&rest) {
            let tokens = c.search_tokens(&self.acts);
            if tokens.is_empty() || seen_citations.contains(&tokens) {
                continue;
            }
            if c.section.is_some() {
                for b in &mut blanked[c.span.clone()] {
                    *b = b' ';
                }
                if let Some(sec) = &c.section {
                    plan.highlight.push(sec.to_ascii_lowercase());
                }
            }
            let terms = self.citation_terms(c.section.as_deref(), &tokens);
            plan.concepts.push(Concept {
                query: terms_query(&terms),
                about: self.provision_query(c.section.is_some(), &tokens),
                required: false,
                terms,
            });
            seen_citations.push(tokens);
        }
        // Blanking whole citations keeps char boundaries: spans are on them.
        let rest = String::from_utf8(blanked).unwrap_or_default();

        let mut words = analysis::words(&rest);
        words.retain(|w| w.word.chars().count() > 1 || w.word.bytes().all(|b| b.is_ascii_digit()));
        // Corrections for words the site never uses.
        let mut alternatives: Vec<Vec<(String, Score)>> = Vec::with_capacity(words.len());
        for w in &mut words {
            let mut alts = vec![(w.stem.clone(), 1.0)];
            if analysis::is_stop_word(&w.word) || !correctable(&w.word) {
                alternatives.push(alts);
                continue;
            }
            if !self.known(searcher, w)? {
                let fixes = self.corrections(searcher, &w.word)?;
                match fixes.first() {
                    Some((best, _)) => {
                        // Synonyms are matched on the corrected word.
                        w.stem = analysis::stems(best).into_iter().next().unwrap_or_default();
                        alts = fixes
                            .iter()
                            .filter_map(|(f, _)| analysis::stems(f).into_iter().next())
                            .map(|s| (s, 1.0))
                            .collect();
                        alts.dedup();
                    }
                    // Nothing can match it: leave it out rather than count it against every
                    // page.
                    None => alts.clear(),
                }
            } else if widen && w.word.chars().count() >= 5 {
                for (f, _) in self.corrections(searcher, &w.word)? {
                    if let Some(s) = analysis::stems(&f).into_iter().next()
                        && !alts.iter().any(|(a, _)| *a == s)
                    {
                        alts.push((s, FUZZY_WEIGHT));
                    }
                }
            } else if w.word.chars().count() >= 5 {
                plan.can_widen = true;
            }
            alternatives.push(alts);
        }

        let stems: Vec<&str> = words.iter().map(|w| w.stem.as_str()).collect();
        let matches = self.synonyms.find(&stems);
        let all_stop = words.iter().all(|w| analysis::is_stop_word(&w.word));
        let mut i = 0;
        let mut m = matches.iter().peekable();
        // Single-stem concepts in query order, for the proximity bonus.
        let mut sequence: Vec<Option<String>> = Vec::new();
        while i < words.len() {
            if let Some(sm) = m.next_if(|sm| sm.start == i) {
                let members = &self.synonyms.groups[sm.group];
                let alts: Vec<Box<dyn Query>> = members
                    .iter()
                    .map(|stems| self.words_query(stems, 1.0, &self.prose))
                    .collect();
                let about = members
                    .iter()
                    .map(|stems| (Occur::Should, self.words_query(stems, 1.0, &self.headings)))
                    .collect();
                for member in members {
                    plan.highlight.extend(member.iter().cloned());
                }
                plan.concepts.push(Concept {
                    query: Box::new(DisjunctionMaxQuery::with_tie_breaker(alts, 0.3)),
                    about: Box::new(BooleanQuery::new(about)),
                    required: false,
                    terms: members
                        .iter()
                        .flat_map(|stems| self.words_terms(stems, 1.0))
                        .collect(),
                });
                sequence.push(None);
                i += sm.len;
                continue;
            }
            let w = &words[i];
            let alts = &alternatives[i];
            i += 1;
            if alts.is_empty() || (analysis::is_stop_word(&w.word) && !all_stop) {
                continue;
            }
            let mut queries: Vec<Box<dyn Query>> = alts
                .iter()
                .map(|(stem, weight)| {
                    self.words_query(std::slice::from_ref(stem), *weight, &self.prose)
                })
                .collect();
            let mut about: Vec<(Occur, Box<dyn Query>)> = alts
                .iter()
                .map(|(stem, _)| {
                    (
                        Occur::Should,
                        self.words_query(std::slice::from_ref(stem), 1.0, &self.headings),
                    )
                })
                .collect();
            plan.highlight.extend(alts.iter().map(|(s, _)| s.clone()));
            let mut terms: Vec<(Term, Score)> = alts
                .iter()
                .flat_map(|(stem, weight)| self.words_terms(std::slice::from_ref(stem), *weight))
                .collect();
            if let Some(token) = analysis::bare_section(&w.word) {
                let tokens = [token];
                let cite = self.citation_terms(Some(&w.word), &tokens);
                queries.push(terms_query(&cite));
                terms.extend(cite);
                about.push((Occur::Should, self.provision_query(true, &tokens)));
            }
            let query: Box<dyn Query> = if queries.len() == 1 {
                queries.pop().expect("one query")
            } else {
                Box::new(DisjunctionMaxQuery::with_tie_breaker(queries, 0.3))
            };
            plan.concepts.push(Concept {
                query,
                about: Box::new(BooleanQuery::new(about)),
                required: false,
                terms,
            });
            sequence.push(Some(alts[0].0.clone()));
        }
        for p in phrases {
            let stems = analysis::stems(p);
            if stems.is_empty() {
                continue;
            }
            plan.highlight.extend(stems.iter().cloned());
            plan.concepts.push(Concept {
                query: self.words_query(&stems, 1.0, &self.prose),
                about: self.words_query(&stems, 1.0, &self.headings),
                required: true,
                terms: self.words_terms(&stems, 1.0),
            });
        }
        // Adjacent words of the query near each other in a title or the text.
        for pair in sequence.windows(2) {
            if let [Some(a), Some(b)] = pair {
                let terms = |f: Field| {
                    vec![
                        (0, Term::from_field_text(f, a)),
                        (1, Term::from_field_text(f, b)),
                    ]
                };
                for (field, boost) in [(self.f.title, 1.0), (self.f.body, 0.5)] {
                    plan.bonus.push(Box::new(BoostQuery::new(
                        Box::new(PhraseQuery::new_with_offset_and_slop(terms(field), 2)),
                        boost,
                    )));
                }
            }
        }
        plan.concepts.truncate(MAX_CONCEPTS);
        plan.highlight.sort();
        plan.highlight.dedup();
        Ok(plan)
    }

    /// The terms of `words_query` over the prose fields, for the first, approximate pass over
    /// a large index: a phrase counts as its words.
    fn words_terms(&self, stems: &[String], weight: Score) -> Vec<(Term, Score)> {
        let share = weight / stems.len().max(1) as Score;
        self.prose
            .iter()
            .flat_map(|&(field, boost)| {
                stems
                    .iter()
                    .map(move |s| (Term::from_field_text(field, s), boost * share))
            })
            .collect()
    }

    /// A word (or phrase, as stems) in `fields`, weighted by field.
    fn words_query(
        &self,
        stems: &[String],
        weight: Score,
        fields: &[(Field, Score)],
    ) -> Box<dyn Query> {
        let clauses = fields
            .iter()
            .copied()
            .map(|(field, boost)| {
                let q: Box<dyn Query> = if let [stem] = stems {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, stem),
                        IndexRecordOption::WithFreqs,
                    ))
                } else {
                    Box::new(PhraseQuery::new(
                        stems
                            .iter()
                            .map(|s| Term::from_field_text(field, s))
                            .collect(),
                    ))
                };
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(q, boost * weight)) as Box<dyn Query>,
                )
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    /// A citation's tokens (see `Citation::search_tokens`: section, act + section, act) as
    /// weighted terms: the legal summary of the provision (`provision` field) outranks pages
    /// that cite it.
    fn citation_terms(&self, section: Option<&str>, tokens: &[String]) -> Vec<(Term, Score)> {
        let has_section = section.is_some();
        let mut terms = Vec::new();
        let mut add = |field: Field, token: &str, boost: Score| {
            terms.push((Term::from_field_text(field, token), boost));
        };
        match tokens {
            // Section with its act.
            [sec, act_sec, act] if has_section => {
                add(self.f.provision, act_sec, 12.0);
                add(self.f.provision, sec, 3.0);
                add(self.f.provision, act, 1.0);
                add(self.f.citations, act_sec, 2.0);
                add(self.f.citations, sec, 0.5);
            }
            // A section with no act.
            [sec] if has_section => {
                add(self.f.provision, sec, 6.0);
                add(self.f.citations, sec, 1.5);
            }
            // A whole act.
            _ => {
                for t in tokens {
                    add(self.f.provision, t, 6.0);
                    add(self.f.citations, t, 1.5);
                }
            }
        }
        if let Some(sec) = section {
            // Text that cites the section in a form the recogniser did not normalise.
            add(self.f.body, &sec.to_ascii_lowercase(), 0.3);
        }
        terms
    }

    /// Pages that are about a citation, not merely citing it: the legal summary of the
    /// provision (of the act, for a whole-act citation).
    fn provision_query(&self, has_section: bool, tokens: &[String]) -> Box<dyn Query> {
        let token = match tokens {
            [_, act_sec, _] if has_section => act_sec,
            [sec] if has_section => sec,
            [act, ..] => act,
            [] => return Box::new(tantivy::query::EmptyQuery),
        };
        Box::new(TermQuery::new(
            Term::from_field_text(self.f.provision, token),
            IndexRecordOption::Basic,
        ))
    }

    /// Whether the site uses a word (as written, or any word with its stem).
    fn known(&self, searcher: &Searcher, w: &analysis::Word) -> Result<bool, SearchError> {
        if searcher.doc_freq(&Term::from_field_text(self.f.spell, &w.word))? > 0 {
            return Ok(true);
        }
        for f in [self.f.body, self.f.title, self.f.headings, self.f.tags] {
            if searcher.doc_freq(&Term::from_field_text(f, &w.stem))? > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Words of the site a mistyped or shortened word may stand for, at most two: the
    /// nearest within one edit (two for long words), most common first; failing that, the most
    /// common words it begins ("max" for "maximum").
    fn corrections(
        &self,
        searcher: &Searcher,
        word: &str,
    ) -> Result<Vec<(String, u64)>, SearchError> {
        let mut near: HashMap<String, u64> = HashMap::new();
        let mut completions: HashMap<String, u64> = HashMap::new();
        let len = word.chars().count();
        let distance = if len >= 8 { 2 } else { 1 };
        let mut upper = word.as_bytes().to_vec();
        upper.push(0xff);
        for seg in searcher.segment_readers() {
            let inverted = seg.inverted_index(self.f.spell)?;
            let io = |e: std::io::Error| SearchError::Index(e.to_string());
            if len >= 4 {
                let automaton =
                    FuzzyTermQuery::new(Term::from_field_text(self.f.spell, word), distance, true)
                        .automaton()?;
                let mut stream = inverted
                    .terms()
                    .search(automaton)
                    .into_stream()
                    .map_err(io)?;
                while stream.advance() {
                    let w = String::from_utf8_lossy(stream.key()).to_string();
                    *near.entry(w).or_default() += u64::from(stream.value().doc_freq);
                }
            }
            let mut stream = inverted
                .terms()
                .range()
                .gt(word.as_bytes())
                .lt(&upper)
                .into_stream()
                .map_err(io)?;
            while stream.advance() {
                let w = String::from_utf8_lossy(stream.key()).to_string();
                *completions.entry(w).or_default() += u64::from(stream.value().doc_freq);
            }
        }
        near.remove(word);
        let mut scored: Vec<(usize, String, u64)> = near
            .into_iter()
            .filter(|(w, _)| !analysis::is_stop_word(w))
            .map(|(w, df)| (strsim::damerau_levenshtein(word, &w), w, df))
            .collect();
        if scored.is_empty() {
            // Completions count as the farthest match, ordered by use.
            scored = completions
                .into_iter()
                .filter(|(w, _)| !analysis::is_stop_word(w))
                .map(|(w, df)| (0, w, df))
                .collect();
        }
        scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
        let nearest = scored.first().map(|s| s.0);
        Ok(scored
            .into_iter()
            .take_while(|s| Some(s.0) == nearest)
            .take(2)
            .map(|(_, w, df)| (w, df))
            .collect())
    }
}

/// A weighted sum of terms.
fn terms_query(terms: &[(Term, Score)]) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        terms
            .iter()
            .map(|(t, b)| {
                let q: Box<dyn Query> = Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs)),
                    *b,
                ));
                (Occur::Should, q)
            })
            .collect(),
    ))
}

/// Words worth correcting: long enough to stand for one word, and not numbers.
fn correctable(word: &str) -> bool {
    word.chars().count() >= 3 && word.chars().all(char::is_alphabetic)
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The best fragment of the section's text with the query's words marked; else of the
/// page's summary; else the start of the text.
fn snippet(generator: &SnippetGenerator, body: &str, summary: &str) -> String {
    for text in [body, summary] {
        let mut s = generator.snippet(text);
        if s.is_empty() {
            continue;
        }
        s.set_snippet_prefix_postfix("<mark>", "</mark>");
        let r = s.fragment_range();
        let mut html = String::new();
        if r.start > 0 {
            html.push('…');
        }
        html.push_str(&s.to_html());
        if r.end < text.len() {
            html.push('…');
        }
        return html;
    }
    let text = if summary.is_empty() { body } else { summary };
    let mut cut = text.len().min(SNIPPET_CHARS);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut html = crate::render::theme::escape_html(&text[..cut]);
    if cut < text.len() {
        html.push('…');
    }
    html
}

#[derive(Default)]
struct Plan {
    concepts: Vec<Concept>,
    /// Proximity bonuses: scored, not counted as concepts.
    bonus: Vec<Box<dyn Query>>,
    /// Body stems to mark in snippets.
    highlight: Vec<String>,
    /// Some word could be widened to close spellings.
    can_widen: bool,
}

struct Concept {
    /// Scores the concept over the prose fields.
    query: Box<dyn Query>,
    /// The same as weighted single terms, for the first pass over a large index.
    terms: Vec<(Term, Score)>,
    /// Matches sections whose title or headings name the concept (for a citation: the
    /// summary of the provision).
    about: Box<dyn Query>,
    required: bool,
}

/// A page found: its ordinal, best section and score.
#[derive(Debug, Clone)]
struct Found {
    page: usize,
    doc: DocAddress,
    score: Score,
}

/// Collects every matching section, scales its score by the share of the query's concepts it
/// matches, and keeps each page's best section.
struct PageCollector {
    /// Per concept, scoring disabled: whether a section matches it, and whether its title or
    /// headings do.
    matchers: Vec<(Box<dyn Weight>, Box<dyn Weight>)>,
    page_field: &'static str,
    /// Number of pages: best sections are kept in a vector indexed by page.
    pages: usize,
}

struct PageSegmentCollector {
    segment: SegmentOrdinal,
    pages: Column<u64>,
    matchers: Vec<(Box<dyn Scorer>, Box<dyn Scorer>)>,
    /// Per page: best score so far and its section (score < 0: none yet).
    best: Vec<(Score, DocId)>,
}

impl Collector for PageCollector {
    type Fruit = Vec<Found>;
    type Child = PageSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<PageSegmentCollector> {
        Ok(PageSegmentCollector {
            segment,
            pages: reader.fast_fields().u64(self.page_field)?,
            matchers: self
                .matchers
                .iter()
                .map(|(any, about)| Ok((any.scorer(reader, 1.0)?, about.scorer(reader, 1.0)?)))
                .collect::<tantivy::Result<_>>()?,
            best: vec![(-1.0, 0); self.pages],
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Found>>) -> tantivy::Result<Vec<Found>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

/// A section's score: its BM25 sum, times the square of the share of concepts it matches,
/// raised when its title or headings name them.
fn combine(sum: Score, matched: usize, named: usize, concepts: usize) -> Score {
    if concepts == 0 {
        return sum;
    }
    let share = matched as Score / concepts as Score;
    let named = named as Score / concepts as Score;
    sum * share * share * (1.0 + ABOUT_BOOST * named * named)
}

fn sorted(mut found: Vec<Found>) -> Vec<Found> {
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.page.cmp(&b.page))
            .then(a.doc.cmp(&b.doc))
    });
    found
}

/// What running a plan found.
struct Ranked {
    /// Ranked pages, each by its best section (on a large index, those among the first
    /// pass's candidates).
    found: Vec<Found>,
    /// Every page that matches.
    pages: Vec<usize>,
}

/// Whether `d` matches `doc` (docs arrive in increasing order).
fn at(d: &mut dyn Scorer, doc: DocId) -> bool {
    let mut at = d.doc();
    if at < doc {
        at = d.seek(doc);
    }
    at == doc
}

impl SegmentCollector for PageSegmentCollector {
    type Fruit = Vec<Found>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let (mut matched, mut named) = (0, 0);
        for (any, about) in &mut self.matchers {
            if at(any.as_mut(), doc) {
                matched += 1;
                named += usize::from(at(about.as_mut(), doc));
            }
        }
        let score = combine(score, matched, named, self.matchers.len());
        let Some(best) = self
            .pages
            .first(doc)
            .and_then(|p| self.best.get_mut(p as usize))
        else {
            return;
        };
        if score > best.0 {
            *best = (score, doc);
        }
    }

    fn harvest(self) -> Vec<Found> {
        let segment = self.segment;
        self.best
            .into_iter()
            .enumerate()
            .filter(|(_, (score, _))| *score >= 0.0)
            .map(|(page, (score, doc))| Found {
                page,
                doc: DocAddress::new(segment, doc),
                score,
            })
            .collect()
    }
}
