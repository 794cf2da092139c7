//! The static search index for hosts with no server (SPEC §7): Pagefind, through its Rust
//! API, writes an index the browser fetches in small pieces (`pagefind/`). The search page
//! uses it when no Waymark server answers `api/search`.
//!
//! Pagefind is given a small HTML document per page made from the same sections as the
//! tantivy index, not the rendered page: no navigation or footer text to index, headings
//! with their anchors (so a result can land on a section), the title and summary weighted
//! up, and the kind as a filter and meta field. Pagefind folds "s.4A" to `s4a` itself; the
//! search page rewrites "section 4A" and "s 4A" in a query to the same form. Glossary
//! synonyms and typo correction are the server's: the static index finds words as written
//! (stemmed, and as prefixes).

use super::docs::PageDoc;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::path::Path;

/// Folder of the static index in a built site.
pub const DIR: &str = "pagefind";

/// Files of Pagefind's own search interfaces, which the theme does not use.
fn is_ui_file(name: &str) -> bool {
    name.contains("-ui.") || name.contains("-ui-") || name.starts_with("pagefind-highlight")
}

fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            c => o.push(c),
        }
    }
    o
}

/// The document Pagefind indexes for a page.
pub fn page_html(p: &PageDoc, language: &str) -> String {
    let mut h = String::with_capacity(p.sections.iter().map(|s| s.body.len()).sum::<usize>() + 512);
    h.push_str(&format!(
        "<!doctype html><html lang=\"{}\"><head><title>{}</title></head><body>",
        escape(language),
        escape(&p.info.title)
    ));
    h.push_str(&format!(
        "<div data-pagefind-filter=\"kind:{k}\" data-pagefind-meta=\"kind:{k}\"></div>",
        k = escape(&p.info.kind)
    ));
    h.push_str(&format!(
        "<h1 data-pagefind-meta=\"title\" data-pagefind-weight=\"10\">{}</h1>",
        escape(&p.info.title)
    ));
    if !p.info.summary.is_empty() {
        h.push_str(&format!(
            "<p data-pagefind-weight=\"3\">{}</p>",
            escape(&p.info.summary)
        ));
    }
    for s in &p.sections {
        if let (Some(a), Some(t)) = (&s.anchor, &s.heading) {
            h.push_str(&format!("<h2 id=\"{}\">{}</h2>", escape(a), escape(t)));
        }
        for para in s.body.split('\n').filter(|x| !x.trim().is_empty()) {
            h.push_str(&format!("<p>{}</p>", escape(para)));
        }
    }
    h.push_str("</body></html>");
    h
}

/// Writes the static index for `pages` into `dir`.
pub fn write(dir: &Path, pages: &[PageDoc], language: &str) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("static search index: {e}");
    let lang = language
        .split('-')
        .next()
        .unwrap_or("en")
        .to_ascii_lowercase();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| err(&e))?;
    let files = rt.block_on(async {
        let config = PagefindServiceConfig::builder()
            .force_language(lang.clone())
            .build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| err(&e))?;
        for p in pages {
            // Pagefind wants root-relative URLs; the search page makes them relative again.
            let url = format!("/{}", p.info.url.trim_start_matches("./"));
            index
                .add_html_file(None, Some(url), page_html(p, &lang))
                .await
                .map_err(|e| err(&e))?;
        }
        index.get_files().await.map_err(|e| err(&e))
    })?;
    for f in files {
        let name = f.filename.to_string_lossy().replace('\\', "/");
        if is_ui_file(name.rsplit('/').next().unwrap_or(&name)) {
            continue;
        }
        let path = dir.join(&name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &f.contents)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
