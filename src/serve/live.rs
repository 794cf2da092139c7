//! `waymark serve`: the editors' live preview. The site is built into a private folder (never
//! the site's `public/`), served by the same stack as a mirror, and kept up to date by a
//! [`Session`] as files are saved: a watcher (notify, debounced; editors that save by writing
//! a new file and renaming it over the old one are covered, since the session compares what
//! is on disk) hands the saved paths to the session, which rebuilds only what they affect.
//!
//! Open pages hear about it over server-sent events from a small script the server adds to
//! every page (`/__waymark/live.js`, served by the site itself, so the CSP stays `'self'`).
//! A page reloads when it, or a stylesheet, script or image, changed. A save with errors
//! writes nothing: the last good site stays, and every open page shows the errors (file,
//! line, column, message) in an overlay until they are fixed.
//!
//! Two phases per save, so that the page is served within milliseconds on a large site: the
//! session publishes once loading, parsing, linking and the structure checks pass (the errors
//! that keep the last good page), then the cross-page checks (contradictions, drifted copies,
//! glossary usage: seconds on ten thousand pages) run in the background on a copy of the site,
//! on low-priority threads, and their errors join the overlay when they arrive. A newer save
//! cancels a run that is still going (between checks) and discards what it found.

use super::generation::{Generation, Shared};
use super::{Listen, http};
use crate::cli::SiteArgs;
use crate::diag::{self, Format, RenderOptions as DiagOptions};
use crate::pipeline::session::{Outcome, Rebuild, Session, SiteChecks};
use crate::pipeline::{Fatal, Options};
use axum::Router;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, VecDeque};
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

const LIVE_JS: &str = include_str!("live.js");
const LIVE_CSS: &str = include_str!("live.css");
/// How long the watcher waits for a burst of saves to settle.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// How long the site must be quiet before the search index is brought up to date.
const INDEX_IDLE: Duration = Duration::from_millis(750);
/// Most change lists kept for pages that reconnect after missing some.
const HISTORY: usize = 64;

/// What open pages are told.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Status {
    /// Goes up with every site written.
    pub version: u64,
    /// False while the last save has errors (the last good site is still served).
    pub ok: bool,
    /// What went wrong when there are no diagnostics to show (a template that will not load).
    pub message: Option<String>,
    /// The errors, as `waymark check --format json` reports them (file, line, column ...).
    /// With `ok` false: the errors that keep the last good site served. With `ok` true: errors
    /// the cross-page checks found in the site as served (`waymark build` would refuse it).
    pub diagnostics: Vec<serde_json::Value>,
    pub warnings: usize,
    /// The cross-page checks of the current version are still running.
    pub checking: bool,
}

/// The reload channel.
pub struct Live {
    status: watch::Sender<Status>,
    /// (version, output paths changed; `None` for everything).
    history: Mutex<VecDeque<(u64, Option<BTreeSet<String>>)>>,
    closing: watch::Sender<bool>,
    session: Arc<Mutex<Session>>,
    /// Whether a good site has been written yet.
    has_site: std::sync::atomic::AtomicBool,
    /// The session's generation as of its last rebuild: a background run of an older one
    /// stops.
    generation: AtomicU64,
    /// The next whole-site checks to run; a newer one replaces one not yet started.
    pending_checks: Mutex<Option<SiteChecks>>,
    checks_ready: Condvar,
}

#[derive(Serialize)]
struct Message<'a> {
    #[serde(flatten)]
    status: &'a Status,
    /// Output paths changed since the version the page has; `null` for "everything".
    changed: Option<Vec<String>>,
}

impl Live {
    fn changed_since(&self, since: u64, now: u64) -> Option<Vec<String>> {
        if since >= now {
            return Some(Vec::new());
        }
        let h = self.history.lock().unwrap_or_else(|e| e.into_inner());
        if h.front().is_none_or(|(v, _)| *v > since + 1) {
            return None;
        }
        let mut all = BTreeSet::new();
        for (v, c) in h.iter() {
            if *v > since && *v <= now {
                all.extend(c.as_ref()?.iter().cloned());
            }
        }
        Some(all.into_iter().collect())
    }

    fn message(&self, status: &Status, since: u64) -> String {
        serde_json::to_string(&Message {
            status,
            changed: self.changed_since(since, status.version),
        })
        .unwrap_or_default()
    }

    fn published(&self, changed: Option<BTreeSet<String>>) {
        self.has_site
            .store(true, std::sync::atomic::Ordering::Release);
        // The change list goes first, so a page woken by the new version finds it.
        let version = self.status.borrow().version + 1;
        {
            let mut h = self.history.lock().unwrap_or_else(|e| e.into_inner());
            h.push_back((version, changed));
            while h.len() > HISTORY {
                h.pop_front();
            }
        }
        self.status.send_modify(|s| {
            s.version = version;
            s.ok = true;
            s.message = None;
            s.diagnostics.clear();
            s.checking = true;
        });
    }

    /// Hands the whole-site checks of a new generation to the background runner.
    fn queue_checks(&self, checks: SiteChecks) {
        let mut slot = self
            .pending_checks
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        *slot = Some(checks);
        self.checks_ready.notify_one();
    }

    /// The background run's errors (JSON) and warning count, for the version served.
    fn site_checked(&self, errors: Vec<serde_json::Value>, warnings: usize) {
        self.status.send_modify(|s| {
            if s.ok {
                s.diagnostics = errors;
            }
            s.warnings = warnings;
            s.checking = false;
        });
    }

    fn broken(
        &self,
        message: Option<String>,
        diagnostics: Vec<serde_json::Value>,
        warnings: usize,
    ) {
        self.status.send_modify(|s| {
            s.ok = false;
            s.message = message;
            s.diagnostics = diagnostics;
            s.warnings = warnings;
            s.checking = false;
        });
    }

    fn warnings(&self, n: usize) {
        self.status.send_if_modified(|s| {
            let changed = s.warnings != n;
            s.warnings = n;
            changed
        });
    }

    pub fn version(&self) -> u64 {
        self.status.borrow().version
    }

    /// Adds the reload script to a page.
    pub async fn inject(&self, resp: Response) -> Response {
        let html = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        if !html || !(resp.status() == StatusCode::OK || resp.status() == StatusCode::NOT_FOUND) {
            return resp;
        }
        let (mut parts, body) = resp.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
            return http::plain(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the page\n");
        };
        if bytes.is_empty() {
            return Response::from_parts(parts, Body::from(bytes));
        }
        let page = String::from_utf8_lossy(&bytes);
        let tag = script_tag(self.version());
        let out = match page.rfind("</body>") {
            Some(i) => format!("{}{tag}{}", &page[..i], &page[i..]),
            None => format!("{page}{tag}"),
        };
        // The page now differs from the file: no validators, and always asked for again.
        for h in [
            header::CONTENT_LENGTH,
            header::ETAG,
            header::LAST_MODIFIED,
            header::ACCEPT_RANGES,
        ] {
            parts.headers.remove(h);
        }
        parts
            .headers
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        Response::from_parts(parts, Body::from(out))
    }

    /// Makes sure the search index matches the pages before a search runs.
    pub async fn fresh_index(&self, shared: &Shared) {
        let session = self.session.clone();
        let stale = session.lock().map(|s| s.index_stale()).unwrap_or(false);
        if !stale {
            return;
        }
        let refreshed = tokio::task::spawn_blocking(move || refresh_index(&session)).await;
        if let Ok(Some(g)) = refreshed {
            shared.publish(g);
        }
    }
}

fn script_tag(version: u64) -> String {
    format!("<script src=\"/__waymark/live.js\" data-version=\"{version}\" defer></script>")
}

/// Rebuilds the search index if it is stale; returns the generation to serve with it.
fn refresh_index(session: &Mutex<Session>) -> Option<Generation> {
    let mut s = session.lock().ok()?;
    if !s.index_stale() {
        return None;
    }
    if let Err(e) = s.refresh_index() {
        eprintln!("warning: the search index could not be rebuilt: {e}");
        return None;
    }
    Some(generation(&s))
}

fn generation(s: &Session) -> Generation {
    Generation::new(
        s.build_id().unwrap_or_default(),
        Arc::new(s.published_files()),
        s.out(),
    )
}

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__waymark/live.js", get(live_js))
        .route("/__waymark/live.css", get(live_css))
        .route("/__waymark/events", get(events))
        .route("/__waymark/status", get(status))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

async fn live_js() -> Response {
    asset("text/javascript; charset=utf-8", LIVE_JS)
}

async fn live_css() -> Response {
    asset("text/css; charset=utf-8", LIVE_CSS)
}

async fn status(State(shared): State<Arc<Shared>>) -> Response {
    let Some(live) = &shared.live else {
        return http::plain(StatusCode::NOT_FOUND, "not found\n");
    };
    let s = live.status.borrow().clone();
    http::json(StatusCode::OK, &s)
}

#[derive(Deserialize)]
struct EventsParams {
    since: Option<u64>,
}

async fn events(State(shared): State<Arc<Shared>>, Query(p): Query<EventsParams>) -> Response {
    let Some(live) = shared.live.clone() else {
        return http::plain(StatusCode::NOT_FOUND, "not found\n");
    };
    let rx = live.status.subscribe();
    let closing = live.closing.subscribe();
    let since = p.since.unwrap_or(0);
    // The first message says where the page stands; then one per change.
    let stream = futures_util::stream::unfold(
        (rx, closing, since, true, live),
        |(mut rx, mut closing, since, first, live)| async move {
            if *closing.borrow() {
                return None;
            }
            if !first {
                tokio::select! {
                    r = rx.changed() => if r.is_err() { return None; },
                    _ = closing.changed() => return None,
                }
            }
            let status = rx.borrow_and_update().clone();
            let data = live.message(&status, since);
            let next = status.version.max(since);
            Some((
                Ok::<_, Infallible>(Event::default().event("state").data(data)),
                (rx, closing, next, false, live),
            ))
        },
    );
    let mut r = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The diagnostics of the last run as the overlay shows them: errors in JSON, and the count
/// of warnings. Also printed on the terminal.
fn report(session: &Session, quiet: bool) -> (Vec<serde_json::Value>, usize) {
    let Some((diags, sources)) = session.diagnostics() else {
        return (Vec::new(), 0);
    };
    let rules = crate::check::rules();
    let opts = DiagOptions {
        color: false,
        show_suppressed: false,
        files_checked: sources.len().saturating_sub(1),
        rules: &rules,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    let counts = diag::count(diags);
    let errors: Vec<crate::diag::Diagnostic> = diags
        .iter()
        .filter(|d| d.suppressed.is_none() && d.severity == crate::diag::Severity::Error)
        .cloned()
        .collect();
    if !quiet && !errors.is_empty() {
        let term = DiagOptions {
            color: std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
            ..opts
        };
        eprint!("{}", diag::render(&errors, sources, Format::Human, &term));
    }
    let json = diag::render(&errors, sources, Format::Json, &opts);
    let list = serde_json::from_str::<serde_json::Value>(&json)
        .ok()
        .and_then(|v| v.get("diagnostics").and_then(|d| d.as_array()).cloned())
        .unwrap_or_default();
    (list, counts.warnings)
}

fn fatal_text(e: &Fatal) -> (String, Vec<serde_json::Value>) {
    match e {
        Fatal::Message(m) => (m.clone(), Vec::new()),
        Fatal::Diagnostics {
            message,
            diagnostics,
            ..
        } => (
            message.clone(),
            diagnostics
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "check": d.check, "severity": d.severity.as_str(), "message": d.message,
                        "file": null, "line": null, "column": null, "help": d.help,
                    })
                })
                .collect(),
        ),
    }
}

/// Applies a rebuild's outcome to what is served and what pages are told.
fn settle(shared: &Shared, live: &Live, session: &Session, r: Result<Rebuild, Fatal>, quiet: bool) {
    match r {
        Ok(Rebuild {
            outcome: Outcome::Published { changed },
            stats,
        }) => {
            let current = shared.current();
            // The file list only changes when files come or go.
            let files = if changed
                .iter()
                .all(|p| current.files.contains(p) == session.is_published(p))
                && live.has_site.load(std::sync::atomic::Ordering::Acquire)
            {
                current.files.clone()
            } else {
                Arc::new(session.published_files())
            };
            // Keep serving the open index until it is rebuilt (on the next search, or when
            // the site is quiet).
            shared.publish(Generation {
                build_id: session.build_id().unwrap_or_default(),
                files,
                search: current.search.clone(),
                search_fatal: current.search_fatal,
                results: current.results.clone(),
            });
            let (_, warnings) = report(session, true);
            live.warnings(warnings);
            let list = if changed.len() > 500 {
                None
            } else {
                Some(changed.iter().cloned().collect())
            };
            if !changed.is_empty() || !live.has_site.load(std::sync::atomic::Ordering::Acquire) {
                live.published(list);
            } else if !live.status.borrow().ok {
                // Fixed back to exactly the last good site: nothing to reload, but the
                // overlay goes.
                live.status.send_modify(|s| {
                    s.ok = true;
                    s.message = None;
                    s.diagnostics.clear();
                    s.checking = true;
                });
            }
            if !quiet {
                let ms = |d: Duration| d.as_secs_f64() * 1000.0;
                eprintln!(
                    "Rebuilt in {} ms{} (parse {:.0}, link {:.0}, check {:.0}, render {:.0}, write {:.0}): {} pages rendered, {} files written{}",
                    stats.total.as_millis(),
                    if stats.full { ", full" } else { "" },
                    ms(stats.parse),
                    ms(stats.link),
                    ms(stats.check),
                    ms(stats.render),
                    ms(stats.write),
                    stats.pages_rendered,
                    stats.files_written,
                    if warnings > 0 {
                        format!(", {warnings} warnings (waymark check lists them)")
                    } else {
                        String::new()
                    }
                );
            }
        }
        Ok(Rebuild {
            outcome: Outcome::Broken,
            ..
        }) => {
            let (errors, warnings) = report(session, quiet);
            if !quiet {
                eprintln!(
                    "{} errors: the last good site is still served",
                    errors.len()
                );
            }
            live.broken(None, errors, warnings);
        }
        Ok(Rebuild {
            outcome: Outcome::Unchanged,
            ..
        }) => {}
        Err(e) => {
            let (message, diagnostics) = fatal_text(&e);
            eprintln!("error: {message}");
            for d in &diagnostics {
                if let Some(m) = d.get("message").and_then(|m| m.as_str()) {
                    eprintln!("  {m}");
                }
            }
            live.broken(Some(message), diagnostics, 0);
        }
    }
}

/// Collects saved paths from the watcher and rebuilds, one batch at a time.
fn rebuild_loop(
    rx: std::sync::mpsc::Receiver<Vec<PathBuf>>,
    shared: Arc<Shared>,
    live: Arc<Live>,
    quiet: bool,
) {
    loop {
        let first = match rx.recv_timeout(INDEX_IDLE) {
            Ok(p) => p,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if let Ok(mut s) = live.session.lock()
                    && let Err(e) = s.flush_manifest()
                {
                    eprintln!("warning: {e}");
                }
                if let Some(g) = refresh_index(&live.session) {
                    shared.publish(g);
                }
                continue;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        let mut paths: BTreeSet<PathBuf> = first.into_iter().collect();
        while let Ok(more) = rx.try_recv() {
            paths.extend(more);
        }
        let paths: Vec<PathBuf> = paths.into_iter().collect();
        let Ok(mut session) = live.session.lock() else {
            return;
        };
        let r = session.rebuild(Some(&paths));
        settle(&shared, &live, &session, r, quiet);
        start_site_checks(&live, &mut session);
    }
}

/// After a rebuild: stops a background run of an older generation, and queues the checks of
/// the new one if it was published. The copy of the site is made here, after the page is
/// served, so it costs the save nothing.
fn start_site_checks(live: &Live, session: &mut Session) {
    live.generation
        .store(session.generation(), Ordering::Release);
    if let Some(checks) = session.site_checks() {
        live.queue_checks(checks);
    }
}

/// Runs the whole-site checks handed over by [`start_site_checks`], one generation at a
/// time, on threads of low priority so that a save being built meanwhile keeps the cores.
fn site_checks_loop(live: Arc<Live>, quiet: bool) {
    let pool = match rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("waymark-site-checks-{i}"))
        .start_handler(|_| lower_priority())
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("warning: the cross-page checks cannot run in the background: {e}");
            return;
        }
    };
    loop {
        let checks = {
            let mut slot = live
                .pending_checks
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            loop {
                if *live.closing.borrow() {
                    return;
                }
                if let Some(c) = slot.take() {
                    break c;
                }
                slot = live
                    .checks_ready
                    .wait_timeout(slot, Duration::from_millis(500))
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
        };
        let generation = checks.generation();
        let started = Instant::now();
        let stale = || live.generation.load(Ordering::Acquire) != generation;
        let Some(found) = pool.install(|| checks.run(&stale)) else {
            continue;
        };
        let Ok(mut session) = live.session.lock() else {
            return;
        };
        if !session.apply_site_findings(found) {
            continue;
        }
        let (errors, warnings) = report(&session, quiet);
        if !quiet {
            eprintln!(
                "Checked the whole site in {} ms: {} errors{}",
                started.elapsed().as_millis(),
                errors.len(),
                if warnings > 0 {
                    format!(", {warnings} warnings (waymark check lists them)")
                } else {
                    String::new()
                }
            );
        }
        live.site_checked(errors, warnings);
    }
}

/// Lowers the calling thread's scheduling priority (Linux: the nice value is per thread).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let tid = rustix::thread::gettid();
        let _ = rustix::process::setpriority_process(Some(tid), 19);
    }
}

/// Watches the site's inputs; each settled burst of events becomes one batch of paths.
fn watch(
    root: &Path,
    folders: &[PathBuf],
    tx: std::sync::mpsc::Sender<Vec<PathBuf>>,
) -> Result<
    notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    String,
> {
    use notify::RecursiveMode;
    let root_c = root.to_path_buf();
    let handler = move |res: notify_debouncer_full::DebounceEventResult| {
        let mut paths = Vec::new();
        match res {
            Ok(events) => {
                for e in events {
                    // Reading a file (as the rebuild itself does) changes nothing.
                    if matches!(e.kind, notify::EventKind::Access(_)) {
                        continue;
                    }
                    if e.need_rescan() {
                        // Events were lost: the session cannot know what changed.
                        paths.push(root_c.join("content"));
                    }
                    paths.extend(e.paths.iter().cloned());
                }
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: watching files: {e}");
                }
                paths.push(root_c.join("content"));
            }
        }
        if !paths.is_empty() {
            let _ = tx.send(paths);
        }
    };
    let mut d =
        notify_debouncer_full::new_debouncer(DEBOUNCE, Some(Duration::from_millis(5)), handler)
            .map_err(|e| format!("cannot watch the site's files: {e}"))?;
    // The root itself only for site.yaml (and folders appearing): not recursively, so the
    // output folder and build artefacts beside it are not watched.
    d.watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    for f in folders {
        if f.is_dir() {
            d.watch(f, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", f.display()))?;
        }
    }
    Ok(d)
}

pub fn run(
    runtime: &tokio::runtime::Runtime,
    root: &Path,
    quiet: bool,
    site: SiteArgs,
    listen: Listen,
) -> ExitCode {
    let tmp = match tempfile::Builder::new()
        .prefix("waymark-preview-")
        .tempdir()
    {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot create a folder for the preview: {e}");
            return ExitCode::from(2);
        }
    };
    let out = tmp.path().join("site");
    let opts = Options {
        root: root.to_path_buf(),
        overlays: site.overlays.clone(),
        drafts: site.drafts,
        today: site.today,
        profile: site.profile,
        ..Options::default()
    };
    let mut session = Session::new(opts, out.clone());
    let first = session.rebuild(None);
    if let Err(Fatal::Message(m)) = &first {
        // No site at all (no site.yaml): nothing to preview.
        eprintln!("error: {m}");
        return ExitCode::from(2);
    }
    let max_query = crate::pipeline::load_config(session.root(), &mut Default::default())
        .map(|(c, _)| c.limits.max_query_length)
        .unwrap_or(crate::config::Limits::default().max_query_length);
    let folders = session.watched();
    let watched_root = session.root().to_path_buf();
    let (closing, _) = watch::channel(false);
    let session = Arc::new(Mutex::new(session));
    let live = Arc::new(Live {
        status: watch::channel(Status {
            ok: true,
            ..Status::default()
        })
        .0,
        history: Mutex::new(VecDeque::new()),
        closing,
        session: session.clone(),
        has_site: std::sync::atomic::AtomicBool::new(false),
        generation: AtomicU64::new(0),
        pending_checks: Mutex::new(None),
        checks_ready: Condvar::new(),
    });
    let empty = Generation::new(String::new(), Arc::default(), &out);
    let mut shared = Shared::new(out.clone(), empty, false, max_query);
    shared.live = Some(live.clone());
    let shared = Arc::new(shared);
    {
        let mut s = session.lock().unwrap_or_else(|e| e.into_inner());
        settle(&shared, &live, &s, first, quiet);
        start_site_checks(&live, &mut s);
    }
    {
        let live = live.clone();
        std::thread::spawn(move || site_checks_loop(live, quiet));
    }

    let (tx, rx) = std::sync::mpsc::channel();
    let debouncer = match watch(&watched_root, &folders, tx) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    {
        let (shared, live) = (shared.clone(), live.clone());
        std::thread::spawn(move || rebuild_loop(rx, shared, live, quiet));
    }

    runtime.block_on(async move {
        let listener = match listen.bind().await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let url = super::url_of(&listener);
        eprintln!(
            "Serving the live preview of {} at {url}\nPages reload when you save; stop with Ctrl-C.",
            watched_root.display()
        );
        if listen.open {
            super::open_browser(&url);
        }
        let app = http::router(shared.clone(), routes());
        let stop = {
            let live = live.clone();
            async move {
                super::shutdown_signal().await;
                let _ = live.closing.send(true);
            }
        };
        http::serve(listener, app, stop, Duration::from_secs(2)).await;
        drop(debouncer);
        eprintln!("Stopped.");
        ExitCode::SUCCESS
    })
}

/// A page for any path while the site has never built: the overlay shows why.
pub fn no_site_yet(live: &Live) -> Option<Response> {
    if live.has_site.load(std::sync::atomic::Ordering::Acquire) {
        return None;
    }
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Waymark live preview</title></head><body><main><h1>The site has not built yet</h1><p>Fix the errors shown and save: this page reloads by itself.</p></main>{}</body></html>\n",
        script_tag(live.version())
    );
    let mut r = (StatusCode::SERVICE_UNAVAILABLE, page).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Some(r)
}
