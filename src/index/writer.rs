//! Writes the tantivy index and its side files into `search-index/`.
//!
//! The index is built in memory by one indexing thread, as one segment, then written out
//! with the segment named by a hash of its content: tantivy names segments with random
//! UUIDs, and the build must be byte-for-byte reproducible (SPEC §5).

use super::analysis::{self, Tables};
use super::docs::PageDoc;
use super::schema::{self, Fields, SCHEMA_VERSION};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use tantivy::directory::RamDirectory;
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::Facet;
use tantivy::{DateTime, Directory, Index, IndexSettings, IndexWriter, TantivyDocument};

/// Side files, beside tantivy's own.
pub const PAGES_FILE: &str = "waymark-pages.json";
pub const TABLES_FILE: &str = "waymark-tables.json";
pub const VERSION_FILE: &str = "schema-version";

/// Upper bound of the indexing thread's memory; one segment must fit (about 30 bytes per
/// indexed word), so a site has to pass a few million words before a second segment appears.
const WRITER_BUDGET: usize = 1 << 30;

fn err(e: impl std::fmt::Display) -> String {
    format!("search index: {e}")
}

pub fn write(dir: &Path, pages: &[PageDoc], tables: &Tables) -> Result<(), String> {
    let (schema, f) = schema::build();
    let ram = RamDirectory::create();
    let index = Index::create(ram.clone(), schema, IndexSettings::default()).map_err(err)?;
    analysis::register(index.tokenizers());
    let mut writer: IndexWriter = index
        .writer_with_num_threads(1, WRITER_BUDGET)
        .map_err(err)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    for (ord, p) in pages.iter().enumerate() {
        for s in 0..p.sections.len() {
            writer.add_document(document(&f, ord, p, s)).map_err(err)?;
        }
    }
    writer.commit().map_err(err)?;
    writer.wait_merging_threads().map_err(err)?;

    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    export(&index, &ram, dir)?;
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
    if s == 0 {
        // The page's whole vocabulary, once: typo correction needs words, not positions.
        d.add_text(f.spell, &p.info.title);
        d.add_text(f.spell, &p.info.summary);
        for t in p.info.tags.iter().chain(&p.topics) {
            d.add_text(f.spell, t);
        }
        for x in &p.sections {
            if let Some(h) = &x.heading {
                d.add_text(f.spell, h);
            }
            d.add_text(f.spell, &x.body);
        }
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

/// Copies the committed index out of memory, each segment renamed by the hash of its files.
fn export(index: &Index, ram: &RamDirectory, dir: &Path) -> Result<(), String> {
    // Files are read from the RAM directory itself: through the index's managed directory
    // they would come without their footers.
    let d = ram;
    let meta_path = Path::new("meta.json");
    let mut meta = String::from_utf8(d.atomic_read(meta_path).map_err(err)?).map_err(err)?;
    let parsed: serde_json::Value = serde_json::from_str(&meta).map_err(err)?;
    let ids: Vec<String> = parsed["segments"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["segment_id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let files: Vec<String> = index
        .directory()
        .list_managed_files()
        .into_iter()
        .filter_map(|p| p.to_str().map(str::to_string))
        .collect();
    for id in &ids {
        // meta.json writes the UUID hyphenated, file names without hyphens.
        let file_id = id.replace('-', "");
        // Extension -> bytes, sorted, so the hash does not depend on listing order.
        let mut parts: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for name in files.iter().filter(|n| n.starts_with(file_id.as_str())) {
            let bytes = d
                .open_read(Path::new(name))
                .map_err(err)?
                .read_bytes()
                .map_err(err)?;
            parts.insert(name[file_id.len()..].to_string(), bytes.as_slice().to_vec());
        }
        let mut h = Sha256::new();
        for (ext, bytes) in &parts {
            h.update(ext.as_bytes());
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
        if parts.is_empty() {
            return Err(err(format!("no files for segment {id}")));
        }
        let new_id = hex::encode(&h.finalize()[..16]);
        for (ext, bytes) in &parts {
            let p = dir.join(format!("{new_id}{ext}"));
            std::fs::write(&p, bytes).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
        }
        // Either spelling parses back to the same id.
        meta = meta.replace(id.as_str(), &new_id);
    }
    let p = dir.join("meta.json");
    std::fs::write(&p, meta).map_err(|e| format!("cannot write {}: {e}", p.display()))
}
