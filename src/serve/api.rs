//! The JSON routes: `/api/search`, `/api/article` and `/healthz`.
//!
//! Each handler is thin: parse the query string into the same request the CLI builds
//! ([`super::params`]), take the engine from the shared [`State`], search on tokio's blocking
//! pool (never on the async workers), and serialize the public structs of `search --json`
//! ([`JsonHit`]) and `show --json` ([`JsonArticle`]). How many searches run at once, and for
//! how long, is the router's layers' business, not the handlers'.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{self, RawQuery};
use axum::http::{Response, StatusCode};
use serde::Serialize;

use super::error::{ApiError, json_response, panic_message};
use super::params::{ArticleParams, SearchParams};
use super::state::State;
use crate::output::{JsonArticle, JsonHit, json_lines, sanitize};
use crate::search::{Facets, Results, SearchError};

/// `/api/search`'s answer: a page of hits as `search --json` prints them, and the count.
#[derive(Debug, Serialize)]
struct SearchBody<'a> {
    /// How many passages (or articles) matched in all; `at_least` once counting stopped.
    total: Total,
    /// Whether there are hits after this page (`total` also counts copies and passages that
    /// share a row).
    more: bool,
    offset: usize,
    limit: usize,
    /// The search's own time, in milliseconds.
    took_ms: f64,
    /// Query words no article contains, as typed.
    unmatched: &'a [String],
    /// When the query had more than 100 words: how many (only the first 100 were searched).
    cut_from: Option<usize>,
    /// The query with its misspelt words corrected, when some look misspelt.
    did_you_mean: Option<&'a str>,
    hits: Vec<JsonHit<'a>>,
    /// The matching stories by place, agency and date, when `facets` was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    facets: Option<&'a Facets>,
    /// When `since`/`until` left nothing: how many match outside the window.
    #[serde(skip_serializing_if = "Option::is_none")]
    outside_window: Option<Total>,
}

#[derive(Debug, Serialize)]
struct Total {
    count: u64,
    at_least: bool,
}

impl<'a> SearchBody<'a> {
    fn new(params: &SearchParams, results: &'a Results, took: Duration) -> SearchBody<'a> {
        SearchBody {
            total: Total {
                count: results.total.count,
                at_least: results.total.at_least,
            },
            more: results.more,
            offset: params.offset,
            limit: params.limit,
            took_ms: (took.as_secs_f64() * 100_000.0).round() / 100.0,
            unmatched: &results.unmatched,
            cut_from: results.cut_from,
            did_you_mean: results.did_you_mean.as_deref(),
            hits: json_lines(&results.hits, params.offset + 1),
            facets: results.facets.as_ref(),
            outside_window: results.outside_window.map(|total| Total {
                count: total.count,
                at_least: total.at_least,
            }),
        }
    }
}

/// `GET /api/search?q=…&limit=…&offset=…&articles=…&plain=…`
pub async fn search(
    extract::State(state): extract::State<Arc<State>>,
    RawQuery(query): RawQuery,
) -> Result<Response<Body>, ApiError> {
    let params = SearchParams::parse(query.as_deref())?;
    let opened = state.opened()?;
    let body = blocking(move || {
        let mut engine = opened.engine.clone();
        let started = Instant::now();
        let results = match engine.search(&params.request()) {
            Ok(results) => results,
            Err(SearchError::EmptyQuery) => {
                return Err(ApiError::bad_request(format!(
                    "the query `{}` has nothing to search for",
                    sanitize(&params.q)
                )));
            }
            Err(err) => return Err(failed("searching", &params.q, &err)),
        };
        json(&SearchBody::new(&params, &results, started.elapsed()))
    })
    .await?;
    Ok(json_response(StatusCode::OK, body))
}

/// `GET /api/article?path=…&highlight=…`: an article in the index, and nothing else. The path
/// must be one `/api/search` shows, exactly: no `.` or `..` parts, no other spelling of it.
/// Only then is the index asked for it, and the index reads an article's file only when it
/// is the regular file indexed (never through a symlink), else its stored text.
pub async fn article(
    extract::State(state): extract::State<Arc<State>>,
    RawQuery(query): RawQuery,
) -> Result<Response<Body>, ApiError> {
    let params = ArticleParams::parse(query.as_deref())?;
    if !is_plain_path(&params.path) {
        return Err(no_article(&params.path));
    }
    let opened = state.opened()?;
    let body = blocking(move || {
        let mut engine = opened.engine.clone();
        let key = engine.article_key(&params.path);
        if engine.article_path(&key) != params.path {
            return Err(no_article(&params.path));
        }
        match engine.article(&key, params.highlight.as_deref()) {
            Ok(Some(article)) => json(&JsonArticle::new(&article)),
            Ok(None) => Err(no_article(&params.path)),
            Err(err) => Err(failed("reading", &params.path, &err)),
        }
    })
    .await?;
    Ok(json_response(StatusCode::OK, body))
}

/// `GET /healthz`: 200 while a committed index is served, 503 before.
pub async fn healthz(
    extract::State(state): extract::State<Arc<State>>,
) -> Result<Response<Body>, ApiError> {
    state.opened()?;
    Ok(json_response(
        StatusCode::OK,
        br#"{"status":"ok"}"#.to_vec(),
    ))
}

/// A path with nothing in it to resolve: no empty, `.` or `..` part, no NUL.
fn is_plain_path(path: &str) -> bool {
    // An article of a file of many is `file#id`; its id is only looked up in the index.
    let file = path.split_once('#').map_or(path, |(file, _)| file);
    let parts = file.strip_prefix('/').unwrap_or(file);
    !path.contains('\0') && !parts.split('/').any(|part| matches!(part, "" | "." | ".."))
}

fn no_article(path: &str) -> ApiError {
    let mut shown: String = path.chars().take(200).collect();
    if shown.len() < path.len() {
        shown.push('…');
    }
    ApiError::not_found(format!(
        "no article `{}` in the index (paths are as /api/search shows them)",
        sanitize(&shown)
    ))
}

/// A search or read that failed inside the index: the details to stderr, a 500 to the client.
fn failed(doing: &str, what: &str, err: &SearchError) -> ApiError {
    eprintln!("newsdex: {doing} `{}` failed: {err}", sanitize(what));
    ApiError::internal(format!(
        "{doing} the index failed; the server's log says why"
    ))
}

/// Runs `work` on the blocking pool; a panic in it is a 500, reported once on stderr.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(err) if err.is_panic() => {
            eprintln!(
                "newsdex: internal error: {}",
                panic_message(&*err.into_panic())
            );
            Err(ApiError::internal(
                "internal error (the server's log says more)",
            ))
        }
        Err(_) => Err(ApiError::unavailable("the server is stopping")),
    }
}

fn json(body: &impl Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(body).map_err(|err| ApiError::internal(format!("writing JSON: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_reach_the_index() {
        for plain in [
            "corpus/a.txt",
            "/abs/corpus/a.txt",
            "a.txt",
            "corpus/caf\\xE9.txt",
        ] {
            assert!(is_plain_path(plain), "{plain}");
        }
        for tricky in [
            "../etc/passwd",
            "corpus/../corpus/a.txt",
            "./corpus/a.txt",
            "corpus//a.txt",
            "corpus/a.txt/",
            "corpus/./a.txt",
            "/",
            "a\0b",
            "..",
        ] {
            assert!(!is_plain_path(tricky), "{tricky}");
        }
    }
}
