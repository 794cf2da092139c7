//! Markdown to HTML for a page in a linked site: links, citations, abbreviations, raw HTML.
//! Whatever the input, the published body never holds a script, an event handler or a
//! `javascript:`-style URL.
#![no_main]

use libfuzzer_sys::fuzz_target;
use waymark::config::SiteConfig;
use waymark::render::html::body_html;
use waymark_fuzz::{dangerous, site_with, text};

fuzz_target!(|data: &[u8]| {
    let body = text(data);
    let mut config = SiteConfig::default();
    config.limits.max_nesting_depth = 8;
    let (site, i, diags) = site_with(&body, config);
    // A page over the nesting limit is never rendered (the build stops first).
    if diags.iter().any(|d| d.check == "limits") {
        return;
    }
    for portable in [false, true] {
        let out = body_html(&site, i, portable);
        if let Some(what) = dangerous(&out.html) {
            panic!("published body holds {what}:\n{}", out.html);
        }
    }
});
