//! The search page: one HTML page, its style sheet, its script and its icon, compiled into the
//! binary (no CDN, no build step; it works offline).
//!
//! Owns serving those files with their types. What the page does is `page.js`'s: it asks
//! `/api/search` and `/api/article` and sets every piece of article text as text
//! (`textContent`), never as HTML; the router's Content-Security-Policy lets only these
//! files' own script run, so markup in an article could not run even if it were parsed.

use axum::body::Body;
use axum::http::{HeaderValue, Response, header};

const PAGE: &str = include_str!("page.html");
const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");
const ICON: &str = include_str!("favicon.svg");

/// `GET /`: the page; the query, page and open article live in its URL.
pub async fn page() -> Response<Body> {
    asset("text/html; charset=utf-8", PAGE)
}

/// `GET /assets/page.css`
pub async fn style() -> Response<Body> {
    asset("text/css; charset=utf-8", STYLE)
}

/// `GET /assets/page.js`
pub async fn script() -> Response<Body> {
    asset("text/javascript; charset=utf-8", SCRIPT)
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
