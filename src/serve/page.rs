//! The search page: one HTML page, its style sheet, its scripts and its icon, compiled into
//! the binary (no CDN, no build step; it works offline).
//!
//! Owns serving those files with their types. What the page does is `page.js`'s: it asks
//! `/api/search` and `/api/article` and sets every piece of article text as text
//! (`textContent`), never as HTML; the router's Content-Security-Policy lets only these
//! files' own script run, so markup in an article could not run even if it were parsed.

use std::sync::LazyLock;

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

/// The assets' version: a hash of their text, in their URLs (`/assets/{VERSION}/page.js`).
/// A browser keeps a file of this version for good and asks for none of them again when the
/// next search opens the page: each asked for anew (with `no-cache` and no validator) put the
/// page's first results 125 ms after it was opened at 1 GB, its search taking 28 ms of that.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    let hash = ASSETS
        .iter()
        .flat_map(|(name, _, text)| name.bytes().chain(text.bytes()))
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{hash:016x}")
});

/// The page, its assets' URLs carrying their version.
static VERSIONED_PAGE: LazyLock<String> =
    LazyLock::new(|| PAGE.replace("/assets/", &format!("/assets/{}/", *VERSION)));

/// `GET /`: the page; the search and the open article live in its URL.
pub async fn page() -> Response<Body> {
    asset(
        "text/html; charset=utf-8",
        &VERSIONED_PAGE,
        Caching::Revalidate,
    )
}

/// `GET /assets/{version}/{file}`: one of [`ASSETS`], else a 404. Kept for good when the
/// version is this binary's; a page of another asks again each time.
pub async fn assets(
    Path((version, file)): Path<(String, String)>,
) -> Result<Response<Body>, ApiError> {
    let caching = if version == *VERSION {
        Caching::Forever
    } else {
        Caching::Revalidate
    };
    ASSETS
        .iter()
        .find(|(name, _, _)| *name == file)
        .map(|&(_, kind, text)| asset(kind, text, caching))
        .ok_or_else(|| ApiError::not_found("no such file in the page's assets"))
}

/// `GET /favicon.svg` (and `/favicon.ico`, which browsers ask for unprompted).
pub async fn icon() -> Response<Body> {
    asset("image/svg+xml", ICON, Caching::Revalidate)
}

/// How long a browser may keep a file.
#[derive(Clone, Copy)]
enum Caching {
    /// Asked for again each time: it changes with the binary, under the same URL.
    Revalidate,
    /// Kept: its URL changes when it does.
    Forever,
}

fn asset(kind: &'static str, text: &'static str, caching: Caching) -> Response<Body> {
    let mut response = Response::new(Body::from(text));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(match caching {
            Caching::Revalidate => "no-cache",
            Caching::Forever => "public, max-age=31536000, immutable",
        }),
    );
    response
}
