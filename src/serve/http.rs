//! The one HTTP stack both servers share: the files of a built folder, `/api/search`,
//! `/healthz`, and the layers around them (bounds, security and cache headers, compression,
//! access log). The live preview adds its own routes and its reload script on top; everything
//! else is the same code over the same folder layout.
//!
//! Files are served by tower-http's `ServeDir` (MIME types, ETag and `Last-Modified`,
//! conditional and range requests) behind a guard that only lets through paths the build's
//! manifest lists, so nothing outside the site (or planted inside it) is ever served.

use super::generation::{Generation, Shared};
use super::search;
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Longest request target (path and query) accepted; longer ones get 414.
pub const MAX_URI: usize = 4096;
/// Largest request body accepted: the servers are read-only, so none is needed.
pub const MAX_BODY: u64 = 0;

/// The Content-Security-Policy: only the site itself, never framed by another site.
pub const CSP: &str = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'; object-src 'none'";

/// Whether a file name carries a content hash (`style.3f2a9c1b.css`, `en_8c1f2b5.pf_index`),
/// so its URL never changes content and it may be cached for a year.
pub fn is_hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split(['.', '_', '-']).any(|part| {
        part.len() >= 7
            && part.bytes().all(|b| b.is_ascii_hexdigit())
            && part.bytes().any(|b| b.is_ascii_digit())
            && part.bytes().any(|b| b.is_ascii_alphabetic())
    })
}

/// Checks a request path and turns it into a path under the site folder. Refuses (400) any
/// form of climbing out: `..` or `.` segments (plain or percent-encoded), encoded slashes or
/// backslashes, NUL, and paths that are not UTF-8.
pub fn site_path(raw: &str) -> Result<String, &'static str> {
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") {
        return Err("encoded slashes and NUL are not allowed in paths");
    }
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| "the path is not UTF-8")?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return Err("backslashes and NUL are not allowed in paths");
    }
    let rel = decoded.trim_start_matches('/');
    for seg in rel.split('/') {
        if seg == ".." || seg == "." {
            return Err("`.` and `..` are not allowed in paths");
        }
    }
    if rel.contains("//") {
        return Err("empty path segments are not allowed");
    }
    Ok(rel.to_string())
}

/// The router both servers use. `extra` holds mode-specific routes (the live preview's).
pub fn router(shared: Arc<Shared>, extra: Router<Arc<Shared>>) -> Router {
    let security = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
    ];
    let mut app = Router::new()
        .route("/healthz", get(healthz))
        .route("/api/search", get(search::api))
        .merge(extra)
        .fallback(files)
        .with_state(shared.clone())
        .layer(CompressionLayer::new());
    for (name, value) in security {
        app = app.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    app.layer(middleware::from_fn(bounds))
        .layer(middleware::from_fn_with_state(shared, access_log))
}

/// Read-only and small: GET and HEAD only, no body, a bounded request target.
async fn bounds(req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are allowed\n",
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let target_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target_len > MAX_URI {
        return plain(
            StatusCode::URI_TOO_LONG,
            &format!("the request target is longer than {MAX_URI} bytes\n"),
        );
    }
    let has_body = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > MAX_BODY)
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    if has_body {
        return plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            "requests to this server carry no body\n",
        );
    }
    next.run(req).await
}

pub fn plain(status: StatusCode, text: &str) -> Response {
    let mut r = (status, text.to_string()).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

pub fn json(status: StatusCode, value: &impl serde::Serialize) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
    let g = shared.current();
    let search = match &g.search {
        Ok(_) => "ok".to_string(),
        Err(e) => e.clone(),
    };
    // A mirror whose search index cannot be read is unhealthy, so a load balancer drains it;
    // a missing index (a site built without one) only degrades search.
    let status = if g.search_fatal {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    json(
        status,
        &serde_json::json!({
            "status": if status == StatusCode::OK { "ok" } else { "unavailable" },
            "build_id": g.build_id,
            "files": g.files.len(),
            "search": search,
        }),
    )
}

/// The search page, which the server fills in when it is asked with a query.
const SEARCH_PAGE: &str = "search/index.html";

/// The site's files, through the manifest guard.
async fn files(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    if let Some(live) = &shared.live
        && let Some(r) = super::live::no_site_yet(live)
    {
        return r;
    }
    let rel = match site_path(req.uri().path()) {
        Ok(r) => r,
        Err(msg) => return plain(StatusCode::BAD_REQUEST, &format!("{msg}\n")),
    };
    let g = shared.current();
    let target = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.clone()
    };
    if target == SEARCH_PAGE
        && let Some(resp) = search::results_page(&shared, req.uri()).await
    {
        return decorate(&shared, resp).await;
    }
    if g.serves(&target) {
        let mut resp = serve_file(&shared, req).await;
        cache_headers(&shared, &target, &mut resp);
        return decorate(&shared, resp).await;
    }
    if g.serves(&format!("{rel}/index.html")) {
        // A folder asked for without its slash. The Location is relative, so the redirect
        // stays right when a proxy serves the site under a sub-path.
        let last = rel.rsplit('/').next().unwrap_or("");
        let query = req
            .uri()
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        let location = percent_encoding::utf8_percent_encode(last, PATH_SEGMENT).to_string();
        let mut r = plain(StatusCode::PERMANENT_REDIRECT, "");
        if let Ok(v) = HeaderValue::from_str(&format!("{location}/{query}")) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    not_found(&shared, &g, req).await
}

const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

async fn serve_file(shared: &Shared, req: Request) -> Response {
    let svc = ServeDir::new(&shared.dir).append_index_html_on_directories(true);
    match svc.oneshot(req).await {
        Ok(r) => r.map(Body::new),
        Err(e) => match e {},
    }
}

/// The site's own 404 page with a 404 status, or a plain one.
async fn not_found(shared: &Shared, g: &Generation, req: Request) -> Response {
    if g.serves("404.html") {
        let (mut parts, body) = req.into_parts();
        parts.uri = axum::http::Uri::from_static("/404.html");
        // Conditional headers belong to the URL asked for, not to the 404 page.
        for h in [
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
            header::IF_MATCH,
            header::IF_UNMODIFIED_SINCE,
            header::RANGE,
        ] {
            parts.headers.remove(h);
        }
        let mut r = serve_file(shared, Request::from_parts(parts, body)).await;
        if r.status() == StatusCode::OK {
            *r.status_mut() = StatusCode::NOT_FOUND;
            r.headers_mut().remove(header::ETAG);
            r.headers_mut().remove(header::LAST_MODIFIED);
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            return decorate(shared, r).await;
        }
    }
    plain(StatusCode::NOT_FOUND, "not found\n")
}

/// The live preview adds its reload script to every page; the mirror sends pages as built.
async fn decorate(shared: &Shared, resp: Response) -> Response {
    match &shared.live {
        Some(live) => live.inject(resp).await,
        None => resp,
    }
}

fn cache_headers(shared: &Shared, path: &str, resp: &mut Response) {
    if !(resp.status().is_success() || resp.status() == StatusCode::NOT_MODIFIED) {
        return;
    }
    let value = if shared.live.is_some() {
        "no-cache"
    } else if is_hashed_name(path) {
        "public, max-age=31536000, immutable"
    } else {
        // Pages and unhashed assets: keep a copy, but ask (cheaply, with the ETag) each time.
        "no-cache"
    };
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
}

/// One line per request, in the combined log format plus the time taken, on stdout.
async fn access_log(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    if !shared.access_log {
        return next.run(req).await;
    }
    let started = Instant::now();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "-".into());
    let line = format!(
        "\"{} {} {:?}\"",
        req.method(),
        req.uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .chars()
            .take(512)
            .collect::<String>()
            .escape_default(),
        req.version()
    );
    let referer = header_text(req.headers(), header::REFERER);
    let agent = header_text(req.headers(), header::USER_AGENT);
    let resp = next.run(req).await;
    let size = resp
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let now = jiff::Timestamp::now().strftime("%d/%b/%Y:%H:%M:%S +0000");
    let entry = format!(
        "{peer} - - [{now}] {line} {} {size} \"{referer}\" \"{agent}\" {:.3}\n",
        resp.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(entry.as_bytes());
    resp
}

fn header_text(h: &HeaderMap, name: header::HeaderName) -> String {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| {
            s.chars()
                .take(256)
                .collect::<String>()
                .escape_default()
                .to_string()
        })
        .unwrap_or_else(|| "-".into())
}

/// Accepts connections until `shutdown` resolves, then lets requests in flight finish (for
/// at most `grace`). Connections are bounded in number, in header size and in how long a
/// client may take to send its headers.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()>,
    grace: Duration,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::server::graceful::GracefulShutdown;
    const MAX_CONNECTIONS: usize = 1024;
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(_) => {
                // Out of file descriptors or a reset before accept: wait a little, go on.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let svc = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
            let mut req = req.map(Body::new);
            req.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(req)
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(Duration::from_secs(10))
            .max_buf_size(64 * 1024)
            .serve_connection(TokioIo::new(stream), svc);
        let watched = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = watched.await;
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(grace) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused_in_every_spelling() {
        for p in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%2fetc",
            "/..%5cetc",
            "/a/%2e/b",
            "/a%00b",
            "/%ff",
            "/a\\..\\b",
            "/a//b",
        ] {
            assert!(site_path(p).is_err(), "{p} should be refused");
        }
        assert_eq!(site_path("/guidance/x/").unwrap(), "guidance/x/");
        assert_eq!(site_path("/a%20b.pdf").unwrap(), "a b.pdf");
        assert_eq!(site_path("/").unwrap(), "");
    }

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed_name("pagefind/index/en_8c1f2b5.pf_index"));
        assert!(is_hashed_name("static/style.3f2a9c1b.css"));
        assert!(!is_hashed_name("static/style.css"));
        assert!(!is_hashed_name("guidance/deadbeef/index.html"));
        assert!(!is_hashed_name("2024-12-01.pdf"));
        assert!(!is_hashed_name("static/favicon.svg"));
    }
}
