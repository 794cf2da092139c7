//! INDEX: the search indexes, written into the output folder (SPEC §7).
//!
//! - `search-index/`: the tantivy index the command line and the servers query ([`query`]),
//!   one document per page section, with the side files the query side needs (pages, the act
//!   table and glossary synonyms, the schema version, the results page kit for servers).
//! - `pagefind/`: the static index for hosts with no server ([`static_index`]), built only by
//!   `build` when `search.static_index` is on; its cost is of another order (see the report in
//!   docs) so the edit-preview loop leaves it out.
//!
//! Both are built from the same sections ([`docs`]), after restricted content was removed; the
//! text they receive is scanned for restricted text once more before anything is written.

pub mod analysis;
pub mod docs;
pub mod page;
pub mod query;
pub mod schema;
pub mod static_index;
mod writer;

use crate::graph::Site;
use crate::render::Theme;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// How the pipeline wants the indexes built.
pub struct IndexOptions<'a> {
    /// Also build the static (Pagefind) index.
    pub static_search: bool,
    /// Links end in `index.html` (SPEC §5).
    pub portable: bool,
    /// The theme, for the results page servers render without JavaScript.
    pub theme: Option<&'a Theme>,
}

/// Builds the search indexes for `site` into the folder `out`.
pub fn build(site: &Site, out: &Path, opts: &IndexOptions) -> Result<(), String> {
    let pages = docs::collect(site, opts.portable);
    if let Some((id, needle)) = pages.iter().find_map(|p| {
        site.restricted_needles
            .iter()
            .find(|n| p.texts().any(|t| t.contains(n.as_str())))
            .map(|n| (p.info.id.clone(), n.clone()))
    }) {
        return Err(format!(
            "restricted text would be published in the search index (page `{id}`): \"{needle}\""
        ));
    }
    let tables = analysis::Tables::from_site(site);
    let dir = out.join(query::INDEX_DIR);
    writer::write(&dir, &pages, &tables)?;
    if let Some(theme) = opts.theme {
        page::write_kit(&dir, site, theme, opts)?;
    }
    if opts.static_search {
        static_index::write(&out.join(static_index::DIR), &pages, &site.config.language)?;
    }
    Ok(())
}

/// `waymark search`.
pub fn cli_search(root: &Path, args: crate::cli::SearchArgs) -> ExitCode {
    let config =
        crate::pipeline::load_config(root, &mut crate::diag::Sources::default()).map(|(c, _)| c);
    let dir = match (&args.dir, &config) {
        (Some(d), _) => d.clone(),
        (None, Ok(cfg)) => root.join(&cfg.output_dir),
        (None, Err(e)) => {
            eprintln!("error: {e}\nhelp: or pass --dir with a built site folder");
            return ExitCode::from(2);
        }
    };
    // The same bound as `/api/search`, said rather than silently cut.
    let max_query = config
        .as_ref()
        .map_or(crate::config::Limits::default().max_query_length, |c| {
            c.limits.max_query_length
        });
    let typed = args.query.trim().len();
    if typed > max_query {
        eprintln!(
            "error: the query is {typed} bytes long; the limit is {max_query}\nhelp: shorten the query, or raise `limits.max_query_length` in site.yaml (at most {})",
            query::MAX_QUERY_BYTES
        );
        return ExitCode::from(2);
    }
    let index = match query::SearchIndex::open(&dir) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            if matches!(e, query::SearchError::NoIndex(_)) {
                eprintln!("help: run `waymark build`, or pass --dir with a built site folder");
            }
            return ExitCode::from(2);
        }
    };
    let req = query::SearchRequest {
        query: args.query.clone(),
        kind: args.kind.clone(),
        limit: args.limit,
    };
    let res = match index.search(&req) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let v = serde_json::json!({"total": res.total, "hits": res.hits});
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
    } else {
        let bold = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        if res.total == 0 {
            let _ = writeln!(out, "No results for \"{}\".", args.query.trim());
        }
        for (n, h) in res.hits.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", n + 1, h.title);
            let _ = writeln!(out, "   {} ({})", h.url, h.kind);
            let _ = writeln!(out, "   {}", plain_snippet(&h.snippet, bold));
        }
        if res.total > res.hits.len() {
            let _ = writeln!(
                out,
                "{} of {} results; --limit shows more.",
                res.hits.len(),
                res.total
            );
        }
    }
    if res.total == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A snippet for the terminal: marks in bold (or left out), entities decoded.
fn plain_snippet(html: &str, bold: bool) -> String {
    let (on, off) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    html.replace("<mark>", on)
        .replace("</mark>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace('\n', " ")
        .replace("&amp;", "&")
}
