//! The search page: one HTML page, its style sheet, its scripts and its icon, compiled into
//! the binary (no CDN, no build step; it works offline).
//!
//! Owns serving those files with their types. What the page does is `page.js`'s: it asks
//! `/api/search` and `/api/article` and sets every piece of article text as text
//! (`textContent`), never as HTML; the router's Content-Security-Policy lets only these
//! files' own script run, so markup in an article could not run even if it were parsed.

use axum::body::Body;
use axum::extract::Path;
use axum::http::{HeaderValue, Response, header};

use super::error::ApiError;

const PAGE: &str = include_str!("page.html");
const ICON: &str = include_str!("favicon.svg");

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// The files under `/assets/`: the style sheet, and the script in a module a concern (the
/// page and its URL, the timeline, the facets, following), which the browser loads as ES modules.
const ASSETS: [(&str, &str, &str); 6] = [
    ("page.css", CSS, include_str!("page.css")),
    ("page.js", JS, include_str!("page.js")),
    ("url.js", JS, include_str!("url.js")),
    ("timeline.js", JS, include_str!("timeline.js")),
    ("facets.js", JS, include_str!("facets.js")),
    ("follow.js", JS, include_str!("follow.js")),
];

/// `GET /`: the page; the search and the open article live in its URL.
pub async fn page() -> Response<Body> {
    asset("text/html; charset=utf-8", PAGE)
}

/// `GET /assets/{file}`: one of [`ASSETS`], else a 404.
pub async fn assets(Path(file): Path<String>) -> Result<Response<Body>, ApiError> {
    ASSETS
        .iter()
        .find(|(name, _, _)| *name == file)
        .map(|&(_, kind, text)| asset(kind, text))
        .ok_or_else(|| ApiError::not_found("no such file in the page's assets"))
}

/// `GET /favicon.svg` (and `/favicon.ico`, which browsers ask for unprompted).
pub async fn icon() -> Response<Body> {
    asset("image/svg+xml", ICON)
}

fn asset(kind: &'static str, text: &'static str) -> Response<Body> {
    let mut response = Response::new(Body::from(text));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // Small files that change with the binary: revalidate rather than serve a stale page.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
