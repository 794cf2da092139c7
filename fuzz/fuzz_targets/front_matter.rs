//! Front matter: splitting, YAML (with its budgets) and validation, for every page kind.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use waymark::diag::{SourceFile, Sources};
use waymark::model::Kind;
use waymark::parse::front_matter;
use waymark::parse::yaml::YamlLimits;
use waymark_fuzz::{check_diagnostics, ctx, text};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let kind = Kind::ALL[selector as usize % Kind::ALL.len()];
    let mut sources = Sources::default();
    let id = sources.add(SourceFile::new(
        "content/x.md".into(),
        PathBuf::from("x.md"),
        text(rest),
    ));
    let limits = YamlLimits {
        max_bytes: 64 * 1024,
        ..YamlLimits::default()
    };
    let p = front_matter::parse(sources.get(id), id, ctx(kind), limits);
    assert!(p.body_offset <= sources.get(id).text.len());
    assert!(sources.get(id).text.is_char_boundary(p.body_offset));
    check_diagnostics(&p.diagnostics, &sources);
    // site.yaml goes through the same YAML reader and its own validation.
    let (_, diags) = waymark::config::parse(sources.get(id), id);
    check_diagnostics(&diags, &sources);
});
