//! Writes the tantivy index and its side files into `search-index/`.
//!
//! Pages are cut into fixed ranges of about [`SECTIONS_PER_SEGMENT`] sections, decided by the
//! content alone; each range is indexed in memory by its own single-threaded writer as one
//! segment, the ranges in parallel. Segments are then written out named by a hash of their
//! content and listed in page order: tantivy names segments with random UUIDs and spreads
//! documents over its threads as they come, and the build must be byte-for-byte reproducible
//! whatever the thread count (SPEC §5). Ranking does not depend on how sections are split into
//! segments: BM25 statistics are taken over the whole index.

use super::analysis::{self, Tables};
use super::docs::PageDoc;
use super::schema::{self, Fields, SCHEMA_VERSION};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use tantivy::directory::RamDirectory;
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::Facet;
use tantivy::{DateTime, Directory, Index, IndexSettings, IndexWriter, TantivyDocument};

/// Side files, beside tantivy's own.
pub const PAGES_FILE: &str = "waymark-pages.json";
pub const TABLES_FILE: &str = "waymark-tables.json";
pub const VERSION_FILE: &str = "schema-version";

/// Sections per segment, roughly (a page is never split). Segments are built in parallel,
/// but a query visits each of them, and its first, pruned pass keeps its best candidates per
/// segment: at 10,000 generated pages, five segments of 8,192 sections built about a third
/// faster than one but doubled query p99 (6.1 -> 12.0 ms). So a site keeps one segment up to
/// about 16,000 such pages, and only larger sites are split until the query side merges
/// candidates across segments.
pub const SECTIONS_PER_SEGMENT: usize = 65_536;

/// Upper bound of one segment writer's memory, taken as needed; a range must fit (about 30
/// bytes per indexed word), or tantivy flushes it as two segments (still reproducibly: one
/// thread, same order).
const WRITER_BUDGET: usize = 1 << 30;

fn err(e: impl std::fmt::Display) -> String {
    format!("search index: {e}")
}

pub fn write(dir: &Path, pages: &[PageDoc], tables: &Tables) -> Result<(), String> {
    write_with(dir, pages, tables, SECTIONS_PER_SEGMENT)
}

/// [`write`] with another segment size (tests check that it does not change results).
pub fn write_with(
    dir: &Path,
    pages: &[PageDoc],
    tables: &Tables,
    sections_per_segment: usize,
) -> Result<(), String> {
    let built = ranges(pages, sections_per_segment)
        .into_par_iter()
        .map(|r| build_range(pages, r))
        .collect::<Result<Vec<_>, String>>()?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    export(&built, dir)?;
    let put = |name: &str, bytes: &[u8]| {
        std::fs::write(dir.join(name), bytes)
            .map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))
    };
    let infos: Vec<_> = pages.iter().map(|p| &p.info).collect();
    put(PAGES_FILE, &serde_json::to_vec(&infos).map_err(err)?)?;
    put(TABLES_FILE, &serde_json::to_vec(tables).map_err(err)?)?;
    put(VERSION_FILE, format!("{SCHEMA_VERSION}\n").as_bytes())?;
    Ok(())
}

/// Consecutive page ranges of about `per` sections each; at least one range, so an empty
/// site still gets an (empty) index.
fn ranges(pages: &[PageDoc], per: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut sections) = (0, 0);
    for (i, p) in pages.iter().enumerate() {
        sections += p.sections.len();
        if sections >= per.max(1) {
            out.push(start..i + 1);
            (start, sections) = (i + 1, 0);
        }
    }
    if start < pages.len() || out.is_empty() {
        out.push(start..pages.len());
    }
    out
}

/// One page range indexed in memory, committed.
struct Built {
    index: Index,
    ram: RamDirectory,
}

fn build_range(pages: &[PageDoc], range: Range<usize>) -> Result<Built, String> {
    let (schema, f) = schema::build();
    let ram = RamDirectory::create();
    let index = Index::create(ram.clone(), schema, IndexSettings::default()).map_err(err)?;
    analysis::register_for_indexing(index.tokenizers());
    let mut writer: IndexWriter = index
        .writer_with_num_threads(1, WRITER_BUDGET)
        .map_err(err)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let mut vocabulary = Vocabulary::default();
    for ord in range {
        let p = &pages[ord];
        for s in 0..p.sections.len() {
            let mut d = document(&f, ord, p, s);
            if s == 0 {
                // The page's distinct words, once: typo correction needs which pages use a
                // word, not where or how often.
                d.add_text(f.spell, vocabulary.of(p));
            }
            writer.add_document(d).map_err(err)?;
        }
    }
    writer.commit().map_err(err)?;
    writer.wait_merging_threads().map_err(err)?;
    Ok(Built { index, ram })
}

fn document(f: &Fields, ord: usize, p: &PageDoc, s: usize) -> TantivyDocument {
    let sec = &p.sections[s];
    let mut d = TantivyDocument::new();
    d.add_text(f.id, &p.info.id);
    d.add_u64(f.page, ord as u64);
    d.add_u64(f.section, s as u64);
    d.add_text(f.url, &sec.url);
    if let Some(h) = &sec.heading {
        d.add_text(f.heading, h);
    }
    d.add_text(f.title, &p.info.title);
    for h in &sec.heading_path {
        d.add_text(f.headings, h);
    }
    if !p.info.summary.is_empty() {
        d.add_text(f.summary, &p.info.summary);
    }
    d.add_text(f.body, &sec.body);
    for t in p.info.tags.iter().chain(&p.topics) {
        d.add_text(f.tags, t);
    }
    if !sec.citations.is_empty() {
        d.add_text(f.citations, sec.citations.join(" "));
    }
    if !p.provision.is_empty() {
        d.add_text(f.provision, p.provision.join(" "));
    }
    d.add_facet(f.facets, Facet::from_path(["kind", p.info.kind.as_str()]));
    for t in &p.info.tags {
        d.add_facet(f.facets, Facet::from_path(["tags", t.as_str()]));
    }
    for a in &p.info.audience {
        d.add_facet(f.facets, Facet::from_path(["audience", a.as_str()]));
    }
    if let Some(u) = p.updated {
        let days = u
            .since(jiff::civil::date(1970, 1, 1))
            .map(|span| i64::from(span.get_days()))
            .unwrap_or_default();
        let secs = days * 86_400;
        d.add_date(f.updated, DateTime::from_timestamp_secs(secs));
    }
    d
}

/// A page's distinct words, as the typo-correction field's analyzer cuts them.
struct Vocabulary {
    analyzer: tantivy::tokenizer::TextAnalyzer,
    seen: std::collections::HashSet<String>,
}

impl Default for Vocabulary {
    fn default() -> Self {
        Vocabulary {
            analyzer: analysis::words_analyzer(),
            seen: Default::default(),
        }
    }
}

impl Vocabulary {
    /// The words in order of first use, joined by spaces: the field's analyzer cuts them back
    /// into the same words. (Pre-tokenized text would skip that, but tantivy passes it to its
    /// indexing thread as JSON, which costs more.)
    fn of(&mut self, p: &PageDoc) -> String {
        self.seen.clear();
        let texts = [p.info.title.as_str(), p.info.summary.as_str()]
            .into_iter()
            .chain(p.info.tags.iter().chain(&p.topics).map(String::as_str))
            .chain(p.sections.iter().flat_map(|x| {
                x.heading
                    .iter()
                    .map(String::as_str)
                    .chain(std::iter::once(x.body.as_str()))
            }));
        let mut words = String::new();
        for t in texts {
            let mut ts = self.analyzer.token_stream(t);
            while ts.advance() {
                let w = &ts.token().text;
                if !self.seen.contains(w) {
                    self.seen.insert(w.clone());
                    if !words.is_empty() {
                        words.push(' ');
                    }
                    words.push_str(w);
                }
            }
        }
        words
    }
}

/// Copies the committed ranges out of memory into one index: each segment renamed by the
/// hash of its files, listed in range order in one `meta.json`.
fn export(built: &[Built], dir: &Path) -> Result<(), String> {
    let meta_path = Path::new("meta.json");
    let mut meta: Option<serde_json::Value> = None;
    let mut segments: Vec<serde_json::Value> = Vec::new();
    let mut docs = 0u64;
    for b in built {
        // Files are read from the RAM directory itself: through the index's managed
        // directory they would come without their footers.
        let text = String::from_utf8(b.ram.atomic_read(meta_path).map_err(err)?).map_err(err)?;
        let parsed: serde_json::Value = serde_json::from_str(&text).map_err(err)?;
        let files: Vec<String> = b
            .index
            .directory()
            .list_managed_files()
            .into_iter()
            .filter_map(|p| p.to_str().map(str::to_string))
            .collect();
        for seg in parsed["segments"].as_array().into_iter().flatten() {
            let Some(id) = seg["segment_id"].as_str() else {
                return Err(err("a segment without an id"));
            };
            // meta.json writes the UUID hyphenated, file names without hyphens.
            let file_id = id.replace('-', "");
            // Extension -> bytes, sorted, so the hash does not depend on listing order.
            let mut parts: BTreeMap<String, Vec<u8>> = BTreeMap::new();
            for name in files.iter().filter(|n| n.starts_with(file_id.as_str())) {
                let bytes = b
                    .ram
                    .open_read(Path::new(name))
                    .map_err(err)?
                    .read_bytes()
                    .map_err(err)?;
                parts.insert(name[file_id.len()..].to_string(), bytes.as_slice().to_vec());
            }
            if parts.is_empty() {
                return Err(err(format!("no files for segment {id}")));
            }
            let mut h = Sha256::new();
            for (ext, bytes) in &parts {
                h.update(ext.as_bytes());
                h.update((bytes.len() as u64).to_le_bytes());
                h.update(bytes);
            }
            let new_id = hex::encode(&h.finalize()[..16]);
            for (ext, bytes) in &parts {
                let p = dir.join(format!("{new_id}{ext}"));
                std::fs::write(&p, bytes)
                    .map_err(|e| format!("cannot write {}: {e}", p.display()))?;
            }
            let mut seg = seg.clone();
            docs += seg["max_doc"].as_u64().unwrap_or(0);
            // Either spelling parses back to the same id.
            seg["segment_id"] = serde_json::Value::String(new_id);
            segments.push(seg);
        }
        meta.get_or_insert(parsed);
    }
    let mut meta = meta.ok_or_else(|| err("no index was built"))?;
    meta["segments"] = serde_json::Value::Array(segments);
    // Each range's writer counted its own operations; the index as a whole has seen one per
    // document and a commit.
    meta["opstamp"] = serde_json::Value::from(docs + 1);
    let p = dir.join("meta.json");
    let text = serde_json::to_string_pretty(&meta).map_err(err)?;
    std::fs::write(&p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::docs;
    use crate::index::query::{INDEX_DIR, SearchIndex, SearchRequest};

    /// Results over the bundled content are the same whether its sections sit in one segment
    /// or in many, and so is the index whatever the thread count.
    #[test]
    fn segments_change_neither_results_nor_bytes() {
        let report = crate::pipeline::check(&crate::pipeline::Options {
            root: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            today: Some(jiff::civil::date(2026, 11, 28)),
            ..Default::default()
        })
        .expect("check the bundled content");
        let site = report.site;
        let pages = docs::collect(&site, false);
        let tables = Tables::from_site(&site);
        let tmp = tempfile::tempdir().unwrap();
        let build = |name: &str, per: usize, threads: usize| {
            let out = tmp.path().join(name);
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| write_with(&out.join(INDEX_DIR), &pages, &tables, per))
                .unwrap();
            out
        };
        let one = build("one", usize::MAX, 2);
        let many = build("many", 25, 2);
        let many_again = build("many-again", 25, 1);
        let segments = |out: &Path| {
            let meta = std::fs::read_to_string(out.join(INDEX_DIR).join("meta.json")).unwrap();
            let meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
            meta["segments"].as_array().unwrap().len()
        };
        assert_eq!(segments(&one), 1);
        assert!(segments(&many) > 5, "{} segments", segments(&many));
        let files = |out: &Path| {
            let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(out.join(INDEX_DIR))
                .unwrap()
                .map(|e| {
                    let e = e.unwrap();
                    let name = e.file_name().to_string_lossy().to_string();
                    (name, std::fs::read(e.path()).unwrap())
                })
                .collect();
            v.sort();
            v
        };
        assert!(
            files(&many) == files(&many_again),
            "thread count changed the index"
        );

        let (a, b) = (
            SearchIndex::open(&one).unwrap(),
            SearchIndex::open(&many).unwrap(),
        );
        let queries = [
            "s4a max sentence",
            "stalking protection order breach",
            "SPO",
            "harasment",
            "how long does a restraining order last",
            "\"course of conduct\"",
            "coercive control evidence",
            "section 2 of the Protection from Harassment Act",
            "victim",
        ];
        for q in queries {
            let req = SearchRequest {
                query: q.into(),
                kind: None,
                limit: 20,
            };
            let (x, y) = (a.search(&req).unwrap(), b.search(&req).unwrap());
            let shown = |r: &crate::index::query::SearchResponse| {
                r.hits
                    .iter()
                    .map(|h| format!("{} {} {}", h.url, h.score, h.snippet))
                    .collect::<Vec<_>>()
            };
            assert!(!x.hits.is_empty(), "{q}: nothing found");
            assert_eq!(x.total, y.total, "{q}");
            assert_eq!(shown(&x), shown(&y), "{q}");
            assert_eq!(x.facets, y.facets, "{q}");
        }
    }
}
