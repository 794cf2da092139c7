//! The build pipeline: load → parse → link → check → render → index → write.
//!
//! Each stage is a function in its own module; this file only runs them in order and carries
//! diagnostics along. `check` stops after the check stage; `build` goes on to write the site,
//! unless there are errors.

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
use std::collections::{BTreeMap, HashMap};
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
                "timing: {m:<10} {:>8.1} ms wall {:>8.1} ms cpu",
                (now - t).as_secs_f64() * 1000.0,
                (cpu - *last_cpu) * 1000.0
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

/// Load, parse, link and check. Used by `check`, `build`, `search` and the servers.
pub fn check(opts: &Options) -> Result<CheckReport, Fatal> {
    let mut sources = Sources::default();
    let (config, mut diags) = load_config(&opts.root, &mut sources)?;

    // LOAD
    stage(opts, "Reading", 0);
    let content = opts.root.join("content");
    let mut roots = vec![Root {
        dir: &content,
        display: "content".into(),
        origin: Origin::National,
    }];
    let overlay_display: Vec<String> = opts
        .overlays
        .iter()
        .map(|o| o.to_string_lossy().trim_end_matches('/').to_string())
        .collect();
    for (k, o) in opts.overlays.iter().enumerate() {
        roots.push(Root {
            dir: o,
            display: overlay_display[k].clone(),
            origin: Origin::Overlay(k),
        });
    }
    let loaded = source::load(&roots, &config, &mut sources);
    diags.extend(loaded.diagnostics);

    // PARSE: front matter
    stage(opts, "Parsing", loaded.pages.len() * 2);
    let limits = YamlLimits {
        max_bytes: config.limits.max_front_matter_size,
        ..YamlLimits::default()
    };
    let parsed: Vec<_> = loaded
        .pages
        .par_iter()
        .map(|f| {
            let file = sources.get(f.file);
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
            let p = front_matter::parse(file, f.file, ctx, limits);
            tick(opts);
            (f, folder_kind, is_section, p)
        })
        .collect();

    let mut pages: Vec<Page> = Vec::new();
    let mut restricted_needles: Vec<String> = Vec::new();
    for (f, folder_kind, is_section, p) in parsed {
        diags.extend(p.diagnostics);
        let Some(fm) = p.front_matter else { continue };
        if fm.status == Status::Draft && !opts.drafts {
            continue;
        }
        if fm.visibility == Visibility::Restricted && opts.profile == Profile::Public {
            restricted_needles.push(fm.title.clone());
            restricted_needles.extend(needles(&sources.get(f.file).text[p.body_offset..]));
            continue;
        }
        let kind = fm.kind.unwrap_or(if is_section {
            Kind::Section
        } else {
            folder_kind
        });
        pages.push(Page {
            id: page_id(&f.rel_path),
            file: f.file,
            rel_path: f.rel_path.clone(),
            kind,
            origin: f.origin.clone(),
            is_section,
            fm,
            body_offset: p.body_offset,
            body: Body::default(),
            headings: Vec::new(),
        });
    }
    // Restricted blocks inside public pages are needles too.
    if opts.profile == Profile::Public {
        for p in &pages {
            restricted_needles.extend(restricted_blocks(&sources.get(p.file).text));
        }
        for s in &loaded.snippets {
            restricted_needles.extend(restricted_blocks(&sources.get(s.file).text));
        }
    }

    // One page per id: national before overlay, then path order.
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
    let mut pages = unique;
    if !pages.iter().any(|p| p.id.is_empty()) {
        // A site without a home page still gets one, listing its sections.
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
        pages.insert(
            0,
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
            },
        );
    }

    let acts = graph::act_table(&pages, &config);

    // PARSE: bodies, with includes expanded.
    let mut includable: HashMap<String, (FileId, usize)> = HashMap::new();
    for s in &loaded.snippets {
        let text = &sources.get(s.file).text;
        let off = if text.starts_with("---") {
            front_matter_end(text)
        } else {
            0
        };
        includable.insert(s.rel_path.clone(), (s.file, off));
    }
    for p in &pages {
        if p.origin == Origin::National {
            includable
                .entry(p.rel_path.clone())
                .or_insert((p.file, p.body_offset));
        }
    }
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
    let bodies: Vec<(Body, Doc, Vec<Diagnostic>)> = pages
        .par_iter()
        .map(|p| {
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
            let doc = markdown::analyse_in(&body, &acts, page_act);
            d.extend(crate::parse::html::check_markup(&body, &doc, &config));
            tick(opts);
            (body, doc, d)
        })
        .collect();
    let mut docs = Vec::with_capacity(bodies.len());
    for (p, (body, doc, d)) in pages.iter_mut().zip(bodies) {
        diags.extend(d);
        p.body = body;
        p.headings = doc.headings.clone();
        docs.push(doc);
    }

    // LINK
    stage(opts, "Linking", 0);
    let assets: BTreeMap<String, PathBuf> = loaded
        .assets
        .iter()
        .map(|a| (a.rel_path.clone(), a.path.clone()))
        .collect();
    let files = loaded.pages.len() + loaded.snippets.len();
    let mut site = graph::link(config, sources, pages, docs, acts, assets, duplicates);
    site.restricted_needles = restricted_needles;

    // CHECK
    stage(opts, "Checking", 0);
    let cx = CheckContext {
        site: &site,
        today: today(opts),
    };
    diags.extend(check::run(&cx));
    // Once, over every finding of the run, whichever stage made it.
    check::suppress::apply(&site, cx.today, &mut diags);
    diag::sort_and_dedup(&mut diags, &site.sources);
    Ok(CheckReport {
        site,
        diagnostics: diags,
        files,
    })
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

    // RENDER
    stage(opts, "Rendering", 0);
    let rendered = render::render(
        site,
        &theme,
        RenderOptions {
            portable,
            static_search,
        },
    );
    if !rendered.diagnostics.is_empty() {
        let mut check = report;
        check.diagnostics.extend(rendered.diagnostics);
        return Ok(BuildReport {
            check,
            written: None,
        });
    }
    let mut files = rendered.files;
    files.extend(render::extra_files(site));

    // Restricted text must not reach any output: scan everything before it is written.
    if let Some((path, needle)) = write::find_leak(&files, &site.restricted_needles) {
        let mut check = report;
        check.diagnostics.push(
            Diagnostic::error("restricted-content", format!("restricted text would be published in `{path}`: \"{needle}\""))
                .help("mark the text `visibility: restricted` or wrap it in <!-- waymark-restricted --> markers where it is written"),
        );
        return Ok(BuildReport {
            check,
            written: None,
        });
    }

    // INDEX and WRITE: the indexes are built straight into the staging folder.
    stage(opts, "Writing", 0);
    let index = |staging: &Path| crate::index::build(site, staging, static_search);
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| opts.root.join(&site.config.output_dir));
    let written = write::write_site(
        &write::WriteRequest {
            root: &opts.root,
            out: &out,
            files,
            static_files: &theme.static_files,
            assets: &site.assets,
            build_id_inputs: build_inputs(site, opts, portable),
            profile: opts.profile,
        },
        &index,
    )
    .map_err(Fatal::Message)?;
    stage(opts, "Done", 0);
    Ok(BuildReport {
        check: report,
        written: Some(written),
    })
}

/// Everything the output depends on, hashed into the build id.
fn build_inputs(site: &Site, opts: &Options, portable: bool) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
    v.extend_from_slice(format!("{:?}{portable}{}", opts.profile, opts.drafts).as_bytes());
    for (_, f) in site.sources.iter() {
        v.extend_from_slice(f.display.as_bytes());
        v.push(0);
        v.extend_from_slice(f.text.as_bytes());
        v.push(0);
    }
    v
}

/// CPU time (user + system) of this process so far, where the OS tells it (Linux), so
/// benchmark timings mean something on a loaded machine.
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
