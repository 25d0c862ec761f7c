//! `newsdex serve`: the search engine over HTTP, a JSON API and a search page.
//!
//! The pipeline, one module a concern: [`listen`] accepts connections and speaks HTTP;
//! [`router`] (here) sends each request through the layers that bound it (time, size,
//! searches at once) to a route; [`api`] answers the JSON routes by way of [`params`] (query
//! string → the `Request` the CLI builds) and the [`State`] shared by every request (the
//! opened index, swapped when a new commit lands); [`page`] serves the embedded page; [`error`]
//! gives every error one JSON shape. Searching is [`crate::search`]'s and the JSON contract
//! [`crate::output`]'s: the server adds no ranking and no fields of its own to a hit.

pub mod api;
pub mod error;
pub mod listen;
pub mod page;
pub mod params;
pub mod state;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use error::ApiError;
pub use state::{Refresh, State};

/// The longest URL answered (path and query): a query of a few hundred words fits; a 100 KB
/// one is a 414, not a search.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// Only the page's own files may run or style it; it talks to this server alone.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// What bounds the server's work. [`Limits::default`] is what `newsdex serve` uses; tests
/// shorten the times.
#[derive(Debug, Clone)]
pub struct Limits {
    /// How long a client may take to send a request's head (line and headers).
    pub header_read: Duration,
    /// How long a request may take, waiting for a search slot included: then a 503.
    pub request: Duration,
    /// Searches (and article reads) run at once; more wait their turn.
    pub searches: usize,
    /// Connections open at once; more wait to be accepted.
    pub connections: usize,
    /// The largest request body accepted (the API reads none).
    pub body_bytes: usize,
    /// How often to look for a new commit.
    pub reload_every: Duration,
    /// How long requests under way may take to finish once the server is stopping.
    pub drain: Duration,
    /// Pages following a query (`/api/follow` streams) at once: each holds a thread that polls
    /// the index; more are a 503.
    pub follows: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Limits {
            header_read: Duration::from_secs(10),
            request: Duration::from_secs(10),
            // Searches are CPU work on a mapped index: one per core keeps every core busy, a
            // second one per core covers the moments a search waits on the disk.
            searches: 2 * cores,
            connections: 1024,
            body_bytes: 16 * 1024,
            reload_every: Duration::from_secs(1),
            drain: Duration::from_secs(5),
            // A newsroom's desk, not the public: a few dozen open pages, each asleep between
            // commits.
            follows: 32,
        }
    }
}

/// Every route, behind the layers that bound it: the whole server but the sockets.
pub fn router(state: Arc<State>, limits: &Limits) -> Router {
    let api = Router::new()
        .route("/api/search", get(api::search))
        .route("/api/article", get(api::article))
        .layer(GlobalConcurrencyLimitLayer::new(limits.searches));
    let routes = Router::new()
        .route("/", get(page::page))
        .route("/assets/{version}/{file}", get(page::assets))
        .route("/favicon.svg", get(page::icon))
        .route("/favicon.ico", get(page::icon))
        .route("/healthz", get(api::healthz))
        .merge(api)
        // Not behind the search slots: a stream stays open, and its searches are one a commit.
        .route(
            "/api/follow",
            get(api::follow).layer(Extension(api::Follows(Arc::new(Semaphore::new(
                limits.follows,
            ))))),
        )
        .with_state(state);
    bounded(routes, limits)
}

/// `routes` behind the layers every route runs behind, outermost first: a panic is a 500;
/// answers are compressed and carry the security headers; every error is JSON; a URL over
/// [`MAX_URL_BYTES`] is a 414; a request over `limits.request` a 503; a body over
/// `limits.body_bytes` a 413. Unknown routes are 404s, other methods 405s.
pub fn bounded(routes: Router, limits: &Limits) -> Router {
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    routes
        .fallback(|| async {
            ApiError::not_found(
                "no such route (try /, /api/search?q=…, /api/follow?q=…, /api/article?path=…, /healthz)",
            )
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "this route only answers GET",
            )
        })
        .layer(
            ServiceBuilder::new()
                .layer(CatchPanicLayer::custom(error::panicked))
                .layer(CompressionLayer::new())
                .layer(header(
                    header::CONTENT_SECURITY_POLICY,
                    CONTENT_SECURITY_POLICY,
                ))
                .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                .layer(header(header::REFERRER_POLICY, "no-referrer"))
                .layer(middleware::map_response(error::json_errors))
                .layer(middleware::from_fn(reject_long_urls))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    limits.request,
                ))
                .layer(RequestBodyLimitLayer::new(limits.body_bytes)),
        )
}

/// A URL longer than [`MAX_URL_BYTES`] is a 414 before anything reads it.
async fn reject_long_urls(request: Request, next: Next) -> Response {
    let length = request
        .uri()
        .path_and_query()
        .map_or(0, |url| url.as_str().len());
    if length > MAX_URL_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            format!(
                "the URL is {length} bytes, over the {MAX_URL_BYTES} answered; shorten the query"
            ),
        )
        .into_response();
    }
    next.run(request).await
}

/// Serves on `listener` until `shutdown` completes, picking up new commits as they land.
pub async fn run(
    listener: TcpListener,
    state: Arc<State>,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let watcher = tokio::spawn(Arc::clone(&state).watch(limits.reload_every));
    listen::serve(listener, router(state, &limits), &limits, shutdown).await;
    watcher.abort();
}
