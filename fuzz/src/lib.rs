//! Shared pieces of the fuzz targets: turning bytes into text, the invariants every stage's
//! output must keep (diagnostics point inside their file, on character boundaries, and every
//! report format renders them), and a small in-memory site for the render target.

use std::path::PathBuf;
use waymark::config::SiteConfig;
use waymark::diag::{self, Diagnostic, FileId, Format, RenderOptions, SourceFile, Sources};
use waymark::graph::{self, Site};
use waymark::model::{Body, Kind, Origin, Page};
use waymark::parse::front_matter::{self, FrontMatterContext};
use waymark::parse::markdown::{self, ExpandOptions, Includable};
use waymark::parse::yaml::YamlLimits;

/// Fuzz bytes as text, the way the loader would see a file that passed its UTF-8 check.
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Every diagnostic points inside its file, on character boundaries, and renders in every
/// format without panicking.
pub fn check_diagnostics(diags: &[Diagnostic], sources: &Sources) {
    for d in diags {
        for l in d.primary.iter().chain(&d.related) {
            let t = &sources.get(l.file).text;
            assert!(
                l.range.start <= l.range.end && l.range.end <= t.len(),
                "{} range {:?} outside a file of {} bytes: {}",
                d.check,
                l.range,
                t.len(),
                d.message
            );
            assert!(
                t.is_char_boundary(l.range.start) && t.is_char_boundary(l.range.end),
                "{} range {:?} splits a character: {}",
                d.check,
                l.range,
                d.message
            );
        }
    }
    let rules = waymark::check::rules();
    let opts = RenderOptions {
        color: false,
        show_suppressed: true,
        files_checked: sources.len(),
        rules: &rules,
        tool_version: "fuzz",
    };
    for f in [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Line,
    ] {
        let _ = diag::render(diags, sources, f, &opts);
    }
}

pub fn ctx(kind: Kind) -> FrontMatterContext {
    FrontMatterContext {
        folder_kind: kind,
        is_section: false,
        is_overlay: false,
    }
}

/// Pages around the fuzzed one, so citations, glossary abbreviations, links and includes
/// have something to resolve to.
const FIXED: &[(&str, Kind, &str)] = &[
    (
        "legislation/pha-1997/s4a.md",
        Kind::Legal,
        "---\ntitle: Stalking involving fear of violence\nsummary: s\nlegislation:\n  act: Protection from Harassment Act 1997\n  short: [PHA 1997, PHA]\n  provision: s.4A\n---\n\n## Points to prove\n",
    ),
    (
        "glossary/spo.md",
        Kind::Term,
        "---\ntitle: Stalking protection order\nsummary: s\nterm: Stalking protection order\nabbreviation: SPO\ndefinition: A civil order.\n---\n\nBody.\n",
    ),
    (
        "guidance/other.md",
        Kind::Guidance,
        "---\ntitle: Other\nsummary: s\n---\n\n## Heading\n\nText.\n",
    ),
];

/// A linked site of the fixed pages plus `guidance/fuzz` with `body` as its Markdown (no
/// front matter), and `_snippets/fuzz.md` holding the same text, so includes and include
/// cycles are reached. Returns the site and the fuzzed page's index and the diagnostics.
pub fn site_with(body: &str, config: SiteConfig) -> (Site, usize, Vec<Diagnostic>) {
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let mut pages = Vec::new();
    for (rel, kind, text) in FIXED {
        let id = sources.add(SourceFile::new(
            format!("content/{rel}"),
            PathBuf::from(rel),
            text.to_string(),
        ));
        let p = front_matter::parse(sources.get(id), id, ctx(*kind), YamlLimits::default());
        diags.extend(p.diagnostics);
        pages.push(Page {
            id: rel.trim_end_matches(".md").to_string(),
            file: id,
            rel_path: rel.to_string(),
            kind: *kind,
            origin: Origin::National,
            is_section: false,
            fm: p.front_matter.expect("fixed page parses"),
            body_offset: p.body_offset,
            body: Body::default(),
            headings: Vec::new(),
        });
    }
    let fuzz_file = sources.add(SourceFile::new(
        "content/guidance/fuzz.md".into(),
        PathBuf::from("guidance/fuzz.md"),
        body.to_string(),
    ));
    let snippet = sources.add(SourceFile::new(
        "content/_snippets/fuzz.md".into(),
        PathBuf::from("_snippets/fuzz.md"),
        body.to_string(),
    ));
    pages.push(Page {
        id: "guidance/fuzz".into(),
        file: fuzz_file,
        rel_path: "guidance/fuzz.md".into(),
        kind: Kind::Guidance,
        origin: Origin::National,
        is_section: false,
        fm: waymark::model::FrontMatter {
            title: "Fuzz".into(),
            ..Default::default()
        },
        body_offset: 0,
        body: Body::default(),
        headings: Vec::new(),
    });
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    let acts = graph::act_table(&pages, &config);
    let includable: Vec<(String, FileId, usize)> = pages
        .iter()
        .map(|p| (p.rel_path.clone(), p.file, p.body_offset))
        .chain(std::iter::once(("_snippets/fuzz.md".to_string(), snippet, 0)))
        .collect();
    let lookup = |path: &str| -> Option<Includable> {
        includable
            .iter()
            .find(|(p, _, _)| p == path)
            .map(|&(_, file, body_offset)| Includable {
                file,
                text: &sources.get(file).text,
                body_offset,
            })
    };
    let opts = ExpandOptions {
        lookup: &lookup,
        drop_restricted: true,
        max_depth: config.limits.max_include_depth,
    };
    let mut docs = Vec::new();
    let mut bodies = Vec::new();
    for p in &pages {
        let b = markdown::expand(
            p.file,
            &sources.get(p.file).text,
            p.body_offset,
            &p.rel_path,
            &opts,
            &mut diags,
        );
        let doc = markdown::analyse(&b, &acts);
        diags.extend(waymark::parse::html::check_markup(&b, &doc, &config));
        bodies.push(b);
        docs.push(doc);
    }
    for (p, (b, d)) in pages.iter_mut().zip(bodies.into_iter().zip(&docs)) {
        p.body = b;
        p.headings = d.headings.clone();
    }
    let index = pages
        .iter()
        .position(|p| p.id == "guidance/fuzz")
        .expect("fuzz page");
    let site = graph::link(
        config,
        sources,
        pages,
        docs,
        acts,
        Default::default(),
        Vec::new(),
    );
    (site, index, diags)
}

/// Whether published HTML holds something that runs code: a script-capable element, an
/// event handler attribute, or a URL with a scheme other than http(s), mailto and tel.
pub fn dangerous(html: &str) -> Option<String> {
    use waymark::parse::html::{Finding, HtmlScanner};
    const DANGEROUS: &[&str] = &[
        "script", "style", "iframe", "frame", "object", "embed", "svg", "math", "form", "base",
        "meta", "link", "template", "applet", "input", "button", "textarea", "select",
    ];
    HtmlScanner::new(usize::MAX)
        .scan(html)
        .into_iter()
        .find_map(|f| match f {
            Finding::Unsafe { what, .. } => {
                let element = DANGEROUS
                    .iter()
                    .any(|e| what == format!("`<{e}>` element"));
                let handler = what.starts_with("`on");
                let url = what.contains(" URL in ") && !what.starts_with("`malformed:`");
                (element || handler || url).then_some(what)
            }
            Finding::TooDeep { .. } => None,
        })
}
