//! The API's query parameters: a URL's query string → the same [`Request`] that `newsdex
//! search` builds from its flags, or the article to read.
//!
//! Owns decoding the query string (percent-decoding that refuses bytes that are not UTF-8,
//! rather than searching for replacement characters), the parameters' names (those of
//! `search`'s flags: `q`, `limit`, `offset`, `articles`, `plain`, `all`, `per_article`,
//! `since`, `until`, `place`, `agency`, `sort`, `explain`, `facets`) and the bounds a server
//! keeps (a page of at most [`MAX_LIMIT`], no deeper than [`MAX_OFFSET`]). Every fault is a
//! 400 that names the parameter. A filter that `search` gains is one field of
//! [`SearchParams`], one arm in its `parse` and one line in its `request`, under the flag's
//! name.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

use super::error::ApiError;
use crate::dates::{Day, parse_day};
use crate::query::Syntax;
use crate::search::{DEFAULT_LIMIT, DEFAULT_PER_ARTICLE, Request, Sort};

/// The most hits one request returns: a page, not an export.
pub const MAX_LIMIT: usize = 100;
/// The deepest a request pages: ranking 10,000 passages to show the last ten is not a search.
pub const MAX_OFFSET: usize = 10_000;

/// `/api/search`'s parameters, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchParams {
    /// The query, in the syntax of `newsdex search`.
    pub q: String,
    pub limit: usize,
    pub offset: usize,
    pub articles: bool,
    pub plain: bool,
    /// Every near-duplicate article on its own (`--all`).
    pub all: bool,
    /// Most passages of one article (`--per-article`; 0 for all).
    pub per_article: usize,
    /// Only articles dated within these days (`--since`, `--until`: dates or ages).
    pub since: Option<Day>,
    pub until: Option<Day>,
    /// Only articles filed from this place, by this agency (`--place`, `--agency`).
    pub place: Option<String>,
    pub agency: Option<String>,
    /// Newest first (`--sort date`) instead of best first.
    pub by_date: bool,
    /// Each hit's score taken apart (`--explain`).
    pub explain: bool,
    /// The matching stories by place, agency and date (`--facets`).
    pub facets: bool,
}

/// The names `/api/search` knows, for the message about one it does not.
const SEARCH_NAMES: &str = "q, limit, offset, articles, plain, all, per_article, since, until, \
     place, agency, sort, explain, facets";

impl SearchParams {
    /// Reads `q=…&limit=…&offset=…&articles=…&plain=…` (`q` required; `limit` 1 to
    /// [`MAX_LIMIT`], default 10; `offset` 0 to [`MAX_OFFSET`]; flags `true`/`false`, `1`/`0`,
    /// or bare for true).
    pub fn parse(query: Option<&str>) -> Result<SearchParams, ApiError> {
        let mut q = None;
        let mut params = SearchParams {
            q: String::new(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            articles: false,
            plain: false,
            all: false,
            per_article: DEFAULT_PER_ARTICLE,
            since: None,
            until: None,
            place: None,
            agency: None,
            by_date: false,
            explain: false,
            facets: false,
        };
        let today = Day::today();
        let day = |name: &str, value: &str| {
            parse_day(value, today)
                .map_err(|err| ApiError::bad_request(format!("`{name}`: {}", shown(&err))))
        };
        for (name, value) in pairs(query)? {
            match name.as_str() {
                "q" => q = Some(value),
                "limit" => params.limit = number(&name, &value, 1, MAX_LIMIT)?,
                "offset" => params.offset = number(&name, &value, 0, MAX_OFFSET)?,
                "articles" => params.articles = flag(&name, &value)?,
                "plain" => params.plain = flag(&name, &value)?,
                "all" => params.all = flag(&name, &value)?,
                "per_article" => params.per_article = number(&name, &value, 0, MAX_LIMIT)?,
                "since" => params.since = Some(day(&name, &value)?),
                "until" => params.until = Some(day(&name, &value)?),
                "place" => params.place = filter(value),
                "agency" => params.agency = filter(value),
                "sort" => {
                    params.by_date = match value.as_str() {
                        "relevance" => false,
                        "date" => true,
                        other => {
                            return Err(ApiError::bad_request(format!(
                                "`sort` must be relevance or date, not `{}`",
                                shown(other)
                            )));
                        }
                    }
                }
                "explain" => params.explain = flag(&name, &value)?,
                "facets" => params.facets = flag(&name, &value)?,
                _ => return Err(unknown(&name, SEARCH_NAMES)),
            }
        }
        params.q = required_query(q, "q", "the query")?;
        if let (Some(since), Some(until)) = (params.since, params.until)
            && since > until
        {
            return Err(ApiError::bad_request(format!(
                "`since` {since} is after `until` {until}"
            )));
        }
        Ok(params)
    }

    /// The search these parameters ask for, as `newsdex search` would build it.
    pub fn request(&self) -> Request<'_> {
        Request {
            syntax: if self.plain {
                Syntax::Plain
            } else {
                Syntax::Full
            },
            limit: self.limit,
            offset: self.offset,
            articles: self.articles,
            collapse: !self.all,
            per_article: self.per_article,
            since: self.since,
            until: self.until,
            place: self.place.as_deref(),
            agency: self.agency.as_deref(),
            sort: if self.by_date {
                Sort::Date
            } else {
                Sort::Relevance
            },
            explain: self.explain,
            facets: self.facets,
            ..Request::new(&self.q)
        }
    }
}

/// `/api/article`'s parameters, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleParams {
    /// The article's path exactly as `/api/search` shows it.
    pub path: String,
    /// A query whose words to mark, as `show --highlight`.
    pub highlight: Option<String>,
}

const ARTICLE_NAMES: &str = "path, highlight";

impl ArticleParams {
    /// Reads `path=…&highlight=…` (`path` required).
    pub fn parse(query: Option<&str>) -> Result<ArticleParams, ApiError> {
        let (mut path, mut highlight) = (None, None);
        for (name, value) in pairs(query)? {
            match name.as_str() {
                "path" => path = Some(value),
                "highlight" => highlight = Some(value).filter(|text| !text.trim().is_empty()),
                _ => return Err(unknown(&name, ARTICLE_NAMES)),
            }
        }
        let path = path.filter(|path| !path.is_empty()).ok_or_else(|| {
            ApiError::bad_request(
                "missing parameter `path` (the article's path, as /api/search shows it)",
            )
        })?;
        Ok(ArticleParams { path, highlight })
    }
}

/// The query string's `name=value` pairs, percent-decoded (`+` is a space); a name given twice
/// or a byte sequence that is not UTF-8 is an error.
fn pairs(query: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for pair in query.unwrap_or_default().split('&') {
        if pair.is_empty() {
            continue;
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode(name, "a parameter name")?;
        let value = decode(value, &format!("parameter `{}`", shown(&name)))?;
        if pairs.iter().any(|(seen, _)| *seen == name) {
            return Err(ApiError::bad_request(format!(
                "parameter `{}` is given twice",
                shown(&name)
            )));
        }
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// One percent-encoded component as text.
fn decode(encoded: &str, what: &str) -> Result<String, ApiError> {
    let spaced: Cow<str> = if encoded.contains('+') {
        encoded.replace('+', " ").into()
    } else {
        encoded.into()
    };
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| {
            ApiError::bad_request(format!(
                "{what} is not UTF-8 text (its percent-encoded bytes must spell UTF-8)"
            ))
        })
}

/// A whole number from `min` to `max`.
fn number(name: &str, value: &str, min: usize, max: usize) -> Result<usize, ApiError> {
    value
        .parse::<usize>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "`{name}` must be a whole number from {min} to {max}, not `{}`",
                shown(value)
            ))
        })
}

/// `true`, `1` or nothing (`?articles`) for true; `false` or `0` for false.
fn flag(name: &str, value: &str) -> Result<bool, ApiError> {
    match value {
        "" | "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        other => Err(ApiError::bad_request(format!(
            "`{name}` must be true or false, not `{}`",
            shown(other)
        ))),
    }
}

/// A place or agency to keep to; empty (`place=`) keeps to none, as leaving it out does.
fn filter(value: String) -> Option<String> {
    Some(value).filter(|value| !value.trim().is_empty())
}

/// A query parameter that must hold something to search for.
fn required_query(value: Option<String>, name: &str, what: &str) -> Result<String, ApiError> {
    match value {
        Some(text) if !text.trim().is_empty() => Ok(text),
        Some(_) => Err(ApiError::bad_request(format!("`{name}` ({what}) is empty"))),
        None => Err(ApiError::bad_request(format!(
            "missing parameter `{name}` ({what})"
        ))),
    }
}

fn unknown(name: &str, known: &str) -> ApiError {
    ApiError::bad_request(format!(
        "unknown parameter `{}` (this route takes {known})",
        shown(name)
    ))
}

/// A client's text quoted in a message: at most 40 characters, control characters escaped.
fn shown(text: &str) -> String {
    let mut cut: String = text.chars().take(40).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    crate::output::sanitize(&cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(query: &str) -> Result<SearchParams, String> {
        SearchParams::parse(Some(query)).map_err(|err| err.message)
    }

    #[test]
    fn search_parameters_read_as_the_cli_reads_its_flags() {
        let params = search("q=cease-fire&limit=5&offset=10&articles&plain=0").expect("valid");
        assert_eq!(
            params,
            SearchParams {
                q: "cease-fire".into(),
                limit: 5,
                offset: 10,
                articles: true,
                plain: false,
                all: false,
                per_article: 2,
                since: None,
                until: None,
                place: None,
                agency: None,
                by_date: false,
                explain: false,
                facets: false,
            }
        );
        let request = params.request();
        assert_eq!(
            (
                request.query,
                request.limit,
                request.offset,
                request.articles
            ),
            ("cease-fire", 5, 10, true)
        );
        assert_eq!(request.syntax, Syntax::Full);
        assert_eq!(
            search("q=a&plain=true").expect("valid").request().syntax,
            Syntax::Plain
        );
        assert_eq!(search("q=a").expect("valid").limit, 10);
    }

    #[test]
    fn place_and_agency_filter_beside_the_query_not_in_it() {
        let params = search("q=opec&place=new+york&agency=Reuter").expect("valid");
        let request = params.request();
        assert_eq!(
            (request.query, request.place, request.agency),
            ("opec", Some("new york"), Some("Reuter"))
        );
        assert_eq!(search("q=opec&place=").expect("valid").place, None);
    }

    #[test]
    fn values_are_percent_decoded_and_plus_is_a_space() {
        assert_eq!(
            search("q=%22cease-fire%22+deal").expect("valid").q,
            "\"cease-fire\" deal"
        );
        assert_eq!(search("q=Z%C3%BCrich").expect("valid").q, "Zürich");
        assert_eq!(search("q=a%2Bb").expect("valid").q, "a+b");
    }

    #[test]
    fn each_bad_parameter_is_named() {
        let cases = [
            ("", "missing parameter `q`"),
            ("limit=5", "missing parameter `q`"),
            ("q=", "`q` (the query) is empty"),
            ("q=+++", "`q` (the query) is empty"),
            (
                "q=a&limit=1000000000",
                "`limit` must be a whole number from 1 to 100, not `1000000000`",
            ),
            (
                "q=a&limit=0",
                "`limit` must be a whole number from 1 to 100",
            ),
            (
                "q=a&limit=-1",
                "`limit` must be a whole number from 1 to 100, not `-1`",
            ),
            ("q=a&limit=ten", "not `ten`"),
            ("q=a&limit=", "not ``"),
            (
                "q=a&offset=-5",
                "`offset` must be a whole number from 0 to 10000, not `-5`",
            ),
            (
                "q=a&offset=10001",
                "`offset` must be a whole number from 0 to 10000",
            ),
            (
                "q=a&offset=99999999999999999999999",
                "`offset` must be a whole number",
            ),
            (
                "q=a&articles=maybe",
                "`articles` must be true or false, not `maybe`",
            ),
            ("q=a&q=b", "parameter `q` is given twice"),
            (
                "q=a&limt=5",
                "unknown parameter `limt` (this route takes q, limit, offset",
            ),
            ("q=%FF%FE", "parameter `q` is not UTF-8 text"),
            ("q=%C3", "parameter `q` is not UTF-8 text"),
            ("%FF=1", "a parameter name is not UTF-8 text"),
        ];
        for (query, expected) in cases {
            let message = search(query).expect_err(query);
            assert!(message.contains(expected), "{query}: {message}");
        }
    }

    #[test]
    fn a_long_value_is_quoted_short() {
        let query = format!("q=a&limit={}", "9".repeat(5000));
        let message = search(&query).expect_err("too big");
        assert!(message.len() < 120, "{message}");
    }

    #[test]
    fn article_parameters_need_a_path() {
        let params =
            ArticleParams::parse(Some("path=corpus%2Fa.txt&highlight=cease-fire")).expect("valid");
        assert_eq!(params.path, "corpus/a.txt");
        assert_eq!(params.highlight.as_deref(), Some("cease-fire"));
        assert_eq!(
            ArticleParams::parse(Some("path=a&highlight="))
                .expect("valid")
                .highlight,
            None
        );
        for query in ["", "path=", "highlight=x", "path=a&file=b"] {
            let err = ArticleParams::parse(Some(query)).expect_err(query);
            assert_eq!(err.status, axum::http::StatusCode::BAD_REQUEST, "{query}");
        }
    }
}
