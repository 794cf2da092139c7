//! The raw-HTML policy: what the sanitiser publishes passes the scanner that reports unsafe
//! markup to editors (the two agree), and the scanner itself never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use waymark::parse::html::{Finding, HtmlScanner};
use waymark::render::html::sanitize;
use waymark_fuzz::{dangerous, text};

fuzz_target!(|data: &[u8]| {
    let html = text(data);
    let findings = HtmlScanner::new(16).scan(&html);
    for f in &findings {
        let at = match f {
            Finding::Unsafe { at, .. } | Finding::TooDeep { at, .. } => *at,
        };
        assert!(at <= html.len());
    }
    let clean = sanitize(&html);
    if let Some(what) = dangerous(&clean) {
        panic!("sanitised HTML holds {what}:\n{clean}");
    }
});
