//! The statement and number extractors: sentence splitting, quantities and dates, and the
//! directive classifier on each sentence.
#![no_main]

use libfuzzer_sys::fuzz_target;
use waymark::analysis::{directives, quantities, sentences};
use waymark_fuzz::text;

fuzz_target!(|data: &[u8]| {
    let t = text(data);
    let figures = quantities::scan(&t);
    for q in &figures.quantities {
        assert!(q.span.start <= q.span.end && q.span.end <= t.len());
        let _ = q.canonical();
        let _ = q.in_days();
    }
    for d in &figures.dates {
        assert!(d.span.start <= d.span.end && d.span.end <= t.len());
    }
    for r in sentences::split(&t) {
        assert!(r.start <= r.end && r.end <= t.len());
        let s = &t[r];
        if let Some(d) = directives::classify(s) {
            assert!(d.modal_span.end <= s.len(), "modal span outside the sentence");
        }
        let _ = quantities::extract(s);
    }
});
