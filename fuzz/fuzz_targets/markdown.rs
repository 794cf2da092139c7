//! The Markdown stage: include expansion (with cycles, climbs and depth), restricted blocks,
//! the analysis pass (headings, links, text blocks, citations) and the markup checks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use waymark::config::SiteConfig;
use waymark_fuzz::{check_diagnostics, site_with, text};

fuzz_target!(|data: &[u8]| {
    let body = text(data);
    let mut config = SiteConfig::default();
    config.limits.max_nesting_depth = 8;
    let (site, i, diags) = site_with(&body, config);
    let page = &site.pages[i];
    let doc = &site.docs[i];
    let n = page.body.text.len();
    for b in &doc.blocks {
        assert!(b.range.start <= b.range.end && b.range.end <= n);
        for &(t, s, len) in &b.pieces {
            assert!(t + len <= b.text.len() && s + len <= n);
        }
        for at in [0, b.text.len() / 2, b.text.len()] {
            assert!(b.body_pos(at) <= n);
        }
    }
    for l in &doc.links {
        assert!(l.range.end <= n);
    }
    for c in &doc.citations {
        assert!(c.range.start <= c.range.end && c.range.end <= n);
        let _ = page.body.locate(&c.range);
    }
    for h in &doc.headings {
        assert!(!h.anchor.is_empty());
    }
    check_diagnostics(&diags, &site.sources);
});
