//! RENDER: the site graph to output files, in memory. Page bodies become HTML (`html`), pages
//! become view-models (`view`) and templates turn those into pages (`theme`). Also writes the
//! generated pages (taxonomies, What's changed, search, 404), alias redirects, the sitemap and
//! the Atom feed. Pure: the write stage puts the files on disk.

pub mod brand;
mod feeds;
pub mod html;
pub mod theme;
pub mod view;

pub use feeds::major_changes;
pub use theme::Theme;

use crate::diag::Diagnostic;
use crate::graph::Site;
use crate::model::{Kind, Status, url};
use rayon::prelude::*;
use serde::Serialize;
use view::{Card, Link, ViewContext};

/// A file to write, by its path under the output folder.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    pub portable: bool,
    pub static_search: bool,
}

pub struct Rendered {
    pub files: Vec<OutputFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Template for a page: front matter `template`, else by kind and place.
pub fn template_for(site: &Site, i: usize) -> String {
    let p = &site.pages[i];
    if let Some(t) = &p.fm.template {
        return t.clone();
    }
    if p.id.is_empty() {
        return "home.html".into();
    }
    if p.is_section {
        let top = p.id.split('/').next().unwrap_or("");
        return match site.config.kind_for_folder(top) {
            Kind::Term => "glossary.html".into(),
            Kind::Recommendation => "tracker.html".into(),
            _ => "section.html".into(),
        };
    }
    match p.kind {
        Kind::Section => "section.html",
        Kind::Guidance => "guidance.html",
        Kind::Legal => "legal.html",
        Kind::Practice => "practice.html",
        Kind::Recommendation => "recommendation.html",
        Kind::Term => "term.html",
    }
    .into()
}

#[derive(Serialize)]
struct TaxonomyTermView {
    name: String,
    url: String,
    count: usize,
}

/// Renders the whole site: every page, then the generated pages and files.
pub fn render(site: &Site, theme: &Theme, opts: RenderOptions) -> Rendered {
    let cx = view_context(site, theme, opts);
    let results: Vec<Result<OutputFile, Box<Diagnostic>>> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            let body = html::body_html(site, i, opts.portable);
            render_page(&cx, theme, i, body.html)
        })
        .collect();
    let mut files = Vec::with_capacity(results.len() + 64);
    let mut diagnostics = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => diagnostics.push(*d),
        }
    }
    let (generated, diags) = render_generated(site, theme, opts, &|_| true);
    files.extend(generated);
    diagnostics.extend(diags);
    // Stable sort: a page keeps its path over a generated file that would have the same one.
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    if cx.offline {
        let hashes: Vec<(&str, [u8; 32])> = files
            .par_iter()
            .map(|f| (f.path.as_str(), sha256(&f.bytes)))
            .collect();
        files.push(service_worker_file(&hashes, theme));
    }
    diagnostics.extend(check_brand_logo(site, theme));
    Rendered { files, diagnostics }
}

/// The view context for a site and theme: offline copies only when the site wants them, the
/// build is not portable and the theme has the worker.
pub fn view_context<'a>(site: &'a Site, theme: &Theme, opts: RenderOptions) -> ViewContext<'a> {
    let offline = site.config.offline
        && !opts.portable
        && theme.static_files.iter().any(|(p, _)| p == OFFLINE_WORKER);
    ViewContext {
        site,
        portable: opts.portable,
        static_search: opts.static_search,
        offline,
    }
}

/// Renders page `i` around its body HTML (from [`html::body_html`]).
pub fn render_page(
    cx: &ViewContext,
    theme: &Theme,
    i: usize,
    body: String,
) -> Result<OutputFile, Box<Diagnostic>> {
    let site = cx.site;
    let page = &site.pages[i];
    let pv = cx.page_view(i, body);
    let mut ctx = tera::Context::new();
    ctx.insert("site", &cx.site_view(&page.id));
    ctx.insert("page", &pv);
    let name = template_for(site, i);
    let html = theme.render(&name, &ctx).map_err(|e| {
        Box::new(
            Diagnostic::error(
                "template",
                format!("template `{name}` failed for page `{}`: {e}", page.id),
            )
            .at(page.file, 0..0)
            .help("fix the template, or remove the `template` key from the page's front matter"),
        )
    })?;
    Ok(OutputFile {
        path: url::output_file(&page.id),
        bytes: html.into_bytes(),
    })
}

/// Renders the files that do not come from one page: taxonomy pages, What's changed, search,
/// 404, the offline page, alias redirects, the sitemap and the feed. Only those whose output
/// path `want` accepts are rendered, so a rebuild can redo just the ones an edit affects.
pub fn render_generated(
    site: &Site,
    theme: &Theme,
    opts: RenderOptions,
    want: &dyn Fn(&str) -> bool,
) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let cx = view_context(site, theme, opts);
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    // The 404 page is served at any depth, so its URLs are root-absolute.
    let not_found_base = view::base_path(site.config.base_url.as_deref());
    let mut generated =
        |path: &str, template: &str, title: &str, extra: &dyn Fn(&mut tera::Context)| {
            let out = if path == "404" {
                "404.html".into()
            } else {
                url::output_file(path)
            };
            if !want(&out) {
                return;
            }
            let mut ctx = tera::Context::new();
            if path == "404" {
                let mut sv = cx.site_view("");
                sv.current = "404".into();
                sv.rebase(&not_found_base);
                ctx.insert("site", &sv);
            } else {
                ctx.insert("site", &cx.site_view(path));
            }
            ctx.insert("title", title);
            extra(&mut ctx);
            match theme.render(template, &ctx) {
                Ok(h) => files.push(OutputFile {
                    path: out,
                    bytes: h.into_bytes(),
                }),
                Err(e) => diagnostics.push(Diagnostic::error(
                    "template",
                    format!("template `{template}` failed: {e}"),
                )),
            }
        };

    // Taxonomies.
    for tax in &site.taxonomies {
        if tax.terms.is_empty() {
            continue;
        }
        let base = tax.kind.slug();
        if want(&url::output_file(base)) {
            let terms: Vec<TaxonomyTermView> = tax
                .terms
                .iter()
                .map(|t| TaxonomyTermView {
                    name: t.name.clone(),
                    url: url::page_href(base, &format!("{base}/{}", t.slug), None, opts.portable),
                    count: t.pages.len(),
                })
                .collect();
            generated(base, "taxonomy_list.html", tax.kind.title(), &|c| {
                c.insert("taxonomy", tax.kind.title());
                c.insert("terms", &terms);
            });
        }
        for t in &tax.terms {
            let path = format!("{base}/{}", t.slug);
            if !want(&url::output_file(&path)) {
                continue;
            }
            let pages: Vec<Card> = cx.cards(&path, t.pages.iter().copied());
            let up = Link {
                title: tax.kind.title().into(),
                url: url::page_href(&path, base, None, opts.portable),
            };
            generated(&path, "taxonomy_term.html", &t.name, &|c| {
                c.insert("taxonomy", tax.kind.title());
                c.insert("taxonomy_link", &up);
                c.insert("term", &t.name);
                c.insert("pages", &pages);
            });
        }
    }

    // What's changed: every major change, newest first.
    let changes = feeds::major_changes(site);
    if want(&url::output_file("changes")) {
        let change_rows: Vec<serde_json::Value> = changes
            .iter()
            .map(|(d, i, note)| serde_json::json!({"date": d.to_string(), "date_human": view::human_date(*d), "note": note, "page": cx.card("changes", *i)}))
            .collect();
        generated("changes", "changes.html", "What's changed", &|c| {
            c.insert("changes", &change_rows)
        });
    }
    generated("search", "search.html", "Search", &|_| {});
    generated("404", "404.html", "Page not found", &|_| {});
    if cx.offline && theme.has_template("offline.html") {
        generated(view::OFFLINE_PAGE, "offline.html", "Offline", &|_| {});
    }

    // Alias redirects.
    for (alias, &target) in &site.aliases {
        if site.by_id.contains_key(alias) {
            continue;
        }
        let path = url::output_file(alias);
        if !want(&path) {
            continue;
        }
        let href = url::page_href(alias, &site.pages[target].id, None, opts.portable);
        files.push(OutputFile {
            path,
            bytes: feeds::redirect_page(&href, &site.pages[target].fm.title).into_bytes(),
        });
    }

    if want("sitemap.xml") {
        files.push(OutputFile {
            path: "sitemap.xml".into(),
            bytes: feeds::sitemap(site, opts.portable).into_bytes(),
        });
    }
    if want("feed.xml") {
        files.push(OutputFile {
            path: "feed.xml".into(),
            bytes: feeds::atom(site, &changes, opts.portable).into_bytes(),
        });
    }
    (files, diagnostics)
}

/// The brand logo named in site.yaml must be one of the site's files.
pub fn check_brand_logo(site: &Site, theme: &Theme) -> Option<Diagnostic> {
    let logo = site.config.brand.logo.as_ref()?;
    let logo = logo.trim_start_matches('/');
    let exists =
        theme.static_files.iter().any(|(p, _)| p == logo) || site.assets.contains_key(logo);
    (!exists).then(|| {
        Diagnostic::error(
            "config",
            format!("brand logo `{logo}` is not a file of the site"),
        )
        .help("put the logo in the site's static/ folder and set `brand.logo: static/<name>`")
    })
}

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).into()
}

/// The theme's offline worker; the generated `sw.js` at the site root loads it, so its scope
/// is the whole site wherever the site is mounted.
pub const OFFLINE_WORKER: &str = "static/offline.js";

/// `sw.js`, from the SHA-256 of every rendered file (sorted by path; see [`output_version`]).
pub fn service_worker_file(rendered: &[(&str, [u8; 32])], theme: &Theme) -> OutputFile {
    OutputFile {
        path: "sw.js".into(),
        bytes: service_worker(&output_version(rendered, theme)).into_bytes(),
    }
}

/// `sw.js`: names this build's version (so browsers fetch the new worker and search index after
/// a deploy) and loads the theme's worker.
fn service_worker(version: &str) -> String {
    format!(
        "// Generated by Waymark: offline copies of this site (site.yaml `offline: false` turns them off).\n\
         self.WAYMARK_VERSION = \"{version}\";\n\
         importScripts(\"{OFFLINE_WORKER}\");\n"
    )
}

/// A short hash of everything rendered (each file's path and SHA-256, so the live preview can
/// compute it from the hashes it keeps) and of the theme's assets: the version changes
/// whenever the site does and never otherwise (builds stay byte-identical).
fn output_version(rendered: &[(&str, [u8; 32])], theme: &Theme) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (path, sha) in rendered {
        h.update(path.as_bytes());
        h.update([0]);
        h.update(sha);
        h.update([0]);
    }
    for (p, src) in &theme.static_files {
        h.update(p.as_bytes());
        h.update([0]);
        // Files on disk are not read here (render is pure) and their location is not
        // hashed (output must not depend on where the site sits); the worker refreshes
        // assets in the background anyway.
        if let theme::StaticSource::Embedded(b) = src {
            h.update(b);
        }
        h.update([0]);
    }
    hex::encode(&h.finalize()[..8])
}

/// Pages that are listed (published); drafts only exist when built with `--drafts`.
pub fn listed(site: &Site, i: usize) -> bool {
    site.pages[i].fm.status == Status::Published
}

/// Files generated from configuration rather than pages: the brand stylesheet.
pub fn extra_files(site: &Site) -> Vec<OutputFile> {
    let colours = &site.config.brand.colours;
    if colours.is_empty() {
        return Vec::new();
    }
    vec![OutputFile {
        path: "static/brand.css".into(),
        bytes: brand::stylesheet(colours).into_bytes(),
    }]
}

/// The other pages whose data page `i`'s rendering reads (its view-model and its body HTML):
/// ancestors (breadcrumbs), children (lists, tracker, glossary), backlinks and "cited by",
/// legislation cited, related and related practice, link and citation targets, the page it
/// overlays and the local pages overlaying it, and the summary that supersedes it. The live
/// preview re-renders a page when any of these changes, so a view that reads another page
/// must add the relation here (the incremental-build test fails otherwise).
pub fn page_reads(site: &Site, i: usize) -> Vec<usize> {
    use crate::graph::{CitationTarget, LinkTarget};
    let p = &site.pages[i];
    let by_id = |id: &str| site.by_id.get(id.trim_end_matches(".md")).copied();
    let mut r: Vec<usize> = Vec::new();
    let mut cur = site.parent[i];
    while let Some(c) = cur {
        r.push(c);
        cur = site.parent[c];
    }
    r.extend(&site.children[i]);
    r.extend(&site.backlinks[i]);
    r.extend(&site.cites[i]);
    r.extend(&site.related_practice[i]);
    r.extend(p.fm.related.iter().filter_map(|id| by_id(id)));
    for l in &site.links[i] {
        if let LinkTarget::Page { index, .. } = l.target {
            r.push(index);
        }
    }
    for c in &site.citations[i] {
        if let CitationTarget::Page(index) = *c {
            r.push(index);
        }
    }
    if let Some(o) = &p.fm.overlay
        && let Some(t) = o.overlays.as_deref().and_then(by_id)
    {
        r.push(t);
    }
    if let Some(l) = &p.fm.legal.legislation
        && let Some(t) = l.superseded_by.as_deref().and_then(by_id)
    {
        r.push(t);
    }
    r.sort_unstable();
    r.dedup();
    r.retain(|&j| j != i);
    r
}

/// Pages that overlay each page (the "local procedure" pages listed beside it): the reverse
/// of `overlays`, which [`page_reads`] cannot see from the national page's side.
pub fn overlaid_by(site: &Site) -> Vec<(usize, usize)> {
    site.pages
        .iter()
        .enumerate()
        .filter_map(|(j, p)| {
            let t = p.fm.overlay.as_ref()?.overlays.as_deref()?;
            let i = *site.by_id.get(t.trim_end_matches(".md"))?;
            Some((i, j))
        })
        .collect()
}
