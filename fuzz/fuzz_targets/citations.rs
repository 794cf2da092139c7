//! The legal-citation recogniser, over several blocks of one page (context carries over).
#![no_main]

use libfuzzer_sys::fuzz_target;
use waymark::parse::citations::{ActTable, CitationScanner, parse_provision};
use waymark_fuzz::text;

fuzz_target!(|data: &[u8]| {
    let t = text(data);
    let mut acts = ActTable::new();
    acts.add(
        "Protection from Harassment Act 1997",
        &["PHA 1997".into(), "PHA".into()],
    );
    acts.add("Stalking Protection Act 2019", &["SPA 2019".into()]);
    acts.add("Police and Criminal Evidence Act 1984", &["PACE".into()]);
    let mut scanner = CitationScanner::new(&acts);
    for block in t.split("\n\n") {
        let found = scanner.scan(block);
        let mut last_end = 0;
        for c in &found {
            assert!(c.span.start >= last_end, "spans overlap or go backwards");
            assert!(c.span.start < c.span.end && c.span.end <= block.len());
            assert!(block.is_char_boundary(c.span.start) && block.is_char_boundary(c.span.end));
            last_end = c.span.end;
            if let Some(p) = c.provision() {
                let _ = parse_provision(&p);
            }
            let _ = c.search_tokens(&acts);
        }
    }
    let _ = parse_provision(&t);
});
