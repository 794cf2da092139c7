//! The build pipeline: load → parse → link → check → render → index → write.
//!
//! Each stage is a function in its own module; this file only runs them in order and carries
//! diagnostics along. `check` stops after the check stage; `build` goes on to write the site,
//! unless there are errors.

pub mod session;

use crate::check::{self, CheckContext};
use crate::config::{self, SiteConfig};
use crate::diag::{self, Diagnostic, FileId, Severity, SourceFile, Sources};
use crate::graph::{self, Site};
use crate::model::{Body, Kind, Origin, Page, Segment, Status, Visibility};
use crate::parse::front_matter::{self, FrontMatterContext};
use crate::parse::markdown::{self, Doc, ExpandOptions, Includable};
use crate::parse::yaml::YamlLimits;
use crate::render::{self, RenderOptions, Theme};
use crate::source::{self, Root};
use crate::write;
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Which content a build may publish (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Profile {
    /// Restricted pages and blocks never reach any output.
    #[default]
    Public,
    /// Everything, for a force's internal mirror.
    Internal,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub root: PathBuf,
    pub out: Option<PathBuf>,
    pub overlays: Vec<PathBuf>,
    pub drafts: bool,
    pub today: Option<Date>,
    pub profile: Profile,
    /// Forces portable links; `None` follows `site.yaml`.
    pub portable: Option<bool>,
    /// Overrides `search.static_index`.
    pub static_search: Option<bool>,
    pub progress: Option<indicatif::ProgressBar>,
}

/// The run could not go on (no site, unreadable configuration, output refused).
#[derive(Debug, thiserror::Error)]
pub enum Fatal {
    #[error("{0}")]
    Message(String),
    #[error("{message}")]
    Diagnostics {
        message: String,
        diagnostics: Vec<Diagnostic>,
        sources: Box<Sources>,
    },
}

/// What `check` found.
pub struct CheckReport {
    pub site: Site,
    pub diagnostics: Vec<Diagnostic>,
    /// Number of content files read.
    pub files: usize,
}

/// The outcome of a build.
pub struct BuildReport {
    pub check: CheckReport,
    /// Set when the site was written.
    pub written: Option<write::Written>,
}

fn today(opts: &Options) -> Date {
    opts.today
        .unwrap_or_else(|| jiff::ZonedDateTime::now().date())
}

/// With `WAYMARK_TIMINGS=1`, prints how long each stage took (for benchmarks).
fn stage(opts: &Options, msg: &'static str, len: usize) {
    if std::env::var_os("WAYMARK_TIMINGS").is_some() {
        use std::sync::Mutex;
        static LAST: Mutex<Option<(std::time::Instant, &'static str)>> = Mutex::new(None);
        static LAST_CPU: Mutex<f64> = Mutex::new(0.0);
        let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
        let mut last_cpu = LAST_CPU.lock().unwrap_or_else(|e| e.into_inner());
        let now = std::time::Instant::now();
        let cpu = process_cpu_seconds();
        if let Some((t, m)) = *last {
            eprintln!(
                "timing: {m:<10} {:>8.1} ms wall {:>8.1} ms cpu {:>6} MB peak",
                (now - t).as_secs_f64() * 1000.0,
                (cpu - *last_cpu) * 1000.0,
                peak_rss_mb()
            );
        }
        *last = Some((now, msg));
        *last_cpu = cpu;
    }
    if let Some(p) = &opts.progress {
        p.set_message(msg);
        p.set_length(len as u64);
        p.set_position(0);
    }
}

fn tick(opts: &Options) {
    if let Some(p) = &opts.progress {
        p.inc(1);
    }
}

/// Reads `site.yaml`.
pub fn load_config(
    root: &Path,
    sources: &mut Sources,
) -> Result<(SiteConfig, Vec<Diagnostic>), Fatal> {
    let path = root.join("site.yaml");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Fatal::Message(format!(
            "cannot read {}: {e}\nhelp: run waymark in a site's folder (one with site.yaml and content/), pass --root, or create one with `waymark init DIR`",
            path.display()
        ))
    })?;
    let id = sources.add(SourceFile::new("site.yaml".into(), path, text));
    let (cfg, diags) = config::parse(sources.get(id), id);
    Ok((cfg, diags))
}

fn page_id(rel: &str) -> String {
    let p = rel.strip_suffix(".md").unwrap_or(rel);
    if p == "_index" {
        return String::new();
    }
    p.strip_suffix("/_index").unwrap_or(p).to_string()
}

/// One content file's front matter, parsed.
pub(crate) struct FrontMatterParse {
    pub file: source::ContentFile,
    pub folder_kind: Kind,
    pub is_section: bool,
    pub parsed: front_matter::Parsed,
}

/// The content trees to read: `content/` and each overlay.
fn content_roots<'a>(
    opts: &'a Options,
    content: &'a Path,
    overlay_display: &'a [String],
) -> Vec<Root<'a>> {
    let mut roots = vec![Root {
        dir: content,
        display: "content".into(),
        origin: Origin::National,
    }];
    for (k, o) in opts.overlays.iter().enumerate() {
        roots.push(Root {
            dir: o,
            display: overlay_display[k].clone(),
            origin: Origin::Overlay(k),
        });
    }
    roots
}

/// LOAD: reads every content file into `sources`.
pub(crate) fn load_content(
    opts: &Options,
    config: &SiteConfig,
    sources: &mut Sources,
) -> source::Loaded {
    let content = opts.root.join("content");
    let overlay_display: Vec<String> = opts
        .overlays
        .iter()
        .map(|o| o.to_string_lossy().trim_end_matches('/').to_string())
        .collect();
    let roots = content_roots(opts, &content, &overlay_display);
    source::load(&roots, config, sources)
}

/// PARSE: one file's front matter.
pub(crate) fn parse_front_matter(
    config: &SiteConfig,
    sources: &Sources,
    f: &source::ContentFile,
) -> FrontMatterParse {
    parse_front_matter_of(config, sources.get(f.file), f)
}

/// PARSE: one file's front matter, from its text.
pub(crate) fn parse_front_matter_of(
    config: &SiteConfig,
    file: &SourceFile,
    f: &source::ContentFile,
) -> FrontMatterParse {
    let limits = YamlLimits {
        max_bytes: config.limits.max_front_matter_size,
        ..YamlLimits::default()
    };
    let top = f.rel_path.split('/').next().unwrap_or("");
    let folder_kind = if f.rel_path.contains('/') {
        config.kind_for_folder(top)
    } else {
        Kind::Guidance
    };
    let is_section = f.rel_path == "_index.md" || f.rel_path.ends_with("/_index.md");
    let ctx = FrontMatterContext {
        folder_kind,
        is_section,
        is_overlay: matches!(f.origin, Origin::Overlay(_)),
    };
    let parsed = front_matter::parse(file, f.file, ctx, limits);
    FrontMatterParse {
        file: f.clone(),
        folder_kind,
        is_section,
        parsed,
    }
}

/// Whether a parsed file becomes a page of this build: it parsed, and it is neither a draft
/// (without `--drafts`) nor restricted (in the public profile).
pub(crate) fn publishable(opts: &Options, fm: &crate::model::FrontMatter) -> bool {
    !(fm.status == Status::Draft && !opts.drafts
        || fm.visibility == Visibility::Restricted && opts.profile == Profile::Public)
}

/// A page from its parsed front matter, before its body is expanded.
pub(crate) fn new_page(p: &FrontMatterParse, fm: crate::model::FrontMatter) -> Page {
    let kind = fm.kind.unwrap_or(if p.is_section {
        Kind::Section
    } else {
        p.folder_kind
    });
    Page {
        id: page_id(&p.file.rel_path),
        file: p.file.file,
        rel_path: p.file.rel_path.clone(),
        kind,
        origin: p.file.origin.clone(),
        is_section: p.is_section,
        fm,
        body_offset: p.parsed.body_offset,
        body: Body::default(),
        headings: Vec::new(),
    }
}

/// Files other pages may include, by path from the content root: snippets, and national
/// pages (after their front matter).
pub(crate) fn includable_files(
    sources: &Sources,
    snippets: &[source::ContentFile],
    pages: &[Page],
) -> HashMap<String, (FileId, usize)> {
    let mut includable: HashMap<String, (FileId, usize)> = HashMap::new();
    for s in snippets {
        let text = &sources.get(s.file).text;
        let off = if text.starts_with("---") {
            front_matter_end(text)
        } else {
            0
        };
        includable.insert(s.rel_path.clone(), (s.file, off));
    }
    for p in pages {
        if p.origin == Origin::National {
            includable
                .entry(p.rel_path.clone())
                .or_insert((p.file, p.body_offset));
        }
    }
    includable
}

/// PARSE: one page's body, with includes expanded, analysed.
pub(crate) fn parse_body(
    opts: &Options,
    config: &SiteConfig,
    sources: &Sources,
    includable: &HashMap<String, (FileId, usize)>,
    acts: &crate::parse::citations::ActTable,
    p: &Page,
) -> (Body, Doc, Vec<Diagnostic>) {
    let lookup = |path: &str| -> Option<Includable> {
        includable.get(path).map(|&(file, body_offset)| Includable {
            file,
            text: &sources.get(file).text,
            body_offset,
        })
    };
    let expand_opts = ExpandOptions {
        lookup: &lookup,
        drop_restricted: opts.profile == Profile::Public,
        max_depth: config.limits.max_include_depth,
    };
    let mut d = Vec::new();
    let text = &sources.get(p.file).text;
    let body = if text.is_empty() {
        Body {
            text: String::new(),
            segments: vec![Segment {
                expanded: 0..0,
                file: p.file,
                file_offset: 0,
                included: false,
            }],
        }
    } else {
        markdown::expand(
            p.file,
            text,
            p.body_offset,
            &p.rel_path,
            &expand_opts,
            &mut d,
        )
    };
    let page_act = p.fm.legal.legislation.as_ref().map(|l| l.act.as_str());
    let doc = markdown::analyse_in(&body, acts, page_act);
    d.extend(crate::parse::html::check_markup(&body, &doc, config));
    (body, doc, d)
}

/// The generated home page of a site that has none: it lists the sections.
fn generated_home(config: &SiteConfig, content: &Path, sources: &mut Sources) -> Page {
    let file = sources.add(SourceFile::new(
        "content/_index.md (generated)".into(),
        content.join("_index.md"),
        String::new(),
    ));
    let fm = crate::model::FrontMatter {
        title: config.title.clone(),
        summary: config.description.clone(),
        ..Default::default()
    };
    Page {
        id: String::new(),
        file,
        rel_path: "_index.md".into(),
        kind: Kind::Section,
        origin: Origin::National,
        is_section: true,
        fm,
        body_offset: 0,
        body: Body::default(),
        headings: Vec::new(),
    }
}

/// Load, parse, link and check. Used by `check`, `build`, `search` and the servers.
pub fn check(opts: &Options) -> Result<CheckReport, Fatal> {
    check_detailed(opts, check::Selection::All).map(|(report, _)| report)
}

/// What the stages found per file, kept by the live preview so a save re-does only the work
/// of the files it touched.
pub(crate) struct Details {
    pub config_text: String,
    pub config_diagnostics: Vec<Diagnostic>,
    pub load: source::Loaded,
    /// Front matter of each file in `load.pages` (same order).
    pub front_matter: Vec<FrontMatterParse>,
    /// Body diagnostics of each page (parallel to `site.pages`).
    pub body_diagnostics: Vec<Vec<Diagnostic>>,
    /// Text of restricted pages (excluded in the public profile).
    pub restricted_pages: Vec<String>,
    /// Restricted blocks of each public page file (before duplicates were dropped) and
    /// snippet, in that order.
    pub restricted_blocks: Vec<(FileId, Vec<String>)>,
}

impl Details {
    /// Every diagnostic up to the check stage.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.config_diagnostics
            .iter()
            .chain(&self.load.diagnostics)
            .chain(self.front_matter.iter().flat_map(|f| &f.parsed.diagnostics))
            .chain(self.body_diagnostics.iter().flatten())
    }

    pub fn needles(&self) -> Vec<String> {
        let mut v = self.restricted_pages.clone();
        for (_, n) in &self.restricted_blocks {
            v.extend(n.iter().cloned());
        }
        v
    }
}

pub(crate) fn check_detailed(
    opts: &Options,
    selection: check::Selection,
) -> Result<(CheckReport, Details), Fatal> {
    let mut sources = Sources::default();
    let (config, config_diagnostics) = load_config(&opts.root, &mut sources)?;
    let config_text = sources.get(FileId(0)).text.clone();

    // LOAD
    stage(opts, "Reading", 0);
    let content = opts.root.join("content");
    let loaded = load_content(opts, &config, &mut sources);

    // PARSE: front matter
    stage(opts, "Parsing", loaded.pages.len() * 2);
    let mut parsed: Vec<FrontMatterParse> = loaded
        .pages
        .par_iter()
        .map(|f| {
            let p = parse_front_matter(&config, &sources, f);
            tick(opts);
            p
        })
        .collect();

    let mut pages: Vec<Page> = Vec::new();
    let mut restricted_pages: Vec<String> = Vec::new();
    for p in &mut parsed {
        let Some(fm) = p.parsed.front_matter.take() else {
            continue;
        };
        if !publishable(opts, &fm) {
            if fm.status != Status::Draft || opts.drafts {
                // Restricted: its text must never be published.
                restricted_pages.push(fm.title.clone());
                restricted_pages.extend(needles(
                    &sources.get(p.file.file).text[p.parsed.body_offset..],
                ));
            }
            p.parsed.front_matter = Some(fm);
            continue;
        }
        pages.push(new_page(p, fm));
    }
    // Restricted blocks inside public pages are needles too.
    let mut restricted_blocks_by_file = Vec::new();
    if opts.profile == Profile::Public {
        for f in pages
            .iter()
            .map(|p| p.file)
            .chain(loaded.snippets.iter().map(|s| s.file))
        {
            restricted_blocks_by_file.push((f, restricted_blocks(&sources.get(f).text)));
        }
    }

    // One page per id: national before overlay, then path order.
    let (mut pages, duplicates) = unique_pages(pages);
    if !pages.iter().any(|p| p.id.is_empty()) {
        // A site without a home page still gets one, listing its sections.
        pages.insert(0, generated_home(&config, &content, &mut sources));
    }

    let acts = graph::act_table(&pages, &config);

    // PARSE: bodies, with includes expanded.
    let includable = includable_files(&sources, &loaded.snippets, &pages);
    let bodies: Vec<(Body, Doc, Vec<Diagnostic>)> = pages
        .par_iter()
        .map(|p| {
            let r = parse_body(opts, &config, &sources, &includable, &acts, p);
            tick(opts);
            r
        })
        .collect();
    let mut docs = Vec::with_capacity(bodies.len());
    let mut body_diagnostics = Vec::with_capacity(bodies.len());
    for (p, (body, doc, d)) in pages.iter_mut().zip(bodies) {
        body_diagnostics.push(d);
        p.body = body;
        p.headings = doc.headings.clone();
        docs.push(doc);
    }

    // LINK
    stage(opts, "Linking", 0);
    let assets = asset_map(&loaded.assets);
    let files = loaded.pages.len() + loaded.snippets.len();
    let mut site = graph::link(config, sources, pages, docs, acts, assets, duplicates);
    let details = Details {
        config_text,
        config_diagnostics,
        load: loaded,
        front_matter: parsed,
        body_diagnostics,
        restricted_pages,
        restricted_blocks: restricted_blocks_by_file,
    };
    site.restricted_needles = details.needles();

    // CHECK
    stage(opts, "Checking", 0);
    let diagnostics = checked_selected(
        opts,
        &site,
        details.diagnostics().cloned().collect(),
        selection,
        &|| false,
    )
    .expect("a run that is never cancelled");
    stage(opts, "Checked", 0);
    Ok((
        CheckReport {
            site,
            diagnostics,
            files,
        },
        details,
    ))
}

/// Runs a selection of the checks and puts every diagnostic in order; `None` when
/// `cancelled` stopped the run.
pub(crate) fn checked_selected(
    opts: &Options,
    site: &Site,
    mut diags: Vec<Diagnostic>,
    selection: check::Selection,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<Diagnostic>> {
    let cx = CheckContext::new(site, today(opts));
    diags.extend(check::run_selected(&cx, selection, cancelled)?);
    // Once, over every finding of the run, whichever stage made it.
    check::suppress::apply_selected(site, cx.today, &mut diags, selection);
    diag::sort_and_dedup(&mut diags, &site.sources);
    Some(diags)
}

pub(crate) fn asset_map(assets: &[source::Asset]) -> BTreeMap<String, PathBuf> {
    assets
        .iter()
        .map(|a| (a.rel_path.clone(), a.path.clone()))
        .collect()
}

/// Sorts pages by id (national before overlay, then path) and keeps one page per id.
fn unique_pages(mut pages: Vec<Page>) -> (Vec<Page>, Vec<(String, FileId)>) {
    pages.sort_by(|a, b| {
        a.id.cmp(&b.id)
            .then(a.origin_rank().cmp(&b.origin_rank()))
            .then(a.rel_path.cmp(&b.rel_path))
    });
    let mut duplicates = Vec::new();
    let mut unique: Vec<Page> = Vec::with_capacity(pages.len());
    for p in pages {
        if unique.last().is_some_and(|l: &Page| l.id == p.id) {
            duplicates.push((p.id.clone(), p.file));
        } else {
            unique.push(p);
        }
    }
    (unique, duplicates)
}

impl Page {
    fn origin_rank(&self) -> usize {
        match self.origin {
            Origin::National => 0,
            Origin::Overlay(k) => k + 1,
        }
    }
}

fn front_matter_end(text: &str) -> usize {
    let mut pos = text.find('\n').map_or(text.len(), |i| i + 1);
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if text[pos..end].trim_end() == "---" {
            return end;
        }
        pos = end;
    }
    0
}

/// Distinctive lines of restricted text that must never appear in public output.
fn needles(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            l.trim()
                .trim_start_matches(['#', '-', '*', '>', ' '])
                .trim()
        })
        .filter(|l| l.len() >= 24 && !l.starts_with("<!--") && !l.starts_with("{{"))
        .map(|l| l.chars().take(80).collect())
        .collect()
}

fn restricted_blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(s) = rest.find("<!-- waymark-restricted -->") {
        let after = &rest[s + 27..];
        let e = after
            .find("<!-- /waymark-restricted -->")
            .unwrap_or(after.len());
        out.extend(needles(&after[..e]));
        rest = &after[e..];
    }
    out
}

/// Whether the diagnostics block publishing.
pub fn has_errors(diags: &[Diagnostic], deny_warnings: bool) -> bool {
    diags.iter().any(|d| {
        d.suppressed.is_none()
            && (d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning))
    })
}

/// Runs the whole pipeline and writes the site unless there are errors.
pub fn build(opts: &Options) -> Result<BuildReport, Fatal> {
    let report = check(opts)?;
    if has_errors(&report.diagnostics, false) {
        return Ok(BuildReport {
            check: report,
            written: None,
        });
    }
    let site = &report.site;
    let theme = Theme::load(&opts.root, &site.config.theme).map_err(|d| Fatal::Diagnostics {
        message: "the theme could not be loaded".into(),
        diagnostics: d,
        sources: Box::new(site.sources.clone()),
    })?;
    let portable = opts.portable.unwrap_or(site.config.portable);
    let static_search = opts
        .static_search
        .unwrap_or(site.config.search.static_index)
        && !portable;

    // RENDER and WRITE, streamed a chunk of pages at a time into the staging folder, so the
    // rendered site is never held in memory whole (10,000 pages are several hundred MB).
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| opts.root.join(&site.config.output_dir));
    let staging = write::Staging::create(&opts.root, &out).map_err(Fatal::Message)?;
    let ropts = RenderOptions {
        portable,
        static_search,
    };
    stage(opts, "Rendering", site.pages.len());
    match render_into(opts, site, &theme, ropts, &staging).map_err(Fatal::Message)? {
        Ok(()) => {}
        Err(problems) => {
            // `staging` is dropped here, removing what was written; the old output stays.
            let mut check = report;
            check.diagnostics.extend(problems);
            return Ok(BuildReport {
                check,
                written: None,
            });
        }
    }

    // INDEX and WRITE: the indexes are built straight into the staging folder.
    stage(opts, "Writing", 0);
    staging
        .put_static(&theme.static_files, &site.assets)
        .map_err(Fatal::Message)?;
    let index_opts = crate::index::IndexOptions {
        static_search,
        portable,
        theme: Some(&theme),
    };
    crate::index::build(site, staging.path(), &index_opts).map_err(Fatal::Message)?;
    let written = staging
        .publish(
            &build_inputs(site, opts, portable, &|_, t| text_hash(t)),
            opts.profile,
        )
        .map_err(Fatal::Message)?;
    stage(opts, "Done", 0);
    Ok(BuildReport {
        check: report,
        written: Some(written),
    })
}

/// Renders every page (in chunks), the generated pages and the extra files into `staging`.
/// Template errors and restricted text about to be published come back as diagnostics (the
/// caller then drops the staging folder); I/O errors as `Err`.
fn render_into(
    opts: &Options,
    site: &Site,
    theme: &Theme,
    ropts: RenderOptions,
    staging: &write::Staging,
) -> Result<Result<(), Vec<Diagnostic>>, String> {
    // Enough pages per chunk to keep both cores busy, few enough to bound memory.
    const CHUNK: usize = 256;
    let cx = render::view_context(site, theme, ropts);
    let mut problems: Vec<Diagnostic> = render::check_brand_logo(site, theme).into_iter().collect();
    let leak = |files: &[render::OutputFile]| {
        write::find_leak(files, &site.restricted_needles).map(|(path, needle)| {
            Diagnostic::error("restricted-content", format!("restricted text would be published in `{path}`: \"{needle}\""))
                .help("mark the text `visibility: restricted` or wrap it in <!-- waymark-restricted --> markers where it is written")
        })
    };
    let mut rendered_paths: Vec<String> = Vec::with_capacity(site.pages.len() + 64);
    let pages: Vec<usize> = (0..site.pages.len()).collect();
    for chunk in pages.chunks(CHUNK) {
        let results: Vec<Result<render::OutputFile, Box<Diagnostic>>> = chunk
            .par_iter()
            .map(|&i| {
                let body = render::html::body_html(site, i, ropts.portable);
                render::render_page(&cx, theme, i, body.html)
            })
            .collect();
        let mut files = Vec::with_capacity(results.len());
        for r in results {
            match r {
                Ok(f) => files.push(f),
                Err(d) => problems.push(*d),
            }
        }
        if let Some(p) = &opts.progress {
            p.inc(chunk.len() as u64);
        }
        // After a problem, keep rendering only to report every template error.
        if !problems.is_empty() {
            continue;
        }
        if let Some(d) = leak(&files) {
            return Ok(Err(vec![d]));
        }
        rendered_paths.extend(files.iter().map(|f| f.path.clone()));
        staging.put(&files)?;
    }
    let (mut generated, diags) = render::render_generated(site, theme, ropts, &|_| true);
    problems.extend(diags);
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    // A page keeps its path over a generated file that would have the same one.
    let page_paths: HashSet<&str> = rendered_paths.iter().map(String::as_str).collect();
    generated.retain(|f| !page_paths.contains(f.path.as_str()));
    generated.sort_by(|a, b| a.path.cmp(&b.path));
    generated.dedup_by(|a, b| a.path == b.path);
    rendered_paths.extend(generated.iter().map(|f| f.path.clone()));
    let extra = render::extra_files(site);
    for files in [&generated, &extra] {
        if let Some(d) = leak(files) {
            return Ok(Err(vec![d]));
        }
        staging.put(files)?;
    }
    // The offline worker names a version made from every rendered file.
    if cx.offline {
        rendered_paths.sort();
        let hashes: Vec<(&str, [u8; 32])> = rendered_paths
            .iter()
            .filter_map(|p| Some((p.as_str(), staging.hash_of(p)?)))
            .collect();
        staging.put(&[render::service_worker_file(&hashes, theme)])?;
    }
    Ok(Ok(()))
}

/// Everything the output depends on, hashed into the build id. Each file is hashed on its
/// own, so the live preview can keep the hashes of the files an edit did not touch.
pub(crate) fn build_inputs(
    site: &Site,
    opts: &Options,
    portable: bool,
    file_hash: &dyn Fn(FileId, &str) -> [u8; 32],
) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
    v.extend_from_slice(format!("{:?}{portable}{}", opts.profile, opts.drafts).as_bytes());
    for (id, f) in site.sources.iter() {
        v.extend_from_slice(f.display.as_bytes());
        v.push(0);
        v.extend_from_slice(&file_hash(id, &f.text));
        v.push(0);
    }
    v
}

pub(crate) fn text_hash(text: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes()).into()
}

/// CPU time (user + system) of this process so far, where the OS tells it (Linux), so
/// benchmark timings mean something on a loaded machine.
/// Peak resident memory so far (`VmHWM`), for stage timings.
pub(crate) fn peak_rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

fn process_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
