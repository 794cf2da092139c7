//! The live preview's incremental build. A [`Session`] keeps what the last run produced (the
//! linked site, each file's parse, each page's body HTML, the files on disk with their
//! hashes) and, after a save, re-does only the work the saved files affect:
//!
//! - LOAD and PARSE: only the saved files are read and their front matter parsed; only the
//!   pages whose text (or an included snippet) changed are expanded and analysed again. A
//!   change to the set of files (a page added, removed or renamed), to `site.yaml`, or to a
//!   page's status falls back to a full load and parse.
//! - LINK runs on the whole site (reusing the links, anchors and taxonomies a save cannot
//!   have changed): links, backlinks and lists see the same graph a full build would.
//! - CHECK: the structure checks (links, anchors, ids, headings ...) decide whether the save
//!   is published. The cross-page checks ([`crate::check::Check::cross_page`]: statements,
//!   similar passages, glossary usage) take seconds on a large site: they are left for
//!   [`Session::site_checks`], which the preview runs in the background on a copy of the site
//!   once the save is served, and whose findings ([`Session::apply_site_findings`]) are what
//!   `waymark check` reports for the same input.
//! - RENDER: the pages whose content changed, plus every page that reads one of them
//!   ([`crate::render::page_reads`]: backlinks, lists, breadcrumbs, related, cited by …) or
//!   whose relations changed, plus the generated pages (taxonomies, What's changed, redirects,
//!   sitemap, feed) whose members changed. Site-wide inputs (navigation, glossary, templates,
//!   configuration) re-render everything. Unchanged bodies reuse their cached HTML.
//! - WRITE: only files whose bytes changed are written (each atomically), files no longer
//!   produced are removed, and `manifest.json` is brought up to date.
//!
//! A run with errors writes nothing: the last good site stays on disk, and the pages changed
//! since it are remembered, so the next good run brings everything up to date. The result on
//! disk is byte-for-byte what `waymark build` writes for the same input (tested).

use super::{
    Details, Fatal, FrontMatterParse, Options, Profile, build_inputs, check_detailed,
    checked_selected, has_errors, includable_files, new_page, parse_body, parse_front_matter_of,
    publishable, restricted_blocks, text_hash,
};
use crate::check::Selection;
use crate::diag::{Diagnostic, FileId, SourceFile, Sources};
use crate::graph::{self, LinkTarget, Site};
use crate::render::{self, OutputFile, RenderOptions, Theme};
use crate::write::{Manifest, ManifestEntry};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a rebuild did.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The site was written; `changed` lists the output paths written or removed.
    Published { changed: Vec<String> },
    /// Errors: nothing was written, the last good site is still on disk.
    Broken,
    /// Nothing the site is built from changed.
    Unchanged,
}

/// Where the time of a rebuild went, and how much work it did.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// The whole site was loaded and parsed again (not only the saved files).
    pub full: bool,
    pub files_read: usize,
    pub bodies_parsed: usize,
    pub pages_rendered: usize,
    pub generated_rendered: usize,
    pub files_written: usize,
    pub files_removed: usize,
    pub parse: Duration,
    pub link: Duration,
    pub check: Duration,
    pub render: Duration,
    pub write: Duration,
    pub total: Duration,
}

pub struct Rebuild {
    pub outcome: Outcome,
    pub stats: Stats,
}

/// The part of the site graph rendering depends on, as it was when the site on disk was
/// written; compared with the new graph to find what to render again. Page ids are interned
/// (see [`Interner`]) so comparing ten thousand pages costs little.
struct Summary {
    /// Page index -> interned id.
    ids: Vec<u32>,
    /// Interned id -> page index.
    index: HashMap<u32, usize>,
    /// Hash of each page's own inputs: its file and the files it includes (by page index).
    content: Vec<u64>,
    /// Hash of what other pages show of each page: its front matter, kind and headings.
    shown: Vec<u64>,
    /// [`render::page_reads`] of each page (by page index, as interned ids).
    reads: Vec<Vec<u32>>,
    /// Navigation, configuration: anything every page shows.
    global: u64,
    /// The glossary: every body's abbreviations.
    glossary: u64,
    /// Generated file path -> hash of what it shows, and the pages it lists.
    generated: BTreeMap<String, (u64, Vec<u32>)>,
    needles: u64,
}

/// Page ids as small numbers, stable for the session.
#[derive(Default)]
struct Interner {
    by_name: HashMap<String, u32>,
}

impl Interner {
    fn get(&mut self, id: &str) -> u32 {
        if let Some(&n) = self.by_name.get(id) {
            return n;
        }
        let n = self.by_name.len() as u32;
        self.by_name.insert(id.to_string(), n);
        n
    }
}

struct State {
    config_text: String,
    site: Site,
    details: Details,
    /// Per file id: the SHA-256 of its text, for the build id.
    file_hashes: Vec<[u8; 32]>,
    /// Canonical path -> file id, for content files (pages and snippets).
    by_path: HashMap<PathBuf, FileId>,
    /// Canonical path -> path under the content root, for content assets.
    assets_by_path: HashMap<PathBuf, String>,
    /// Hash of the act names citations are recognised by.
    acts_key: u64,
    diagnostics: Vec<Diagnostic>,
}

/// What is on disk.
struct Published {
    summary: Summary,
    files: BTreeMap<String, Entry>,
    build_id: String,
    /// `manifest.json` is behind the files (it is written when the preview is idle).
    manifest_stale: bool,
}

/// A file on disk: its size and SHA-256.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Entry {
    size: u64,
    sha: [u8; 32],
}

pub struct Session {
    opts: Options,
    out: PathBuf,
    portable: bool,
    theme: Option<(String, Theme)>,
    state: Option<State>,
    published: Option<Published>,
    /// Body HTML by page id, with the key of what it was made from.
    bodies: HashMap<String, (u64, String)>,
    /// Pages whose content changed since the site on disk was written.
    pending: HashSet<u32>,
    names: Interner,
    /// The last run found errors (and wrote nothing).
    broken: bool,
    statics_dirty: bool,
    index_stale: bool,
    /// Goes up with every rebuild that changed the site in memory; whole-site findings of an
    /// older generation are stale.
    generation: u64,
    /// The last rebuild published and its whole-site checks have not been handed out yet.
    site_checks_due: bool,
}

/// The whole-site checks of one generation of the site, on a copy of it, so that they can
/// run while the session goes on to the next save.
pub struct SiteChecks {
    generation: u64,
    opts: Options,
    site: Site,
    stage_diagnostics: Vec<Diagnostic>,
}

/// What [`SiteChecks::run`] found: every diagnostic of the generation, as `waymark check`
/// reports them.
pub struct SiteFindings {
    generation: u64,
    diagnostics: Vec<Diagnostic>,
}

impl SiteChecks {
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Runs every check (structure and cross-page) over the copy. `None` when `cancelled`
    /// said yes before the run was through.
    pub fn run(self, cancelled: &(dyn Fn() -> bool + Sync)) -> Option<SiteFindings> {
        let diagnostics = checked_selected(
            &self.opts,
            &self.site,
            self.stage_diagnostics,
            Selection::All,
            cancelled,
        )?;
        Some(SiteFindings {
            generation: self.generation,
            diagnostics,
        })
    }
}

impl SiteFindings {
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

fn hash_of(v: &impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// Writes a file so a reader sees the old bytes or the new, never half of them.
fn write_atomic(dir: &Path, rel: &str, bytes: &[u8]) -> Result<(), String> {
    let path = dir.join(rel);
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).map_err(|e| format!("cannot create {}: {e}", p.display()))?;
    }
    let tmp = path.with_file_name(format!(
        ".{}.waymark-tmp",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    std::fs::write(&tmp, bytes).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, &path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// Whether a page body may be rendered from the cache: its text and what its links and
/// citations resolve to are unchanged.
fn body_key(site: &Site, i: usize, portable: bool) -> u64 {
    let mut h = DefaultHasher::new();
    let p = &site.pages[i];
    p.id.hash(&mut h);
    p.body.text.hash(&mut h);
    portable.hash(&mut h);
    for l in &site.links[i] {
        match &l.target {
            LinkTarget::Page { index, anchor } => {
                (0u8, &site.pages[*index].id, anchor).hash(&mut h);
            }
            LinkTarget::Asset(a) => (1u8, a).hash(&mut h),
            LinkTarget::External(u) => (2u8, u).hash(&mut h),
            LinkTarget::Broken(_) => 3u8.hash(&mut h),
        }
    }
    for c in &site.citations[i] {
        match c {
            graph::CitationTarget::Page(index) => (0u8, &site.pages[*index].id).hash(&mut h),
            other => (1u8, format!("{other:?}")).hash(&mut h),
        }
    }
    h.finish()
}

impl Summary {
    fn of(
        site: &Site,
        file_hashes: &[[u8; 32]],
        theme: &Theme,
        opts: RenderOptions,
        names: &mut Interner,
        old: Option<&Summary>,
    ) -> Summary {
        let ids: Vec<u32> = site.pages.iter().map(|p| names.get(&p.id)).collect();
        let index: HashMap<u32, usize> = ids.iter().enumerate().map(|(i, &n)| (n, i)).collect();
        let content: Vec<u64> = site
            .pages
            .par_iter()
            .map(|p| {
                let mut h = DefaultHasher::new();
                (&p.rel_path, &p.origin).hash(&mut h);
                file_hashes[p.file.0 as usize].hash(&mut h);
                for s in &p.body.segments {
                    if s.included {
                        file_hashes[s.file.0 as usize].hash(&mut h);
                    }
                }
                h.finish()
            })
            .collect();
        // What others show of a page only changes with its content: keep the old hash of
        // pages whose content is the same.
        let shown: Vec<u64> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| {
                if let Some(o) = old
                    && let Some(&k) = o.index.get(&ids[i])
                    && o.content[k] == content[i]
                {
                    return o.shown[k];
                }
                let p = &site.pages[i];
                hash_of(&(
                    p.kind.as_str(),
                    format!("{:?}", p.fm),
                    p.headings.iter().map(|h| &h.anchor).collect::<Vec<_>>(),
                ))
            })
            .collect();
        let mut reads: Vec<Vec<usize>> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| render::page_reads(site, i))
            .collect();
        for (i, j) in render::overlaid_by(site) {
            reads[i].push(j);
        }
        let reads = reads
            .into_iter()
            .map(|r| r.into_iter().map(|j| ids[j]).collect())
            .collect();
        let cx = render::view_context(site, theme, opts);
        let global = hash_of(&(
            serde_json::to_vec(&cx.site_view("")).unwrap_or_default(),
            format!("{:?}", site.config),
        ));
        let glossary = hash_of(&(
            format!("{:?}", site.glossary),
            format!("{:?}", site.abbreviations),
        ));
        let mut generated = BTreeMap::new();
        for tax in &site.taxonomies {
            let base = tax.kind.slug();
            let list: Vec<(&str, &str, usize)> = tax
                .terms
                .iter()
                .map(|t| (t.name.as_str(), t.slug.as_str(), t.pages.len()))
                .collect();
            generated.insert(
                crate::model::url::output_file(base),
                (hash_of(&list), Vec::new()),
            );
            for t in &tax.terms {
                let members: Vec<u32> = t.pages.iter().map(|&j| ids[j]).collect();
                generated.insert(
                    crate::model::url::output_file(&format!("{base}/{}", t.slug)),
                    (hash_of(&(&t.name, &members)), members),
                );
            }
        }
        let changes = render::major_changes(site);
        let listed: Vec<u32> = changes.iter().map(|(_, i, _)| ids[*i]).collect();
        let key = hash_of(
            &changes
                .iter()
                .map(|(d, i, n)| (d.to_string(), ids[*i], n))
                .collect::<Vec<_>>(),
        );
        for f in ["changes/index.html", "feed.xml"] {
            generated.insert(f.to_string(), (key, listed.clone()));
        }
        for (alias, &target) in &site.aliases {
            if !site.by_id.contains_key(alias) {
                generated.insert(
                    crate::model::url::output_file(alias),
                    (hash_of(&ids[target]), vec![ids[target]]),
                );
            }
        }
        // The sitemap lists every page.
        generated.insert("sitemap.xml".into(), (hash_of(&ids), ids.clone()));
        Summary {
            ids,
            index,
            content,
            shown,
            reads,
            global,
            glossary,
            generated,
            needles: hash_of(&site.restricted_needles),
        }
    }
}

impl Session {
    /// A session building the site `opts.root` describes into the folder `out`, which the
    /// session owns (it is replaced on the first build).
    pub fn new(mut opts: Options, out: PathBuf) -> Session {
        opts.progress = None;
        opts.root = canonical(&opts.root);
        opts.overlays = opts.overlays.iter().map(|o| canonical(o)).collect();
        Session {
            opts,
            out,
            portable: false,
            theme: None,
            state: None,
            published: None,
            bodies: HashMap::new(),
            pending: HashSet::new(),
            names: Interner::default(),
            broken: false,
            statics_dirty: true,
            index_stale: true,
            generation: 0,
            site_checks_due: false,
        }
    }

    /// Counts rebuilds that changed the site in memory.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The whole-site checks the last rebuild left to do: once per published generation
    /// (`None` after a run with errors, or when they were handed out already). Copies the site,
    /// so that the next save need not wait for them.
    pub fn site_checks(&mut self) -> Option<SiteChecks> {
        if !std::mem::take(&mut self.site_checks_due) {
            return None;
        }
        let st = self.state.as_ref()?;
        Some(SiteChecks {
            generation: self.generation,
            opts: self.opts.clone(),
            site: st.site.clone(),
            stage_diagnostics: st.details.diagnostics().cloned().collect(),
        })
    }

    /// Takes the findings of a background run as the diagnostics of the site, if nothing was
    /// rebuilt since the run's copy was made. Returns whether they were taken.
    pub fn apply_site_findings(&mut self, findings: SiteFindings) -> bool {
        if findings.generation != self.generation || self.broken {
            return false;
        }
        match &mut self.state {
            Some(st) => {
                st.diagnostics = findings.diagnostics;
                true
            }
            None => false,
        }
    }

    pub fn out(&self) -> &Path {
        &self.out
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// The folders a watcher should watch for this site.
    pub fn watched(&self) -> Vec<PathBuf> {
        let mut v = vec![self.opts.root.join("content")];
        v.extend(self.opts.overlays.iter().cloned());
        let theme = self
            .state
            .as_ref()
            .map_or("default".to_string(), |s| s.site.config.theme.clone());
        v.push(self.opts.root.join("themes").join(theme));
        v.push(self.opts.root.join("templates"));
        v.push(self.opts.root.join("static"));
        v
    }

    /// The diagnostics of the last run, with the files they point into.
    pub fn diagnostics(&self) -> Option<(&[Diagnostic], &Sources)> {
        self.state
            .as_ref()
            .map(|s| (s.diagnostics.as_slice(), &s.site.sources))
    }

    /// Every file the site on disk has, by path (for the server's guard).
    pub fn published_files(&self) -> HashSet<String> {
        self.published
            .as_ref()
            .map(|p| p.files.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Whether the site on disk has this file.
    pub fn is_published(&self, path: &str) -> bool {
        self.published
            .as_ref()
            .is_some_and(|p| p.files.contains_key(path))
    }

    pub fn build_id(&self) -> Option<String> {
        self.published.as_ref().map(|p| p.build_id.clone())
    }

    /// Whether the search index is older than the pages.
    pub fn index_stale(&self) -> bool {
        self.index_stale
    }

    /// Brings the site on disk up to date. `saved` lists the paths a watcher saw change;
    /// `None` (or anything the session cannot account for) means a full load.
    pub fn rebuild(&mut self, saved: Option<&[PathBuf]>) -> Result<Rebuild, Fatal> {
        let started = Instant::now();
        let mut stats = Stats::default();
        let config_text = std::fs::read_to_string(self.opts.root.join("site.yaml")).ok();
        let plan = match (&self.state, saved, &config_text) {
            (Some(st), Some(paths), Some(text)) if *text == st.config_text => self.plan(paths),
            _ => Plan {
                kind: PlanKind::Full,
                theme: false,
                statics: true,
            },
        };
        if plan.statics {
            self.statics_dirty = true;
            // Static files may have been added or removed: list them again, keeping the
            // templates (a stylesheet edit re-renders no page).
            if let (Some((name, theme)), false) = (&mut self.theme, plan.theme)
                && let Ok(fresh) = Theme::load(&self.opts.root, name)
            {
                theme.static_files = fresh.static_files;
            }
        }
        let t = Instant::now();
        self.generation += 1;
        self.site_checks_due = false;
        let changed_assets = match plan.kind {
            PlanKind::Full => {
                stats.full = true;
                self.full_load()?;
                None
            }
            PlanKind::Saved { files, assets } => {
                if files.is_empty() && assets.is_empty() && !plan.theme && !plan.statics {
                    stats.total = started.elapsed();
                    let outcome = if self.broken {
                        Outcome::Broken
                    } else {
                        Outcome::Unchanged
                    };
                    return Ok(Rebuild { outcome, stats });
                }
                stats.files_read = files.len();
                if self.apply_saves(files, &mut stats)? {
                    Some(assets)
                } else {
                    stats.full = true;
                    self.full_load()?;
                    None
                }
            }
        };
        stats.parse = t.elapsed().saturating_sub(stats.link + stats.check);
        let theme_name = self
            .state
            .as_ref()
            .expect("loaded")
            .site
            .config
            .theme
            .clone();
        if (plan.theme || self.theme.as_ref().is_none_or(|(n, _)| *n != theme_name))
            && let Err(e) = self.load_theme(&theme_name)
        {
            self.broken = true;
            return Err(e);
        }
        let st = self.state.as_ref().expect("loaded");
        let outcome = if has_errors(&st.diagnostics, false) {
            Outcome::Broken
        } else {
            let t = Instant::now();
            let r = self.publish(changed_assets, &mut stats);
            stats.render = t.elapsed().saturating_sub(stats.write);
            match r? {
                Some(changed) => Outcome::Published { changed },
                None => Outcome::Broken,
            }
        };
        self.broken = matches!(outcome, Outcome::Broken);
        self.site_checks_due = !self.broken;
        stats.total = started.elapsed();
        Ok(Rebuild { outcome, stats })
    }

    fn load_theme(&mut self, name: &str) -> Result<(), Fatal> {
        self.theme = None;
        let theme = Theme::load(&self.opts.root, name).map_err(|d| Fatal::Diagnostics {
            message: "the theme could not be loaded".into(),
            diagnostics: d,
            sources: Box::default(),
        })?;
        self.theme = Some((name.to_string(), theme));
        // Templates may have changed: every page is rendered again (bodies stay cached).
        if let Some(p) = &mut self.published {
            p.summary.global = 0;
        }
        self.statics_dirty = true;
        Ok(())
    }

    /// Sorts the saved paths into what they touch.
    fn plan(&self, saved: &[PathBuf]) -> Plan {
        let st = self.state.as_ref().expect("state");
        let root = &self.opts.root;
        let full = Plan {
            kind: PlanKind::Full,
            theme: false,
            statics: true,
        };
        let mut files: Vec<(FileId, String)> = Vec::new();
        let mut assets: Vec<String> = Vec::new();
        let (mut theme, mut statics) = (false, false);
        let ignore = crate::source::ignore_set(&st.site.config);
        let mut content_roots = vec![root.join("content")];
        content_roots.extend(self.opts.overlays.iter().cloned());
        for raw in saved {
            let p = canonical(raw);
            if p == root.join("site.yaml") {
                continue;
            }
            if p.starts_with(root.join("themes")) {
                theme = true;
                statics = true;
                continue;
            }
            if p.starts_with(root.join("templates")) {
                theme = true;
                continue;
            }
            if p.starts_with(root.join("static")) {
                statics = true;
                continue;
            }
            let Some(croot) = content_roots.iter().find(|r| p.starts_with(r)) else {
                continue;
            };
            let rel: Vec<String> = p
                .strip_prefix(croot)
                .unwrap_or(&p)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().to_string())
                .collect();
            if rel.is_empty() {
                return full;
            }
            if rel.iter().any(|c| crate::source::is_noise(c)) || ignore.is_match(rel.join("/")) {
                continue;
            }
            if let Some(&id) = st.by_path.get(&p) {
                let Ok(bytes) = std::fs::read(&p) else {
                    return full;
                };
                if bytes.len() as u64 > st.site.config.limits.max_file_size
                    || bytes[..bytes.len().min(8192)].contains(&0)
                {
                    return full;
                }
                let Ok(text) = String::from_utf8(bytes) else {
                    return full;
                };
                files.retain(|(f, _)| *f != id);
                if text != st.site.sources.get(id).text {
                    files.push((id, text));
                }
            } else if let Some(rel) = st.assets_by_path.get(&p) {
                if !p.is_file() {
                    return full;
                }
                assets.push(rel.clone());
            } else if p.exists() || st.by_path.keys().any(|k| k.starts_with(&p)) {
                // A new file or folder, or a folder that went away with files in it.
                return full;
            }
        }
        Plan {
            kind: PlanKind::Saved { files, assets },
            theme,
            statics,
        }
    }

    fn full_load(&mut self) -> Result<(), Fatal> {
        let (report, details) = check_detailed(&self.opts, Selection::Structure)?;
        let site = report.site;
        let file_hashes: Vec<[u8; 32]> = site
            .sources
            .iter()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|(_, f)| text_hash(&f.text))
            .collect();
        let mut by_path = HashMap::new();
        for f in details.load.pages.iter().chain(&details.load.snippets) {
            by_path.insert(canonical(&site.sources.get(f.file).path), f.file);
        }
        let assets_by_path = details
            .load
            .assets
            .iter()
            .map(|a| (canonical(&a.path), a.rel_path.clone()))
            .collect();
        let acts_key = hash_of(&act_inputs(&site));
        self.state = Some(State {
            config_text: details.config_text.clone(),
            site,
            details,
            file_hashes,
            by_path,
            assets_by_path,
            acts_key,
            diagnostics: report.diagnostics,
        });
        self.statics_dirty = true;
        self.index_stale = true;
        Ok(())
    }

    /// Applies saved page and snippet texts to the last run's site, then links and checks it
    /// again. Returns false when the saves change more than texts (a page appears or goes,
    /// its front matter no longer parses, its status changes), which needs a full load.
    fn apply_saves(
        &mut self,
        files: Vec<(FileId, String)>,
        stats: &mut Stats,
    ) -> Result<bool, Fatal> {
        let opts = self.opts.clone();
        let Some(mut st) = self.state.take() else {
            return Ok(false);
        };
        let page_of_file: HashMap<FileId, usize> = st
            .site
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.file, i))
            .collect();
        let fm_of_file: HashMap<FileId, usize> = st
            .details
            .load
            .pages
            .iter()
            .enumerate()
            .map(|(k, f)| (f.file, k))
            .collect();
        // Front matter first: a page that stops (or starts) being published changes the set
        // of pages, which a full load handles.
        let mut reparsed: Vec<(usize, FrontMatterParse)> = Vec::new();
        let mut texts: Vec<(FileId, SourceFile)> = Vec::new();
        for (id, text) in files {
            let old = st.site.sources.get(id);
            let file = SourceFile::new(old.display.clone(), old.path.clone(), text);
            if let Some(&k) = fm_of_file.get(&id) {
                let p = parse_front_matter_of(&st.site.config, &file, &st.details.load.pages[k]);
                let published_now = p
                    .parsed
                    .front_matter
                    .as_ref()
                    .is_some_and(|fm| publishable(&opts, fm));
                if !published_now || !page_of_file.contains_key(&id) {
                    return Ok(false);
                }
                reparsed.push((k, p));
            }
            texts.push((id, file));
        }
        let changed: HashSet<FileId> = texts.iter().map(|(id, _)| *id).collect();
        for (id, file) in texts {
            st.file_hashes[id.0 as usize] = text_hash(&file.text);
            st.site.sources.replace(id, file);
        }
        let mut touched: BTreeSet<usize> = BTreeSet::new();
        // What other pages' links and citations resolve against: aliases, the provisions
        // legal summaries cover, the glossary's anchors. When a save changes any of them,
        // every page is resolved again.
        let resolves_against = |p: &crate::model::Page| {
            hash_of(&(
                &p.fm.aliases,
                format!("{:?}", p.fm.legal.legislation),
                format!("{:?}", p.fm.term),
                p.kind.as_str(),
            ))
        };
        // What taxonomy pages list: a page's terms, status and title (they sort by it).
        let listed_as = |p: &crate::model::Page| {
            hash_of(&(
                &p.fm.title,
                format!("{:?}", p.fm.status),
                &p.fm.tags,
                &p.fm.topics,
                &p.fm.audience,
                format!("{:?}", p.fm.practice),
            ))
        };
        let mut relink_all = false;
        let mut retaxonomise = false;
        for (k, mut p) in reparsed {
            let fm = p.parsed.front_matter.take().expect("publishable");
            let i = page_of_file[&p.file.file];
            let page = new_page(&p, fm);
            relink_all |= resolves_against(&page) != resolves_against(&st.site.pages[i]);
            retaxonomise |= listed_as(&page) != listed_as(&st.site.pages[i]);
            st.site.pages[i] = page;
            st.details.front_matter[k] = p;
            touched.insert(i);
        }
        // Pages including a saved file are expanded again too.
        for (i, p) in st.site.pages.iter().enumerate() {
            if p.body
                .segments
                .iter()
                .any(|s| s.included && changed.contains(&s.file))
            {
                touched.insert(i);
            }
        }
        // Act names come from legal summaries: when they change, any citation may.
        let acts = graph::act_table(&st.site.pages, &st.site.config);
        let acts_key = hash_of(&act_inputs(&st.site));
        let acts_changed = acts_key != st.acts_key;
        let reparse: Vec<usize> = if acts_changed {
            (0..st.site.pages.len()).collect()
        } else {
            touched.into_iter().collect()
        };
        st.acts_key = acts_key;
        stats.bodies_parsed = reparse.len();
        let includable =
            includable_files(&st.site.sources, &st.details.load.snippets, &st.site.pages);
        let site = &st.site;
        let bodies: Vec<_> = reparse
            .par_iter()
            .map(|&i| {
                parse_body(
                    &opts,
                    &site.config,
                    &site.sources,
                    &includable,
                    &acts,
                    &site.pages[i],
                )
            })
            .collect();
        for (&i, (body, doc, d)) in reparse.iter().zip(bodies) {
            st.site.pages[i].body = body;
            st.site.pages[i].headings = doc.headings.clone();
            st.site.docs[i] = doc;
            st.details.body_diagnostics[i] = d;
        }
        if opts.profile == Profile::Public {
            for (f, n) in &mut st.details.restricted_blocks {
                if changed.contains(f) {
                    *n = restricted_blocks(&st.site.sources.get(*f).text);
                }
            }
        }

        // LINK the whole site again, moving its parts rather than copying them.
        let t = Instant::now();
        let duplicates: Vec<(String, FileId)> = st
            .site
            .duplicate_files
            .iter()
            .map(|&(i, f)| (st.site.pages[i].id.clone(), f))
            .collect();
        // A page keeps its resolved links unless its text changed or it links to a page
        // whose anchors may have; citations unless its text changed.
        let reparsed: HashSet<usize> = reparse.iter().copied().collect();
        let mut reuse = graph::Reuse::default();
        if !relink_all && !acts_changed {
            let links = std::mem::take(&mut st.site.links);
            let citations = std::mem::take(&mut st.site.citations);
            reuse.links = links
                .into_iter()
                .enumerate()
                .map(|(i, l)| {
                    let stale = reparsed.contains(&i)
                        || l.iter().any(|r| match &r.target {
                            LinkTarget::Page { index, .. } => reparsed.contains(index),
                            LinkTarget::Broken(graph::LinkProblem::NoSuchAnchor {
                                page, ..
                            }) => reparsed.contains(page),
                            _ => false,
                        });
                    (!stale).then_some(l)
                })
                .collect();
            reuse.citations = citations
                .into_iter()
                .enumerate()
                .map(|(i, c)| (!reparsed.contains(&i)).then_some(c))
                .collect();
            reuse.anchors = std::mem::take(&mut st.site.anchors)
                .into_iter()
                .enumerate()
                .map(|(i, a)| (!reparsed.contains(&i)).then_some(a))
                .collect();
        }
        if !retaxonomise {
            reuse.taxonomies = Some(std::mem::take(&mut st.site.taxonomies));
        }
        let Site {
            config,
            sources,
            pages,
            docs,
            assets,
            ..
        } = st.site;
        let mut site = graph::link_reusing(
            config, sources, pages, docs, acts, assets, duplicates, reuse,
        );
        site.restricted_needles = st.details.needles();
        stats.link = t.elapsed();

        // CHECK the structure of the whole site (milliseconds); the cross-page checks are left
        // for `site_checks`.
        let t = Instant::now();
        st.diagnostics = checked_selected(
            &opts,
            &site,
            st.details.diagnostics().cloned().collect(),
            Selection::Structure,
            &|| false,
        )
        .expect("a run that is never cancelled");
        stats.check = t.elapsed();
        st.site = site;
        self.state = Some(st);
        self.index_stale = true;
        Ok(true)
    }

    /// Renders what changed since the site on disk was written and writes it. Returns the
    /// output paths written or removed, or `None` when rendering found errors (nothing is
    /// written then).
    fn publish(
        &mut self,
        changed_assets: Option<Vec<String>>,
        stats: &mut Stats,
    ) -> Result<Option<Vec<String>>, Fatal> {
        let opts = RenderOptions {
            portable: self.portable,
            static_search: false,
        };
        let portable = self.portable;
        let st = self.state.as_mut().expect("state");
        let (_, theme) = self.theme.as_ref().expect("theme");
        let site = &st.site;
        let mut lap = Lap::new();
        let old = self.published.as_ref().map(|p| &p.summary);
        let new = Summary::of(site, &st.file_hashes, theme, opts, &mut self.names, old);
        lap.at("summary");

        // What to render again: pages whose content changed; pages showing something of a
        // page whose front matter or headings changed; pages whose relations changed.
        let everything = old.is_none_or(|o| {
            o.global != new.global || o.glossary != new.glossary || o.needles != new.needles
        });
        if old.is_some_and(|o| o.glossary != new.glossary) {
            self.bodies.clear();
        }
        let mut changed: HashSet<u32> = std::mem::take(&mut self.pending);
        let mut shown_changed: HashSet<u32> = HashSet::new();
        if let Some(o) = old {
            for (i, &id) in new.ids.iter().enumerate() {
                match o.index.get(&id) {
                    Some(&k) => {
                        if o.content[k] != new.content[i] {
                            changed.insert(id);
                        }
                        if o.shown[k] != new.shown[i] {
                            shown_changed.insert(id);
                        }
                    }
                    None => {
                        changed.insert(id);
                        shown_changed.insert(id);
                    }
                }
            }
            for &id in &o.ids {
                if !new.index.contains_key(&id) {
                    changed.insert(id);
                    shown_changed.insert(id);
                }
            }
        }
        let same_pages = old.is_some_and(|o| o.ids == new.ids);
        let dirty_pages: Vec<usize> = match old {
            Some(o) if !everything => (0..site.pages.len())
                .into_par_iter()
                .filter(|&i| {
                    let id = new.ids[i];
                    let r = &new.reads[i];
                    let old_r = if same_pages {
                        Some(&o.reads[i])
                    } else {
                        o.index.get(&id).map(|&k| &o.reads[k])
                    };
                    changed.contains(&id)
                        || r.iter().any(|j| shown_changed.contains(j))
                        || old_r.is_none_or(|old_r| {
                            old_r != r || old_r.iter().any(|j| shown_changed.contains(j))
                        })
                })
                .collect(),
            _ => (0..site.pages.len()).collect(),
        };
        let want_generated = |path: &str| -> bool {
            let Some(o) = old.filter(|_| !everything) else {
                return true;
            };
            match (o.generated.get(path), new.generated.get(path)) {
                (Some(a), Some(b)) => a.0 != b.0 || b.1.iter().any(|m| shown_changed.contains(m)),
                // Search and 404 depend on site-wide inputs only.
                (None, None) => !(path == "search/index.html" || path == "404.html"),
                _ => true,
            }
        };

        lap.at("dirty");
        // RENDER the pages, reusing cached bodies.
        let cx = render::view_context(site, theme, opts);
        let bodies = &self.bodies;
        let rendered: Vec<_> = dirty_pages
            .par_iter()
            .map(|&i| {
                let key = body_key(site, i, portable);
                let (body, fresh) = match bodies.get(&site.pages[i].id) {
                    Some((k, html)) if *k == key => (html.clone(), None),
                    _ => {
                        let html = render::html::body_html(site, i, portable).html;
                        (html.clone(), Some((key, html)))
                    }
                };
                (i, render::render_page(&cx, theme, i, body), fresh)
            })
            .collect();
        stats.pages_rendered = rendered.len();
        let mut files: Vec<OutputFile> = Vec::with_capacity(rendered.len() + 16);
        let mut render_errors = Vec::new();
        for (i, r, fresh) in rendered {
            if let Some(b) = fresh {
                self.bodies.insert(site.pages[i].id.clone(), b);
            }
            match r {
                Ok(f) => files.push(f),
                Err(d) => render_errors.push(*d),
            }
        }
        lap.at("pages");
        let page_paths: HashSet<String> = site
            .pages
            .iter()
            .map(|p| crate::model::url::output_file(&p.id))
            .collect();
        let generated_paths = std::cell::RefCell::new(Vec::new());
        let (generated, diags) = render::render_generated(site, theme, opts, &|p| {
            if page_paths.contains(p) {
                return false;
            }
            generated_paths.borrow_mut().push(p.to_string());
            want_generated(p)
        });
        stats.generated_rendered = generated.len();
        render_errors.extend(diags);
        render_errors.extend(render::check_brand_logo(site, theme));
        if !render_errors.is_empty() {
            st.diagnostics.extend(render_errors);
            crate::diag::sort_and_dedup(&mut st.diagnostics, &site.sources);
            self.pending = changed;
            return Ok(None);
        }
        files.extend(generated);
        files.extend(render::extra_files(site));

        // Restricted text must not reach any output. When the restricted text itself
        // changed, everything was rendered again above, so every file is scanned.
        if let Some((path, needle)) = crate::write::find_leak(&files, &site.restricted_needles) {
            st.diagnostics.push(
                Diagnostic::error("restricted-content", format!("restricted text would be published in `{path}`: \"{needle}\""))
                    .help("mark the text `visibility: restricted` or wrap it in <!-- waymark-restricted --> markers where it is written"),
            );
            self.pending = changed;
            return Ok(None);
        }

        lap.at("generated");
        // Everything the folder should hold. As in a full build, theme and site static files
        // take a path over rendered files, and content assets over both.
        let mut rendered_paths: BTreeSet<String> = page_paths.into_iter().collect();
        rendered_paths.extend(generated_paths.into_inner());
        let mut expected = rendered_paths.clone();
        if cx.offline {
            expected.insert("sw.js".into());
        }
        expected.extend(render::extra_files(site).into_iter().map(|f| f.path));
        let first_write = self.published.is_none();
        let mut overriding: Vec<OutputFile> = Vec::new();
        for (rel, src) in &theme.static_files {
            expected.insert(rel.clone());
            if self.statics_dirty || first_write {
                let bytes = match src {
                    render::theme::StaticSource::Embedded(b) => b.to_vec(),
                    render::theme::StaticSource::Disk(p) => std::fs::read(p)
                        .map_err(|e| Fatal::Message(format!("cannot read {}: {e}", p.display())))?,
                };
                overriding.push(OutputFile {
                    path: rel.clone(),
                    bytes,
                });
            }
        }
        for (rel, src) in &site.assets {
            expected.insert(rel.clone());
            if changed_assets
                .as_ref()
                .is_none_or(|list| list.contains(rel))
            {
                let bytes = std::fs::read(src)
                    .map_err(|e| Fatal::Message(format!("cannot read {}: {e}", src.display())))?;
                overriding.push(OutputFile {
                    path: rel.clone(),
                    bytes,
                });
            }
        }
        let overridden: HashSet<String> = overriding.iter().map(|f| f.path.clone()).collect();
        files.retain(|f| !overridden.contains(&f.path));
        files.extend(overriding);

        lap.at("expected");
        // WRITE what differs.
        let t = Instant::now();
        if first_write {
            prepare_out(&self.out)?;
        }
        let (mut on_disk, old_build_id, old_stale) = match self.published.take() {
            Some(p) => (p.files, Some(p.build_id), p.manifest_stale),
            None => (BTreeMap::new(), None, true),
        };
        let hashed: Vec<(OutputFile, [u8; 32])> = files
            .into_par_iter()
            .map(|f| {
                let h = render::sha256(&f.bytes);
                (f, h)
            })
            .collect();
        let mut written = Vec::new();
        for (f, h) in hashed {
            if on_disk.get(&f.path).is_some_and(|e| e.sha == h) {
                continue;
            }
            write_atomic(&self.out, &f.path, &f.bytes).map_err(Fatal::Message)?;
            on_disk.insert(
                f.path.clone(),
                Entry {
                    size: f.bytes.len() as u64,
                    sha: h,
                },
            );
            written.push(f.path);
        }
        lap.at("write");
        // The offline worker names a version made from every rendered file.
        if cx.offline {
            let hashes: Vec<(&str, [u8; 32])> = rendered_paths
                .iter()
                .filter_map(|p| Some((p.as_str(), on_disk.get(p)?.sha)))
                .collect();
            let sw = render::service_worker_file(&hashes, theme);
            let h = render::sha256(&sw.bytes);
            if on_disk.get(&sw.path).is_none_or(|e| e.sha != h) {
                write_atomic(&self.out, &sw.path, &sw.bytes).map_err(Fatal::Message)?;
                on_disk.insert(
                    sw.path.clone(),
                    Entry {
                        size: sw.bytes.len() as u64,
                        sha: h,
                    },
                );
                written.push(sw.path);
            }
        }
        stats.files_written = written.len();
        let index_dir = format!("{}/", crate::index::query::INDEX_DIR);
        let gone: Vec<String> = on_disk
            .keys()
            .filter(|p| !expected.contains(*p) && !p.starts_with(&index_dir))
            .cloned()
            .collect();
        for p in &gone {
            on_disk.remove(p);
            let _ = std::fs::remove_file(self.out.join(p));
            remove_empty_parents(&self.out, p);
        }
        stats.files_removed = gone.len();
        written.extend(gone);
        self.statics_dirty = false;

        lap.at("worker");
        let build_id = {
            let hashes = &st.file_hashes;
            let inputs = build_inputs(site, &self.opts, portable, &|id, _| hashes[id.0 as usize]);
            hex::encode(&Sha256::digest(&inputs)[..16])
        };
        stats.write = t.elapsed();
        let manifest_stale =
            old_stale || !written.is_empty() || old_build_id.as_deref() != Some(&build_id);
        self.published = Some(Published {
            summary: new,
            files: on_disk,
            build_id,
            manifest_stale,
        });
        if first_write {
            self.flush_manifest()?;
        }
        Ok(Some(written))
    }

    /// Writes `manifest.json` if files changed since it was last written. Rebuilds leave it
    /// for when the preview is idle: nothing served depends on it.
    pub fn flush_manifest(&mut self) -> Result<(), Fatal> {
        let Some(p) = &mut self.published else {
            return Ok(());
        };
        if p.manifest_stale {
            write_manifest(&self.out, &p.build_id, self.opts.profile, &p.files)?;
            p.manifest_stale = false;
        }
        Ok(())
    }

    /// Builds the search index of the current site into the folder, replacing the old one.
    /// The server asks for it when a search arrives after an edit.
    pub fn refresh_index(&mut self) -> Result<(), String> {
        let Some(st) = &self.state else {
            return Ok(());
        };
        let Some(published) = &mut self.published else {
            return Ok(());
        };
        let tmp = self.out.join(".waymark-index-next");
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
        // The static index is for `build` only: far too slow for the edit-preview loop.
        let opts = crate::index::IndexOptions {
            static_search: false,
            portable: self.portable,
            theme: self.theme.as_ref().map(|(_, theme)| theme),
        };
        crate::index::build(&st.site, &tmp, &opts)?;
        let name = crate::index::query::INDEX_DIR;
        let live = self.out.join(name);
        let old = self.out.join(".waymark-index-old");
        let _ = std::fs::remove_dir_all(&old);
        if live.exists() {
            std::fs::rename(&live, &old).map_err(|e| e.to_string())?;
        }
        if tmp.join(name).exists() {
            std::fs::rename(tmp.join(name), &live).map_err(|e| e.to_string())?;
        }
        let _ = std::fs::remove_dir_all(&old);
        let _ = std::fs::remove_dir_all(&tmp);
        let prefix = format!("{name}/");
        published.files.retain(|p, _| !p.starts_with(&prefix));
        if live.is_dir() {
            for e in walkdir::WalkDir::new(&live).sort_by_file_name() {
                let e = e.map_err(|e| e.to_string())?;
                if e.file_type().is_file() {
                    let rel = e
                        .path()
                        .strip_prefix(&self.out)
                        .map_err(|e| e.to_string())?
                        .to_string_lossy()
                        .replace('\\', "/");
                    let bytes = std::fs::read(e.path()).map_err(|e| e.to_string())?;
                    published.files.insert(
                        rel,
                        Entry {
                            size: bytes.len() as u64,
                            sha: render::sha256(&bytes),
                        },
                    );
                }
            }
        }
        published.manifest_stale = true;
        self.flush_manifest().map_err(|e| e.to_string())?;
        self.index_stale = false;
        Ok(())
    }
}

/// With `WAYMARK_TIMINGS=1` (as for the build's stages), prints where a publish spends its
/// time.
struct Lap(Option<Instant>);

impl Lap {
    fn new() -> Lap {
        Lap(std::env::var_os("WAYMARK_TIMINGS").map(|_| Instant::now()))
    }

    fn at(&mut self, what: &str) {
        if let Some(t) = self.0 {
            eprintln!(
                "timing: publish {what:<10} {:>8.1} ms",
                t.elapsed().as_secs_f64() * 1000.0
            );
            self.0 = Some(Instant::now());
        }
    }
}

/// The session's folder starts empty (or as the session left it).
fn prepare_out(out: &Path) -> Result<(), Fatal> {
    if out.exists() {
        let non_empty = std::fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
        if non_empty && Manifest::read(out).is_err() {
            return Err(Fatal::Message(format!(
                "refusing to write the preview into {}: it is not empty and Waymark did not create it",
                out.display()
            )));
        }
        std::fs::remove_dir_all(out)
            .map_err(|e| Fatal::Message(format!("cannot clear {}: {e}", out.display())))?;
    }
    std::fs::create_dir_all(out)
        .map_err(|e| Fatal::Message(format!("cannot create {}: {e}", out.display())))
}

fn remove_empty_parents(out: &Path, rel: &str) {
    let mut p = out.join(rel);
    while let Some(parent) = p.parent() {
        if parent == out || std::fs::remove_dir(parent).is_err() {
            break;
        }
        p = parent.to_path_buf();
    }
}

fn write_manifest(
    out: &Path,
    build_id: &str,
    profile: Profile,
    files: &BTreeMap<String, Entry>,
) -> Result<(), Fatal> {
    let m = Manifest {
        generator: format!("waymark {}", env!("CARGO_PKG_VERSION")),
        build_id: build_id.to_string(),
        profile: match profile {
            Profile::Public => "public".into(),
            Profile::Internal => "internal".into(),
        },
        files: files
            .iter()
            .map(|(path, e)| ManifestEntry {
                path: path.clone(),
                size: e.size,
                sha256: hex::encode(e.sha),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&m).map_err(|e| Fatal::Message(e.to_string()))?;
    s.push('\n');
    write_atomic(out, crate::write::MANIFEST, s.as_bytes()).map_err(Fatal::Message)
}

/// The act names legal summaries and `site.yaml` declare, which citation recognition uses.
fn act_inputs(site: &Site) -> Vec<(String, Vec<String>)> {
    let mut v: Vec<(String, Vec<String>)> = site
        .pages
        .iter()
        .filter_map(|p| p.fm.legal.legislation.as_ref())
        .map(|l| (l.act.clone(), l.short.clone()))
        .collect();
    v.extend(site.config.acts.iter().cloned());
    v
}

struct Plan {
    kind: PlanKind,
    theme: bool,
    statics: bool,
}

enum PlanKind {
    Full,
    /// Texts of existing content files, and content assets, that changed.
    Saved {
        files: Vec<(FileId, String)>,
        assets: Vec<String>,
    },
}
