//! Both servers, started as `waymark serve` on a free loopback port and spoken to over HTTP:
//! pages, headers, traversal, bounds, search, a deploy swapped in under load, and the live
//! preview following saves.

use crate::support::*;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::header::HeaderMap;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A `waymark serve` process; killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
    stdout: Arc<Mutex<String>>,
}

impl Server {
    fn start(root: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_waymark"))
            .arg("--root")
            .arg(root)
            .arg("serve")
            .args(["--port", "0"])
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start waymark serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let stdout = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        {
            let err = BufReader::new(child.stderr.take().unwrap());
            let log = stderr.clone();
            std::thread::spawn(move || {
                for line in err.lines().map_while(Result::ok) {
                    if let Some(i) = line.find("http://") {
                        let a = line[i + 7..].split('/').next().unwrap().to_string();
                        let _ = tx.send(a);
                    }
                    log.lock().unwrap().push_str(&format!("{line}\n"));
                }
            });
        }
        {
            let out = BufReader::new(child.stdout.take().unwrap());
            let log = stdout.clone();
            std::thread::spawn(move || {
                for line in out.lines().map_while(Result::ok) {
                    log.lock().unwrap().push_str(&format!("{line}\n"));
                }
            });
        }
        let addr = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(a) => a.parse().unwrap(),
            Err(_) => {
                let _ = child.kill();
                panic!("the server did not start:\n{}", stderr.lock().unwrap());
            }
        };
        Server {
            child,
            addr,
            stderr,
            stdout,
        }
    }

    fn get(&self, target: &str) -> Resp {
        self.request("GET", target, &[])
    }

    fn request(&self, method: &str, target: &str, headers: &[(&str, &str)]) -> Resp {
        runtime()
            .block_on(fetch(self.addr, method, target, headers))
            .unwrap_or_else(|e| panic!("{method} {target}: {e}"))
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[derive(Debug)]
struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Resp {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn fetch(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
) -> Result<Resp, String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let mut req = Request::builder()
        .method(method)
        .uri(target)
        .header("host", addr.to_string());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Empty::<Bytes>::new()).map_err(|e| e.to_string())?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
    Ok(Resp {
        status: parts.status,
        headers: parts.headers,
        body,
    })
}

fn built_site() -> TestSite {
    let site = TestSite::fixture("core/clean");
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    site
}

fn assert_security_headers(r: &Resp) {
    let csp = r.header("content-security-policy");
    assert!(csp.contains("default-src 'self'"), "CSP: {csp}");
    assert!(csp.contains("frame-ancestors 'self'"), "CSP: {csp}");
    assert!(
        !csp.contains("http"),
        "the CSP allows only the site itself: {csp}"
    );
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert!(!r.header("referrer-policy").is_empty());
}

#[test]
fn mirror_serves_pages_with_types_validators_compression_and_security_headers() {
    let site = built_site();
    let public = site.path("public");
    let s = Server::start(site.root(), &["--mirror", public.to_str().unwrap()]);

    let home = s.get("/");
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.header("content-type").starts_with("text/html"));
    assert!(home.text().contains("Fixture guidance"));
    assert_security_headers(&home);
    assert_eq!(home.header("cache-control"), "no-cache");
    let etag = home.header("etag").to_string();
    assert!(!etag.is_empty(), "pages carry an ETag");

    let again = s.request("GET", "/", &[("if-none-match", &etag)]);
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());

    let page = s.request(
        "GET",
        "/guidance/harassment/first-response/",
        &[("accept-encoding", "gzip")],
    );
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-encoding"), "gzip");
    assert_security_headers(&page);

    let css = s.get("/static/style.css");
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.header("content-type").starts_with("text/css"),
        "{:?}",
        css.headers
    );
    assert_security_headers(&css);

    let feed = s.get("/feed.xml");
    assert!(
        feed.header("content-type").contains("xml"),
        "{:?}",
        feed.headers
    );

    // A folder without its slash: a relative redirect, right under any sub-path.
    let r = s.get("/guidance/harassment");
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(r.header("location"), "harassment/");

    let missing = s.get("/no/such/page/");
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text().contains("<html"), "the site's own 404 page");
    assert_security_headers(&missing);

    let post = s.request("POST", "/", &[]);
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);

    let manifest: serde_json::Value =
        serde_json::from_str(&site.read("public/manifest.json")).unwrap();
    let health = s.get("/healthz");
    assert_eq!(health.status, StatusCode::OK);
    let h: serde_json::Value = serde_json::from_slice(&health.body).unwrap();
    assert_eq!(h["build_id"], manifest["build_id"]);

    // The access log: one line per request.
    std::thread::sleep(Duration::from_millis(200));
    let log = s.stdout.lock().unwrap().clone();
    assert!(
        log.lines()
            .any(|l| l.contains("\"GET /guidance/harassment/first-response/ HTTP/1.1\" 200")),
        "access log:\n{log}"
    );
}

#[test]
fn mirror_refuses_path_traversal_in_every_spelling() {
    let site = built_site();
    let public = site.path("public");
    // Files in the folder that no build wrote are never served either.
    site.write("public/planted.html", "<p>not part of the build</p>");
    #[cfg(unix)]
    std::os::unix::fs::symlink(site.path("site.yaml"), public.join("linked.txt")).unwrap();
    let s = Server::start(site.root(), &["--mirror", public.to_str().unwrap()]);
    for probe in [
        "/../site.yaml",
        "/../../../../etc/passwd",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsite.yaml",
        "/static/..%2f..%2fsite.yaml",
        "/static/%2e%2e/%2e%2e/site.yaml",
        "/..%5csite.yaml",
        "/static/%252e%252e/site.yaml",
        "/%00/etc/passwd",
        "/planted.html",
        "/linked.txt",
        "/.waymark-staging",
    ] {
        let r = s.get(probe);
        assert!(
            r.status == StatusCode::BAD_REQUEST || r.status == StatusCode::NOT_FOUND,
            "{probe}: {}",
            r.status
        );
        let body = r.text();
        assert!(
            !body.contains("Fixture guidance\ndescription"),
            "{probe} leaked site.yaml"
        );
        assert!(!body.contains("root:"), "{probe} leaked /etc/passwd");
        assert!(
            !body.contains("not part of the build"),
            "{probe} served a planted file"
        );
    }
}

#[test]
fn mirror_bounds_request_size_and_query_cost() {
    let site = built_site();
    let public = site.path("public");
    let s = Server::start(site.root(), &["--mirror", public.to_str().unwrap()]);
    let long = format!("/api/search?q={}", "a".repeat(20 * 1024));
    let r = s.get(&long);
    assert!(r.status.is_client_error(), "20 kB query: {}", r.status);
    let r = s.get(&format!("/api/search?q={}", "word+".repeat(120)));
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert!(v["error"].as_str().unwrap().contains("limit"), "{v}");
    let r = s.get("/api/search?q=stalking&kind=nonsense");
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = s.request("GET", "/", &[("content-length", "5000")]);
    assert!(r.status.is_client_error());
}

#[test]
fn mirror_switches_to_a_new_deploy_without_a_failed_request() {
    let site = built_site();
    let public = site.path("public");
    let s = Server::start(site.root(), &["--mirror", public.to_str().unwrap()]);
    let addr = s.addr;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let pages = [
        "/",
        "/guidance/harassment/first-response/",
        "/glossary/",
        "/static/style.css",
        "/feed.xml",
        "/healthz",
    ];
    let load = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            runtime().block_on(async move {
                let mut tasks = Vec::new();
                for t in 0..8 {
                    let stop = stop.clone();
                    tasks.push(tokio::spawn(async move {
                        let (mut ok, mut failed) = (0u32, Vec::new());
                        let mut k = t;
                        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                            let p = pages[k % pages.len()];
                            k += 1;
                            match fetch(addr, "GET", p, &[]).await {
                                Ok(r) if r.status == StatusCode::OK => ok += 1,
                                Ok(r) => failed.push(format!("{p}: {}", r.status)),
                                Err(e) => failed.push(format!("{p}: {e}")),
                            }
                        }
                        (ok, failed)
                    }));
                }
                let mut total = (0, Vec::new());
                for t in tasks {
                    let (ok, failed) = t.await.unwrap();
                    total.0 += ok;
                    total.1.extend(failed);
                }
                total
            })
        })
    };
    // Three deploys while the load runs: each `waymark build` swaps the folder atomically.
    let mut last_title = String::new();
    for n in 1..=3 {
        last_title = format!("First response, deploy {n}");
        site.write(
            "content/guidance/harassment/first-response.md",
            &site
                .read("content/guidance/harassment/first-response.md")
                .replacen(
                    &site
                        .read("content/guidance/harassment/first-response.md")
                        .lines()
                        .nth(1)
                        .unwrap()
                        .to_string(),
                    &format!("title: {last_title}"),
                    1,
                ),
        );
        let out = site.build(&[]);
        assert!(out.status.success(), "{}", stderr(&out));
        std::thread::sleep(Duration::from_millis(400));
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&site.read("public/manifest.json")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let h: serde_json::Value = serde_json::from_slice(&s.get("/healthz").body).unwrap();
        if h["build_id"] == manifest["build_id"] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server never switched to the new build"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (ok, failed) = load.join().unwrap();
    assert!(
        failed.is_empty(),
        "{} failed of {}: {:?}",
        failed.len(),
        ok as usize + failed.len(),
        &failed[..failed.len().min(10)]
    );
    assert!(ok > 50, "only {ok} requests ran");
    assert!(
        s.get("/guidance/harassment/first-response/")
            .text()
            .contains(&last_title)
    );
    assert!(s.stderr().contains("Switched to build"));
}

#[test]
fn mirror_stops_gracefully_on_sigterm() {
    let site = built_site();
    let public = site.path("public");
    let mut s = Server::start(site.root(), &["--mirror", public.to_str().unwrap()]);
    assert_eq!(s.get("/").status, StatusCode::OK);
    let pid = s.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn mirror_refuses_a_folder_that_is_not_a_build() {
    let site = TestSite::fixture("core/clean");
    let out = site.run(&[
        "serve",
        "--mirror",
        site.path("content").to_str().unwrap(),
        "--port",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("manifest.json"), "{}", stderr(&out));
}

#[test]
fn mirror_search_answers_and_holds_2000_requests_8_at_a_time() {
    let site = built_site();
    let public = site.path("public");
    let s = Server::start(site.root(), &["--mirror", public.to_str().unwrap()]);
    let r = s.get("/api/search?q=harassment&limit=5");
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.header("content-type").starts_with("application/json"));
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert!(v["total"].as_u64().unwrap() >= 1, "{v}");
    let hit = &v["hits"][0];
    for k in ["id", "url", "title", "kind", "snippet"] {
        assert!(hit.get(k).is_some(), "hit without {k}: {hit}");
    }
    assert!(v.get("facets").is_some());
    assert_security_headers(&r);

    let addr = s.addr;
    let queries = [
        "harassment",
        "stalking+protection+order",
        "s2A",
        "SPO",
        "first+response",
        "screenshots",
        "harasment",
    ];
    let (ok, failed) = runtime().block_on(async move {
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let next = next.clone();
            tasks.push(tokio::spawn(async move {
                let (mut ok, mut failed) = (0usize, Vec::new());
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if n >= 2000 {
                        break;
                    }
                    let q = queries[n % queries.len()];
                    match fetch(addr, "GET", &format!("/api/search?q={q}"), &[]).await {
                        Ok(r) if r.status == StatusCode::OK => ok += 1,
                        Ok(r) => failed.push(format!(
                            "{q}: {} {}",
                            r.status,
                            String::from_utf8_lossy(&r.body)
                        )),
                        Err(e) => failed.push(format!("{q}: {e}")),
                    }
                }
                (ok, failed)
            }));
        }
        let mut total = (0, Vec::new());
        for t in tasks {
            let (ok, failed) = t.await.unwrap();
            total.0 += ok;
            total.1.extend(failed);
        }
        total
    });
    assert!(
        failed.is_empty(),
        "{} failed: {:?}",
        failed.len(),
        &failed[..failed.len().min(5)]
    );
    assert_eq!(ok, 2000);
}

// ---------------------------------------------------------------- the live preview

/// Reads server-sent events from `/__waymark/events` until one satisfies `want`.
fn wait_for_event(
    addr: SocketAddr,
    since: u64,
    want: impl Fn(&serde_json::Value) -> bool,
    act: impl FnOnce(),
) -> serde_json::Value {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<serde_json::Value>();
    rt.spawn(async move {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(conn);
        let req = Request::builder()
            .uri(format!("/__waymark/events?since={since}"))
            .header("host", addr.to_string())
            .body(Empty::<Bytes>::new())
            .unwrap();
        let resp = sender.send_request(req).await.unwrap();
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        let mut body = resp.into_body();
        let mut buf = String::new();
        while let Some(Ok(frame)) = body.frame().await {
            if let Some(d) = frame.data_ref() {
                buf.push_str(&String::from_utf8_lossy(d));
                while let Some(end) = buf.find("\n\n") {
                    let event: String = buf[..end].to_string();
                    buf.drain(..end + 2);
                    if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data:"))
                        && let Ok(v) = serde_json::from_str(data.trim())
                        && tx.send(v).is_err()
                    {
                        return;
                    }
                }
            }
        }
    });
    // The first event says where the page stands; then make the change.
    let first = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("a first event");
    if want(&first) {
        return first;
    }
    act();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let v = rx
            .recv_timeout(left)
            .expect("the expected event never came");
        if want(&v) {
            return v;
        }
    }
}

fn page_version(html: &str) -> u64 {
    let i = html.find("data-version=\"").expect("the reload script") + 14;
    html[i..].split('"').next().unwrap().parse().unwrap()
}

#[test]
fn live_preview_reloads_pages_after_a_save_and_keeps_the_last_good_page_on_errors() {
    let site = TestSite::fixture("core/clean");
    let s = Server::start(site.root(), &["--today", "2026-11-28"]);
    const PAGE: &str = "/guidance/harassment/first-response/";
    const FILE: &str = "content/guidance/harassment/first-response.md";
    let page = s.get(PAGE);
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("First response to harassment"));
    assert!(
        html.contains("<script src=\"/__waymark/live.js\""),
        "the reload script is added"
    );
    assert_security_headers(&page);
    assert!(
        !site.path("public").exists(),
        "the preview never writes into public/"
    );
    let js = s.get("/__waymark/live.js");
    assert!(js.header("content-type").starts_with("text/javascript"));
    assert!(js.text().contains("EventSource"));
    let v0 = page_version(&html);

    // A save: the page hears which files changed, and the new text is served.
    let original = site.read(FILE);
    let ev = wait_for_event(
        s.addr,
        v0,
        |v| v["ok"] == true && v["version"].as_u64().unwrap() > v0,
        || {
            let tmp = site.path("content/guidance/harassment/.first-response.md.swp");
            std::fs::write(
                &tmp,
                original.replace(
                    "Officers should record each incident",
                    "Officers saved in the preview should record each incident",
                ),
            )
            .unwrap();
            std::fs::rename(&tmp, site.path(FILE)).unwrap();
        },
    );
    let changed: Vec<&str> = ev["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        changed.contains(&"guidance/harassment/first-response/index.html"),
        "{ev}\n{}",
        s.stderr()
    );
    let v1 = ev["version"].as_u64().unwrap();
    let html = s.get(PAGE).text();
    assert!(html.contains("Officers saved in the preview"));
    assert_eq!(page_version(&html), v1);

    // A broken save: the errors, with file and line, and the last good page stays.
    let ev = wait_for_event(
        s.addr,
        v1,
        |v| v["ok"] == false,
        || {
            site.write(
                FILE,
                &original.replacen(
                    "title: First response to harassment",
                    "title: [First response",
                    1,
                ),
            );
        },
    );
    let d = ev["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == FILE)
        .unwrap_or_else(|| panic!("no error in {FILE}: {ev}"));
    assert!(d["line"].as_u64().unwrap() >= 2, "{ev}");
    assert!(!d["message"].as_str().unwrap().is_empty());
    let status: serde_json::Value =
        serde_json::from_slice(&s.get("/__waymark/status").body).unwrap();
    assert_eq!(status["ok"], false);
    let html = s.get(PAGE).text();
    assert!(
        html.contains("Officers saved in the preview"),
        "the last good page is served"
    );

    // Fixed: the overlay goes, the page reloads with the new text.
    let ev = wait_for_event(
        s.addr,
        v1,
        |v| v["ok"] == true && v["version"].as_u64().unwrap() > v1,
        || {
            site.write(
                FILE,
                &original.replace(
                    "Officers should record each incident",
                    "Officers, fixed, should record each incident",
                ),
            );
        },
    );
    assert!(ev["diagnostics"].as_array().unwrap().is_empty());
    assert!(s.get(PAGE).text().contains("Officers, fixed, should"));
}

#[test]
fn mirror_refuses_a_search_index_of_another_schema_version() {
    let site = built_site();
    let public = site.path("public");
    site.write("public/search-index/schema-version", "waymark-search-0\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["serve", "--port", "0", "--mirror"])
        .arg(&public)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the mirror started on an index of another schema version");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(
        err.contains("waymark-search-0") && err.contains("rebuild"),
        "{err}"
    );
}

#[test]
fn live_preview_starts_on_a_broken_site_and_serves_it_once_fixed() {
    const FILE: &str = "content/guidance/harassment/first-response.md";
    let site = TestSite::fixture("core/clean");
    let good = site.read(FILE);
    site.write(
        FILE,
        &good.replacen("title: First response to harassment", "title: [First", 1),
    );
    let s = Server::start(site.root(), &["--today", "2026-11-28"]);
    let r = s.get("/");
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.text().contains("/__waymark/live.js"), "{}", r.text());
    let status: serde_json::Value =
        serde_json::from_slice(&s.get("/__waymark/status").body).unwrap();
    assert_eq!(status["ok"], false);
    assert!(
        status["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["file"] == FILE),
        "{status}"
    );
    wait_for_event(
        s.addr,
        0,
        |v| v["ok"] == true && v["version"].as_u64().unwrap() >= 1,
        || {
            site.write(FILE, &good);
        },
    );
    let r = s.get("/guidance/harassment/first-response/");
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("First response to harassment"));
}

#[test]
fn mirror_fills_in_the_search_page_for_a_plain_form() {
    let site = built_site();
    let public = site.path("public");
    let s = Server::start(site.root(), &["--mirror", public.to_str().unwrap()]);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();

    // What the search box on every page submits, with no JavaScript.
    let r = s.get("/search/?q=harassment");
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.header("content-type").starts_with("text/html"));
    assert_security_headers(&r);
    let doc = scraper::Html::parse_document(&r.text());
    let input = doc
        .select(&sel("#search-q"))
        .next()
        .expect("the search form");
    assert_eq!(input.value().attr("value"), Some("harassment"));
    let links: Vec<String> = doc
        .select(&sel("#search-results li > a"))
        .map(|a| a.value().attr("href").unwrap_or("").to_string())
        .collect();
    assert!(!links.is_empty(), "no results on the page");
    // Each result link is relative to the search page and leads to a page the mirror serves.
    for href in &links {
        let path = href
            .strip_prefix("../")
            .expect("relative link")
            .split('#')
            .next()
            .unwrap();
        assert_eq!(s.get(&format!("/{path}")).status, StatusCode::OK, "{href}");
    }
    assert!(r.text().contains("<mark>"));

    // A bad kind is said on the page, not a blank page.
    let r = s.get("/search/?q=harassment&kind=leaflet");
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .contains("That search could not be run: unknown kind `leaflet`")
    );

    // Without a query: the static page, as built.
    let r = s.get("/search/");
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.text(), site.read("public/search/index.html"));
}

/// Two phases per save: the page is published once the structure checks pass, and a
/// contradiction with another page, which only the cross-page checks find, reaches the overlay
/// when their background run is through. A broken link is a structure error: it keeps the last
/// good page.
#[test]
fn live_preview_shows_cross_page_findings_after_publishing_and_keeps_the_last_good_page_on_structure_errors()
 {
    const PAGE: &str = "/guidance/stalking/response/";
    const FILE: &str = "content/guidance/stalking/response.md";
    let site = TestSite::fixture("checks/base");
    std::fs::copy(
        fixtures().join("checks/directive-conflict/content/guidance/stalking/notices.md"),
        site.path("content/guidance/stalking/notices.md"),
    )
    .unwrap();
    let clean = "---\ntitle: \"Responding to reports\"\nsummary: \"First response to a report of stalking.\"\naudience: [first-response]\napplies_to: [england-and-wales]\n---\n\n## At the scene\n\nOfficers should take a full account from the victim.\n";
    site.write(FILE, clean);
    let s = Server::start(site.root(), &["--today", "2026-11-28"]);
    let page = s.get(PAGE);
    assert_eq!(page.status, StatusCode::OK);
    let v0 = page_version(&page.text());

    // The save contradicts the notices page ("must not issue a police information notice").
    let conflicting = clean.replace(
        "Officers should take a full account from the victim.",
        "Officers may issue a PIN in stalking cases.",
    );
    let ev = wait_for_event(
        s.addr,
        v0,
        |v| {
            v["ok"] == true
                && v["checking"] == false
                && v["version"].as_u64().unwrap() > v0
                && !v["diagnostics"].as_array().unwrap().is_empty()
        },
        || {
            site.write(FILE, &conflicting);
        },
    );
    let d = ev["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["check"] == "directive-conflict")
        .unwrap_or_else(|| panic!("no directive conflict in {ev}\n{}", s.stderr()));
    assert_eq!(d["severity"], "error", "{ev}");
    let places: Vec<&str> = std::iter::once(d["file"].as_str().unwrap())
        .chain(
            d["related"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r["file"].as_str()),
        )
        .collect();
    assert!(places.contains(&FILE), "{ev}");
    assert!(
        places.contains(&"content/guidance/stalking/notices.md"),
        "{ev}"
    );
    assert!(d["line"].as_u64().unwrap() >= 1, "{ev}");
    // Published all the same: the page shows the save, and the status says why it would not
    // pass `waymark build`.
    let html = s.get(PAGE).text();
    assert!(html.contains("Officers may issue a "), "{html}");
    let v1 = page_version(&html);
    let status: serde_json::Value =
        serde_json::from_slice(&s.get("/__waymark/status").body).unwrap();
    assert_eq!(status["ok"], true, "{status}");
    assert!(
        status["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["check"] == "directive-conflict"),
        "{status}"
    );
    // `waymark check` agrees.
    let (v, _) = site.check_json(&[]);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["check"] == "directive-conflict" && d["severity"] == "error"),
        "{v}"
    );

    // A broken link: nothing is published, the last good page stays.
    let ev = wait_for_event(
        s.addr,
        v1,
        |v| v["ok"] == false,
        || {
            site.write(
                FILE,
                &format!("{conflicting}\nSee [gone](@/guidance/no-such-page.md).\n"),
            );
        },
    );
    let d = ev["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["check"] == "broken-link")
        .unwrap_or_else(|| panic!("no broken link in {ev}"));
    assert_eq!(d["file"], FILE, "{ev}");
    assert_eq!(d["line"], 12, "{ev}");
    let html = s.get(PAGE).text();
    assert!(html.contains("Officers may issue a "), "{html}");
    assert!(!html.contains("no-such-page"), "{html}");
    assert_eq!(page_version(&html), v1);

    // Fixed (the conflict too): published, and the whole-site checks clear the overlay.
    wait_for_event(
        s.addr,
        v1,
        |v| {
            v["ok"] == true
                && v["checking"] == false
                && v["version"].as_u64().unwrap() > v1
                && v["diagnostics"].as_array().unwrap().is_empty()
        },
        || {
            site.write(FILE, clean);
        },
    );
    assert!(
        s.get(PAGE)
            .text()
            .contains("Officers should take a full account")
    );
}
