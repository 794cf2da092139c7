//! The search query parser and planner, over a small built index: whatever is typed (quotes,
//! citations, stray punctuation, any script), a search answers without panicking, keeps to
//! its limit, ranks best first, and its snippets are escaped text with balanced `<mark>`s.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use waymark::config::SiteConfig;
use waymark::index::query::{SearchIndex, SearchRequest};
use waymark::index::{self, IndexOptions};
use waymark_fuzz::{site_with, text};

const BODY: &str = "## Stalking protection orders\n\nAn SPO can be made on application by the \
police. Breach of an order under s.8 SPA 2019 is an offence; see also section 4A of the \
Protection from Harassment Act 1997 and s.4A(1)(b)(ii).\n\n## Fear of violence\n\n\
Fixated, obsessive, unwanted and repeated behaviour. \"Course of conduct\" means conduct on at \
least two occasions. Café naïve façade.\n";

const KINDS: &[&str] = &["", "guidance", "legal", "term", "practice", "leaflet"];

fn searcher() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let (site, _, _) = site_with(BODY, SiteConfig::default());
        let dir = std::env::temp_dir().join(format!("waymark-fuzz-query-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let opts = IndexOptions {
            static_search: false,
            portable: false,
            theme: None,
        };
        index::build(&site, &dir, &opts).expect("the fixed site indexes");
        SearchIndex::open(&dir).expect("the index just built opens")
    })
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the kind filter and the limit; the rest is the query.
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let kind = KINDS[pick as usize % KINDS.len()];
    let limit = (pick as usize / KINDS.len()) % 12;
    let req = SearchRequest {
        query: text(rest),
        kind: (!kind.is_empty()).then(|| kind.to_string()),
        limit,
    };
    let Ok(res) = searcher().search(&req) else {
        // Only a kind the index does not know is refused.
        assert_eq!(kind, "leaflet", "query {:?} refused", req.query);
        return;
    };
    // A limit of 0 means the default, 10.
    let most = if limit == 0 { 10 } else { limit };
    assert!(res.hits.len() <= most, "{} hits for limit {limit}", res.hits.len());
    assert!(res.total >= res.hits.len());
    for pair in res.hits.windows(2) {
        assert!(pair[0].score >= pair[1].score, "not best first: {:?}", res.hits);
    }
    for h in &res.hits {
        if !kind.is_empty() {
            assert_eq!(h.kind, kind);
        }
        let opened = h.snippet.matches("<mark>").count();
        assert_eq!(opened, h.snippet.matches("</mark>").count(), "{}", h.snippet);
        let plain = h.snippet.replace("<mark>", "").replace("</mark>", "");
        assert!(!plain.contains('<'), "unescaped markup in a snippet: {}", h.snippet);
    }
});
