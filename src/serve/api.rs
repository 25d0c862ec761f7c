//! The JSON routes: `/api/search`, `/api/article` and `/healthz`, and `/api/follow`'s stream
//! of events.
//!
//! Each handler is thin: parse the query string into the same request the CLI builds
//! ([`super::params`]), take the engine from the shared [`State`], search on tokio's blocking
//! pool (never on the async workers), and serialize the public structs of `search --json`
//! ([`JsonHit`]) and `show --json` ([`JsonArticle`]). How many searches run at once, and for
//! how long, is the router's layers' business, not the handlers'.

use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{self, RawQuery};
use axum::http::{Response, StatusCode};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use serde::Serialize;
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::error::{ApiError, json_response, panic_message};
use super::params::{ArticleParams, SearchParams};
use super::state::State;
use crate::output::{JsonArticle, JsonHit, json_lines, sanitize};
use crate::search::{Facets, Request, Results, SearchError};
use crate::watch::{Follow, POLL};

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
    // A client that leaves (a page that moved on to another query) drops this future, and
    // with it the guard: the search stops counting facets nobody will read, which would
    // otherwise hold a core for the next query (a common word's facets at 1 GB: 0.5 s).
    let stop = Arc::new(AtomicBool::new(false));
    let _stop_when_gone = StopWhenDropped(Arc::clone(&stop));
    let body = blocking(move || {
        let mut engine = opened.engine.clone();
        let started = Instant::now();
        let request = Request {
            stop: Some(&stop),
            ..params.request()
        };
        let results = match engine.search(&request) {
            Ok(results) => results,
            Err(SearchError::Stopped) => {
                return Err(ApiError::unavailable(
                    "the search was stopped: its client left",
                ));
            }
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

/// Sets its flag when dropped: when the request's future is, its client gone.
struct StopWhenDropped(Arc<AtomicBool>);

impl Drop for StopWhenDropped {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The streams `/api/follow` may have open at once, shared by the route's requests.
#[derive(Clone)]
pub struct Follows(pub Arc<Semaphore>);

/// `GET /api/follow?q=…` (the parameters of `/api/search` that choose what matches): a standing
/// search as server-sent events. A `ready` event once the articles matching now are known, then
/// a `hit` event (a row as `/api/search` gives it, `rank` among all matches) for each matching
/// article a later commit brings, each once. Which are new, and their rank, is [`Follow`]'s, as
/// for `search --follow`. Each stream has a thread of its own, which polls the index and ends
/// within a poll of the client going; past the cap on open streams the answer is a 503.
pub async fn follow(
    extract::State(state): extract::State<Arc<State>>,
    extract::Extension(Follows(streams)): extract::Extension<Follows>,
    RawQuery(query): RawQuery,
) -> Result<Response<Body>, ApiError> {
    let params = SearchParams::parse(query.as_deref())?;
    let permit = Arc::clone(&streams).try_acquire_owned().map_err(|_| {
        ApiError::unavailable("as many pages follow a query as this server allows; try again later")
    })?;
    let (started, start) = oneshot::channel();
    let (events, stream) = mpsc::channel(16);
    let dir = state.dir().to_path_buf();
    std::thread::Builder::new()
        .name("newsdex-follow".into())
        .spawn(move || {
            let _permit = permit;
            following(&dir, &params, started, &events);
        })
        .map_err(|err| ApiError::internal(format!("starting a follower: {err}")))?;
    start
        .await
        .map_err(|_| ApiError::internal("internal error (the server's log says more)"))??;
    let stream = futures_util::stream::unfold(stream, |mut stream| async move {
        let event = stream.recv().await?;
        Some((Ok::<_, Infallible>(event), stream))
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// A follower's thread: says through `started` whether the query could be searched, then sends
/// each new match until the client has gone (the receiving end is dropped).
fn following(
    dir: &Path,
    params: &SearchParams,
    started: oneshot::Sender<Result<(), ApiError>>,
    events: &mpsc::Sender<Event>,
) {
    let request = params.request();
    let mut follow = match Follow::start(dir, &request) {
        Ok((_, follow)) => follow,
        Err(SearchError::EmptyQuery) => {
            let _ = started.send(Err(ApiError::bad_request(format!(
                "the query `{}` has nothing to search for",
                sanitize(&params.q)
            ))));
            return;
        }
        Err(err) => {
            let _ = started.send(Err(failed("following", &params.q, &err)));
            return;
        }
    };
    if started.send(Ok(())).is_err()
        || events
            .blocking_send(Event::default().event("ready").data("{}"))
            .is_err()
    {
        return;
    }
    let mut last_error = String::new();
    while !events.is_closed() {
        match follow.poll() {
            Ok(new) => {
                for (rank, hit) in &new {
                    let rows = json_lines(std::slice::from_ref(hit), *rank);
                    let Some(Ok(event)) = rows
                        .first()
                        .map(|row| Event::default().event("hit").json_data(row))
                    else {
                        continue;
                    };
                    if events.blocking_send(event).is_err() {
                        return;
                    }
                }
            }
            // Read as a commit was being made, or damage that stays: said once, tried again.
            Err(err) => {
                let message = err.to_string();
                if message != last_error {
                    eprintln!(
                        "newsdex: following `{}`: {}; trying again",
                        sanitize(&params.q),
                        sanitize(&message)
                    );
                    last_error = message;
                }
            }
        }
        std::thread::sleep(POLL);
    }
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
