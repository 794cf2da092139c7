//! `GET /api/search?q=&kind=&limit=`: the JSON of `waymark search --json` plus facets, with
//! the cost of a query bounded (its length, its number of words, the number of hits, and how
//! many searches run at once).

use super::generation::Shared;
use super::http::json;
use crate::index::query::{SearchError, SearchRequest, SearchResponse};
use crate::model::Kind;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 50;
pub const DEFAULT_LIMIT: usize = 10;
/// Most words in one query (each may expand to synonyms and fuzzy variants).
pub const MAX_WORDS: usize = 32;
/// How long a request waits for a free search slot before it is turned away.
const QUEUE_WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, Deserialize)]
pub struct Params {
    q: Option<String>,
    kind: Option<String>,
    limit: Option<String>,
}

type Refusal = (StatusCode, String);

/// Validates the parameters into a request.
pub fn request(p: &Params, max_query: usize) -> Result<SearchRequest, Refusal> {
    let bad = |m: String| (StatusCode::BAD_REQUEST, m);
    let query = p.q.as_deref().unwrap_or("").trim().to_string();
    if query.len() > max_query {
        return Err(bad(format!(
            "the query is {} bytes long; the limit is {max_query}",
            query.len()
        )));
    }
    if query.split_whitespace().count() > MAX_WORDS {
        return Err(bad(format!("the query has more than {MAX_WORDS} words")));
    }
    let kind = match p.kind.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(k) => match Kind::parse(k) {
            Some(k) => Some(k.as_str().to_string()),
            None => {
                let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                return Err(bad(format!(
                    "unknown kind `{k}`; kinds are: {}",
                    kinds.join(", ")
                )));
            }
        },
    };
    let limit = match p.limit.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_LIMIT,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if n >= 1 => n.min(MAX_LIMIT),
            _ => {
                return Err(bad(format!(
                    "limit must be a whole number from 1 to {MAX_LIMIT}"
                )));
            }
        },
    };
    Ok(SearchRequest { query, kind, limit })
}

/// Runs a search on the current generation's index, off the async workers.
pub async fn run(shared: &Shared, req: SearchRequest) -> Result<SearchResponse, Refusal> {
    if req.query.is_empty() {
        return Ok(SearchResponse::default());
    }
    if let Some(live) = &shared.live {
        live.fresh_index(shared).await;
    }
    let index = shared
        .current()
        .search
        .clone()
        .map_err(|e| (StatusCode::SERVICE_UNAVAILABLE, e))?;
    let permit = tokio::time::timeout(QUEUE_WAIT, shared.search_slots.clone().acquire_owned())
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or((
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is busy; try again".to_string(),
        ))?;
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        index.search(&req)
    })
    .await
    .map_err(|_| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the search failed".to_string(),
        )
    })?;
    result.map_err(|e| match e {
        SearchError::BadQuery(m) => (StatusCode::BAD_REQUEST, format!("invalid query: {m}")),
        other => (StatusCode::SERVICE_UNAVAILABLE, other.to_string()),
    })
}

/// `search/?q=&kind=&limit=`: the theme's search page with the results already on it, so the
/// search box on every page works as a plain form without JavaScript. `None` (serve the
/// static page) without a query or without the results page a build saves beside its index.
pub async fn results_page(shared: &Shared, uri: &Uri) -> Option<Response> {
    let Query(p) = Query::<Params>::try_from_uri(uri).ok()?;
    let query = p.q.clone().unwrap_or_default();
    if query.trim().is_empty() {
        return None;
    }
    shared.current().results.as_ref()?;
    let outcome = match request(&p, shared.max_query) {
        Ok(req) => run(shared, req).await,
        Err(r) => Err(r),
    };
    // After the search: a live preview may have rebuilt the index (and its page) for it.
    let page = shared.current().results.clone()?;
    let html = match &outcome {
        Ok(res) => page.render(&query, p.kind.as_deref(), Ok(res)),
        Err((status, message)) => {
            let e = if *status == StatusCode::BAD_REQUEST {
                SearchError::BadQuery(message.trim_start_matches("invalid query: ").to_string())
            } else {
                SearchError::Index(message.clone())
            };
            page.render(&query, p.kind.as_deref(), Err(&e))
        }
    };
    let status = match &outcome {
        Ok(_) => StatusCode::OK,
        Err((status, _)) => *status,
    };
    Some(match html {
        Ok(html) => {
            let mut r = (status, html).into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => super::http::plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("the search page could not be rendered: {e}\n"),
        ),
    })
}

pub async fn api(
    State(shared): State<Arc<Shared>>,
    params: Result<Query<Params>, QueryRejection>,
) -> Response {
    let outcome = match params {
        Err(e) => Err((StatusCode::BAD_REQUEST, e.body_text())),
        Ok(Query(p)) => match request(&p, shared.max_query) {
            Ok(req) => run(&shared, req).await,
            Err(r) => Err(r),
        },
    };
    match outcome {
        Ok(resp) => json(StatusCode::OK, &resp),
        Err((status, message)) => json(status, &serde_json::json!({ "error": message })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str, kind: Option<&str>, limit: Option<&str>) -> Params {
        Params {
            q: Some(q.into()),
            kind: kind.map(Into::into),
            limit: limit.map(Into::into),
        }
    }

    #[test]
    fn requests_are_bounded() {
        let r = request(&params(" s4a ", Some("legal"), Some("500")), 512).unwrap();
        assert_eq!(r.query, "s4a");
        assert_eq!(r.kind.as_deref(), Some("legal"));
        assert_eq!(r.limit, MAX_LIMIT);
        assert_eq!(
            request(&params("x", None, None), 512).unwrap().limit,
            DEFAULT_LIMIT
        );
        let long = "a".repeat(513);
        assert_eq!(
            request(&params(&long, None, None), 512).unwrap_err().0,
            StatusCode::BAD_REQUEST
        );
        let many = vec!["w"; MAX_WORDS + 1].join(" ");
        assert!(request(&params(&many, None, None), 512).is_err());
        assert!(request(&params("x", Some("nonsense"), None), 512).is_err());
        assert!(request(&params("x", None, Some("0")), 512).is_err());
        assert!(request(&params("x", None, Some("ten")), 512).is_err());
    }
}
