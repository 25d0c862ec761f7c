//! The server's API, in process: requests go through the router (`tower::ServiceExt::oneshot`)
//! over a temp copy of the sample corpus plus a hostile article, and the answers are checked
//! as a client reads them: the hits `search --json` prints, the articles `show --json` prints,
//! a 4xx in one JSON shape for every bad input, 404 for every path that is not an indexed
//! article, 503 before the index has a commit, and no failed request while `index` commits.
//! The last tests serve on a real socket, for what only a socket shows (a slow client).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request};
use serde::Deserialize;
use tempfile::TempDir;
use tower::ServiceExt;

use common::{HOSTILE, HOSTILE_NAME, Hit, LEBANON, LEBANON_PASSAGE};
use newsdex::indexer::{IndexConfig, index_corpus};
use newsdex::serve::{self, Limits, Refresh, State};

const BIN: &str = env!("CARGO_BIN_EXE_newsdex");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Found {
    total: Total,
    more: bool,
    offset: usize,
    limit: usize,
    took_ms: f64,
    unmatched: Vec<String>,
    cut_from: Option<usize>,
    did_you_mean: Option<String>,
    hits: Vec<Hit>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Total {
    count: u64,
    at_least: bool,
}

/// `/api/article`'s answer: `show --json`'s fields.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Article {
    path: String,
    id: Option<String>,
    date: String,
    date_source: String,
    title: String,
    dateline: String,
    title_highlights: Vec<[usize; 2]>,
    file: String,
    paragraphs: Vec<Paragraph>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Paragraph {
    number: u64,
    text: String,
    highlights: Vec<[usize; 2]>,
}

/// Every error: a status and a message, nothing else.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Error {
    status: u16,
    error: String,
}

/// A temp folder with `corpus/` (the sample articles and a hostile one) and `idx/`.
struct Fixture {
    root: TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let root = TempDir::new().expect("temp dir");
        common::copy_sample_corpus(&root.path().join("corpus"));
        fs::write(root.path().join("corpus").join(HOSTILE_NAME), HOSTILE).expect("write");
        Fixture { root }
    }

    fn indexed() -> Fixture {
        let fixture = Fixture::new();
        fixture.index();
        fixture
    }

    fn corpus(&self) -> PathBuf {
        self.root.path().join("corpus")
    }

    fn index_dir(&self) -> PathBuf {
        self.root.path().join("idx")
    }

    fn index(&self) {
        index_corpus(&self.config(self.corpus())).expect("index the corpus");
    }

    /// Indexing `corpus` into `idx/`.
    fn config(&self, corpus: PathBuf) -> IndexConfig {
        IndexConfig {
            corpus,
            index_dir: self.index_dir(),
            extensions: None,
            progress: false,
            memory_budget: 50 * 1024 * 1024,
            repair: false,
            year: None,
        }
    }

    fn state(&self) -> Arc<State> {
        Arc::new(State::open(&self.index_dir()).expect("open the index"))
    }

    /// `newsdex ARGS… --index idx` from this crate's folder (the test's own current folder,
    /// so paths print as the server prints them): stdout.
    fn cli(&self, args: &[&str]) -> String {
        let out = Command::new(BIN)
            .args(args)
            .arg("--index")
            .arg(self.index_dir())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("run newsdex");
        String::from_utf8(out.stdout).expect("UTF-8")
    }
}

/// One indexed fixture and its router, shared by the tests that only read.
fn served() -> &'static (Fixture, Router) {
    static SERVED: OnceLock<(Fixture, Router)> = OnceLock::new();
    SERVED.get_or_init(|| {
        let fixture = Fixture::indexed();
        let app = serve::router(fixture.state(), &Limits::default());
        (fixture, app)
    })
}

/// An answer through the router: status, content type, body.
struct Answer {
    status: u16,
    kind: String,
    body: String,
}

impl Answer {
    fn json<T: for<'de> Deserialize<'de>>(&self) -> T {
        assert_eq!(self.kind, "application/json", "{}", self.body);
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("unexpected JSON ({err}): {}", self.body))
    }

    /// The answer as an error, checked to be one: JSON, its status in the body too.
    fn error(&self) -> Error {
        let error: Error = self.json();
        assert_eq!(error.status, self.status);
        error
    }
}

async fn call(app: &Router, method: Method, target: &str) -> Answer {
    let request = Request::builder()
        .method(method)
        .uri(target)
        .body(Body::empty())
        .expect("a request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|kind| kind.to_str().expect("ASCII").to_string())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body");
    Answer {
        status,
        kind,
        body: String::from_utf8(bytes.to_vec()).expect("UTF-8"),
    }
}

async fn get(app: &Router, target: &str) -> Answer {
    call(app, Method::GET, target).await
}

/// A value as a URL's query string needs it.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

async fn search(app: &Router, query: &str, more: &str) -> Found {
    let answer = get(app, &format!("/api/search?q={}{more}", encoded(query))).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()
}

#[tokio::test]
async fn search_answers_what_search_json_prints() {
    let (fixture, app) = served();
    for (query, more, flags) in [
        ("\"cease-fire\"", "&limit=5", vec!["--limit", "5"]),
        ("cease fire talks", "&articles=1", vec!["--articles"]),
        (
            "cease fire",
            "&limit=3&offset=4",
            vec!["--limit", "3", "--offset", "4"],
        ),
        ("title:talks -syria", "&plain=true", vec!["--plain"]),
        (
            "cease fire",
            "&all=1&per_article=0",
            vec!["--all", "--per-article", "0"],
        ),
        (
            "cease fire talks",
            "&sort=date&articles=1",
            vec!["--sort", "date", "--articles"],
        ),
        (
            "talks",
            "&since=2000-01-01&until=2100-12-31",
            vec!["--since", "2000-01-01", "--until", "2100-12-31"],
        ),
        (
            "cease fire talks",
            "&place=Ankara&agency=ap",
            vec!["--place", "ankara", "--agency", "AP"],
        ),
    ] {
        let found = search(app, query, more).await;
        let mut args = vec!["search", "--json", query];
        args.extend(flags);
        let printed: Vec<Hit> = fixture
            .cli(&args)
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON hit"))
            .collect();
        assert!(!printed.is_empty(), "{query}: search printed nothing");
        assert_eq!(found.hits, printed, "{query} {more}");
    }
}

#[tokio::test]
async fn search_counts_pages_and_marks() {
    let (_, app) = served();
    let found = search(app, "\"cease-fire\"", "&limit=2").await;
    assert_eq!((found.total.count, found.total.at_least), (7, false));
    assert_eq!((found.offset, found.limit, found.more), (0, 2, true));
    assert!(found.took_ms > 0.0 && found.unmatched.is_empty() && found.cut_from.is_none());
    let first = &found.hits[0];
    assert!(first.path.ends_with(LEBANON) && first.text.starts_with(LEBANON_PASSAGE));
    assert_eq!(first.highlighted(), ["cease-fire"]);
    assert_eq!(first.dateline, "BEIRUT");

    let second_page = search(app, "\"cease-fire\"", "&limit=2&offset=2").await;
    let ranks: Vec<usize> = second_page.hits.iter().map(|hit| hit.rank).collect();
    assert_eq!(ranks, [3, 4]);
    let past_the_end = search(app, "\"cease-fire\"", "&offset=100").await;
    assert!(past_the_end.hits.is_empty() && past_the_end.total.count == 7);
    assert!(!past_the_end.more);

    let missing = search(app, "thacher", "").await;
    assert!(missing.hits.is_empty());
    assert_eq!(missing.unmatched, ["thacher"]);
    let misspelt = search(app, "cease firre", "").await;
    assert_eq!(misspelt.did_you_mean.as_deref(), Some("cease fire"));
}

#[tokio::test]
async fn explain_and_date_filters_take_the_search_flags_names() {
    let (_, app) = served();
    let answer = get(app, "/api/search?q=talks&explain=1&limit=1").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    let hit = &body["hits"][0];
    let explained = hit["explanation"]["value"].as_f64().unwrap();
    assert!(
        (explained - hit["score"].as_f64().unwrap()).abs() < 1e-3,
        "{hit}"
    );
    for bad in [
        "since=yesterday",
        "until=2019-02-30",
        "sort=newest",
        "per_article=-1",
    ] {
        let answer = get(app, &format!("/api/search?q=talks&{bad}")).await;
        assert_eq!(answer.status, 400, "{bad}: {}", answer.body);
    }
    let reversed = get(app, "/api/search?q=talks&since=2020-01-01&until=2019-01-01").await;
    assert_eq!(reversed.status, 400);
}

#[tokio::test]
async fn article_is_what_show_json_prints() {
    let (fixture, app) = served();
    let hit = search(app, "\"cease-fire\"", "&limit=1")
        .await
        .hits
        .remove(0);
    let target = format!(
        "/api/article?path={}&highlight={}",
        encoded(&hit.path),
        encoded("\"cease-fire\"")
    );
    let answer = get(app, &target).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let article: Article = answer.json();
    let shown: Article = serde_json::from_str(&fixture.cli(&[
        "show",
        "--json",
        &hit.path,
        "--highlight",
        "\"cease-fire\"",
    ]))
    .expect("show --json");
    assert_eq!(article, shown);
    let first = &article.paragraphs[0];
    let [start, end] = first.highlights[0];
    assert_eq!(&first.text[start..end], "cease-fire");
    assert_eq!(article.title, hit.title);
}

/// The hostile article is served as the text it is: markup is data, never interpreted.
#[tokio::test]
async fn markup_in_an_article_comes_back_as_text() {
    let (_, app) = served();
    let found = search(app, "zanzibarite", "").await;
    let hit = &found.hits[0];
    assert!(
        hit.title.starts_with("<script>window.pwned"),
        "{}",
        hit.title
    );
    let answer = get(app, &format!("/api/article?path={}", encoded(&hit.path))).await;
    let article: Article = answer.json();
    assert!(article.paragraphs[0].text.contains("<img src=x onerror="));
}

#[tokio::test]
async fn only_indexed_articles_can_be_read() {
    let (fixture, app) = served();
    let hit = search(app, "\"cease-fire\"", "&limit=1")
        .await
        .hits
        .remove(0);
    let corpus = fixture.corpus();
    let corpus = corpus.to_str().expect("UTF-8 temp path");
    let secret = fixture.root.path().join("secret.txt");
    fs::write(&secret, "Secret\n\nnever to be served\n").expect("write");
    let tricks = [
        "/etc/passwd".to_string(),
        "../../../../etc/passwd".to_string(),
        format!("{corpus}/../secret.txt"),
        secret.display().to_string(),
        format!("{corpus}/./{LEBANON}"),
        format!("{corpus}//{LEBANON}"),
        format!("{corpus}/../corpus/{LEBANON}"),
        format!("{corpus}/{LEBANON}/"),
        format!("{corpus}/{LEBANON}\0"),
        format!("{corpus}/no-such-article.txt"),
        format!("{corpus}/{}", "idx/meta.json"),
        "corpus/".to_string() + LEBANON,
        LEBANON.to_string(),
        format!("file://{}", hit.path),
        format!("http://localhost/{}", hit.path),
        "..".to_string(),
        ".".to_string(),
    ];
    for path in &tricks {
        let answer = get(app, &format!("/api/article?path={}", encoded(path))).await;
        assert_eq!(answer.status, 404, "{path:?}: {}", answer.body);
        assert!(answer.error().error.starts_with("no article `"), "{path:?}");
    }
    // Encodings a decoder might undo once too often, or not at all: all 404, none a read.
    for raw in [
        "..%2f..%2f..%2fetc%2fpasswd",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "%252e%252e%252fetc%252fpasswd",
        "%2Fetc%2Fpasswd",
        "..%5c..%5cetc%5cpasswd",
        "%c0%ae%c0%ae%2fetc%2fpasswd",
    ] {
        let answer = get(app, &format!("/api/article?path={raw}")).await;
        assert!(
            matches!(answer.status, 400 | 404),
            "{raw}: {} {}",
            answer.status,
            answer.body
        );
        assert!(!answer.body.contains("root:"), "{raw}");
    }
    // The hit's own path, percent-encoded or not, is the article.
    for target in [
        format!("/api/article?path={}", hit.path),
        format!("/api/article?path={}", encoded(&hit.path)),
    ] {
        assert_eq!(get(app, &target).await.status, 200, "{target}");
    }
}

/// A symlink is never followed: one placed in the corpus is never indexed, and one that
/// replaces an indexed article after indexing is not read (the text indexed is served).
#[tokio::test]
async fn symlinks_are_never_followed() {
    let fixture = Fixture::new();
    let secret = fixture.root.path().join("secret.txt");
    fs::write(&secret, "Secret Title\n\nThe quokkasecret paragraph.\n").expect("write");
    std::os::unix::fs::symlink(&secret, fixture.corpus().join("link.txt")).expect("symlink");
    fixture.index();
    let app = serve::router(fixture.state(), &Limits::default());
    assert!(search(&app, "quokkasecret", "").await.hits.is_empty());
    let link = fixture.corpus().join("link.txt");
    let answer = get(
        &app,
        &format!("/api/article?path={}", encoded(&link.display().to_string())),
    )
    .await;
    assert_eq!(answer.status, 404);

    let hit = search(&app, "\"cease-fire\"", "&limit=1")
        .await
        .hits
        .remove(0);
    let article = Path::new(&hit.path);
    fs::remove_file(article).expect("remove the article");
    std::os::unix::fs::symlink(&secret, article).expect("symlink");
    let answer = get(&app, &format!("/api/article?path={}", encoded(&hit.path))).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let served: Article = answer.json();
    assert_ne!(served.file, "unchanged");
    assert!(served.paragraphs[0].text.starts_with(LEBANON_PASSAGE));
    assert!(!answer.body.contains("quokkasecret"));
}

#[tokio::test]
async fn every_bad_input_is_a_4xx_that_says_what_is_wrong() {
    let (_, app) = served();
    let words = |n: usize| {
        (0..n)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join("+")
    };
    let cases: Vec<(String, u16, &str)> = vec![
        (
            format!("/api/search?q={}", "a".repeat(60_000)),
            414,
            "over the 8192 answered",
        ),
        (
            format!("/api/search?q={}", words(10_000)),
            414,
            "shorten the query",
        ),
        ("/api/search?q=%FF%FEcease".into(), 400, "`q` is not UTF-8"),
        (
            "/api/search?q=a&limit=1000000000".into(),
            400,
            "`limit` must be a whole number from 1 to 100, not `1000000000`",
        ),
        ("/api/search?q=a&limit=-5".into(), 400, "not `-5`"),
        ("/api/search?q=a&limit=ten".into(), 400, "not `ten`"),
        ("/api/search?q=a&limit=2.5".into(), 400, "not `2.5`"),
        (
            "/api/search?q=a&offset=-1".into(),
            400,
            "`offset` must be a whole number from 0 to 10000",
        ),
        ("/api/search?q=a&offset=1e9".into(), 400, "not `1e9`"),
        (
            "/api/search?q=a&articles=perhaps".into(),
            400,
            "`articles` must be true or false",
        ),
        (
            "/api/search?q=a&plain=2".into(),
            400,
            "`plain` must be true or false",
        ),
        ("/api/search?q=a&q=b".into(), 400, "given twice"),
        (
            "/api/search?q=a&colour=red".into(),
            400,
            "unknown parameter `colour`",
        ),
        ("/api/search".into(), 400, "missing parameter `q`"),
        ("/api/search?q=".into(), 400, "`q` (the query) is empty"),
        (
            "/api/search?q=%22%22".into(),
            400,
            "has nothing to search for",
        ),
        (
            "/api/search?q=%00%01%1b".into(),
            400,
            "has nothing to search for",
        ),
        ("/api/article".into(), 400, "missing parameter `path`"),
        ("/api/article?path=%FF".into(), 400, "`path` is not UTF-8"),
        (
            "/api/article?file=x".into(),
            400,
            "unknown parameter `file`",
        ),
        ("/api/nothing".into(), 404, "no such route"),
        ("/index.html".into(), 404, "no such route"),
    ];
    for (target, status, message) in &cases {
        let answer = get(app, target).await;
        let shown = &target[..target.len().min(60)];
        assert_eq!(answer.status, *status, "{shown}: {}", answer.body);
        let error = answer.error();
        assert!(error.error.contains(message), "{shown}: {}", error.error);
        assert!(error.error.len() < 300, "{shown}: {}", error.error);
    }
    for method in [Method::POST, Method::PUT, Method::DELETE] {
        let answer = call(app, method.clone(), "/api/search?q=a").await;
        assert_eq!(answer.status, 405, "{method}");
        assert_eq!(answer.error().error, "this route only answers GET");
    }
    // The server still answers.
    assert!(!search(app, "cease", "").await.hits.is_empty());
}

#[tokio::test]
async fn a_query_of_many_words_is_cut_and_says_so() {
    let (_, app) = served();
    let query: Vec<String> = (0..1000).map(|i| format!("w{i}")).collect();
    let found = search(app, &format!("cease {}", query.join(" ")), "").await;
    assert_eq!(found.cut_from, Some(1001));
    assert!(!found.hits.is_empty(), "the first words are searched");
}

#[tokio::test]
async fn layers_answer_in_the_same_json_shape() {
    let limits = Limits {
        request: Duration::from_millis(50),
        body_bytes: 10,
        ..Limits::default()
    };
    let slow = Router::new().route(
        "/slow",
        axum::routing::get(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        })
        .post(|body: String| async move { body }),
    );
    let app = serve::bounded(slow, &limits);
    let started = Instant::now();
    let answer = get(&app, "/slow").await;
    assert_eq!(answer.status, 503);
    assert!(answer.error().error.contains("too busy"));
    assert!(started.elapsed() < Duration::from_secs(2));

    let request = Request::builder()
        .method(Method::POST)
        .uri("/slow")
        .header("content-length", "100")
        .body(Body::from("x".repeat(100)))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn the_page_and_its_files_are_served_with_a_strict_policy() {
    let (_, app) = served();
    // The page names its files under their version: `/assets/{version}/page.js`.
    let page = get(app, "/").await.body;
    let script = page
        .split("<script type=\"module\" src=\"")
        .nth(1)
        .and_then(|rest| rest.split_once('"'))
        .map(|(src, _)| src.to_string())
        .expect("the page's script");
    let assets = script.strip_suffix("page.js").expect("a versioned page.js");
    assert!(assets.starts_with("/assets/") && assets.len() > "/assets/".len() + 1);
    let asset = |file: &str| format!("{assets}{file}");
    for (target, kind, contains) in [
        (
            "/".to_string(),
            "text/html; charset=utf-8",
            "<link rel=\"modulepreload\"",
        ),
        (
            "/?q=cease-fire".to_string(),
            "text/html; charset=utf-8",
            "id=\"results\"",
        ),
        (
            asset("page.js"),
            "text/javascript; charset=utf-8",
            "textContent",
        ),
        (asset("page.css"), "text/css; charset=utf-8", "mark"),
        (
            asset("url.js"),
            "text/javascript; charset=utf-8",
            "URLSearchParams",
        ),
        (
            asset("timeline.js"),
            "text/javascript; charset=utf-8",
            "createElementNS",
        ),
        (
            asset("facets.js"),
            "text/javascript; charset=utf-8",
            "aria-pressed",
        ),
        ("/favicon.svg".to_string(), "image/svg+xml", "<svg"),
        ("/favicon.ico".to_string(), "image/svg+xml", "<svg"),
    ] {
        let answer = get(app, &target).await;
        assert_eq!(
            (answer.status, answer.kind.as_str()),
            (200, kind),
            "{target}"
        );
        assert!(answer.body.contains(contains), "{target}");
    }
    // The page's own files are kept for good; a page of another version asks each time,
    // and the page itself is always asked for again.
    let caching = |target: String| async move {
        let request = Request::builder()
            .uri(target)
            .body(Body::empty())
            .expect("request");
        let response = app.clone().oneshot(request).await.expect("infallible");
        response.headers()["cache-control"]
            .to_str()
            .expect("ASCII")
            .to_string()
    };
    assert!(caching(asset("page.js")).await.contains("immutable"));
    assert_eq!(
        caching("/assets/0123456789abcdef/page.js".into()).await,
        "no-cache"
    );
    assert_eq!(caching("/".into()).await, "no-cache");
    assert_eq!(get(app, &asset("../page.js")).await.status, 404);
    assert_eq!(get(app, &asset("other.js")).await.status, 404);
    assert_eq!(get(app, "/assets/page.js").await.status, 404);
    for script in [
        include_str!("../src/serve/page.js"),
        include_str!("../src/serve/url.js"),
        include_str!("../src/serve/timeline.js"),
        include_str!("../src/serve/facets.js"),
    ] {
        assert!(
            !script.contains("innerHTML")
                && !script.contains("insertAdjacentHTML")
                && !script.contains("document.write")
        );
    }
    let request = Request::builder()
        .uri("/")
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .expect("ASCII");
    assert!(policy.contains("script-src 'self'") && policy.contains("default-src 'none'"));
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn health_is_ok_while_an_index_is_served() {
    let (_, app) = served();
    let answer = get(app, "/healthz").await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (200, "{\"status\":\"ok\"}")
    );
}

#[tokio::test]
async fn an_index_without_a_commit_is_a_503_until_it_has_one() {
    let fixture = Fixture::new();
    let empty = fixture.root.path().join("empty");
    fs::create_dir(&empty).expect("folder");
    index_corpus(&fixture.config(empty)).expect("index nothing");
    let state = fixture.state();
    let app = serve::router(Arc::clone(&state), &Limits::default());
    for target in ["/api/search?q=cease", "/api/article?path=a.txt", "/healthz"] {
        let answer = get(&app, target).await;
        assert_eq!(answer.status, 503, "{target}");
        assert!(
            answer
                .error()
                .error
                .contains("holds no committed articles yet")
        );
    }
    fixture.index();
    assert_eq!(state.refresh(), Refresh::Reloaded);
    assert_eq!(search(&app, "\"cease-fire\"", "").await.total.count, 7);
    assert_eq!(get(&app, "/healthz").await.status, 200);
}

#[test]
fn a_folder_without_an_index_is_an_error_at_start() {
    let dir = TempDir::new().expect("temp dir");
    let Err(err) = State::open(&dir.path().join("nothing")) else {
        panic!("opened a missing index");
    };
    assert!(err.to_string().starts_with("no newsdex index in"), "{err}");
}

/// `index` commits new articles, and removes some, while requests keep coming: none fails,
/// and once the server looks again the new articles are found and the removed ones gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_while_serving_fails_no_request_and_shows_its_articles() {
    let fixture = Fixture::indexed();
    let state = fixture.state();
    let app = serve::router(Arc::clone(&state), &Limits::default());
    let removed = search(&app, "\"cease-fire\"", "&limit=1")
        .await
        .hits
        .remove(0);
    fs::remove_file(&removed.path).expect("remove an article");
    for i in 0..60 {
        let text = format!(
            "Quokkaflux Report {i}\n\nSYDNEY (AP) -- The quokkaflux count {i} rose, officials said.\n\nA second paragraph on the cease-fire and the quokkaflux.\n"
        );
        fs::write(fixture.corpus().join(format!("quokkaflux-{i}.txt")), text).expect("write");
    }
    let config = fixture.config(fixture.corpus());
    let indexing = std::thread::spawn(move || index_corpus(&config).map(|summary| summary.indexed));
    // Requests answered (more than one round means some ran while `index` did), and swaps.
    let mut answered = 0;
    let mut reloads = 0;
    loop {
        let done = indexing.is_finished();
        for target in [
            "/api/search?q=cease-fire".to_string(),
            "/api/search?q=quokkaflux&articles=1".to_string(),
            format!("/api/article?path={}", encoded(&removed.path)),
        ] {
            let answer = get(&app, &target).await;
            // The removed article is readable until the new commit is served, then a 404.
            let fine = answer.status == 200 || (answer.status == 404 && reloads > 0);
            assert!(fine, "{target}: {} {}", answer.status, answer.body);
            answered += 1;
        }
        let state = Arc::clone(&state);
        if tokio::task::spawn_blocking(move || state.refresh())
            .await
            .expect("refresh")
            == Refresh::Reloaded
        {
            reloads += 1;
        }
        if done {
            break;
        }
    }
    assert_eq!(
        indexing.join().expect("the index thread").expect("index"),
        60
    );
    assert!(
        reloads >= 1 && answered > 3,
        "{reloads} reloads, {answered} answers"
    );
    let found = search(&app, "quokkaflux", "&articles=1").await;
    assert_eq!(found.total.count, 60);
    let answer = get(
        &app,
        &format!("/api/article?path={}", encoded(&removed.path)),
    )
    .await;
    assert_eq!(answer.status, 404);
    assert_eq!(search(&app, "\"cease-fire\"", "").await.total.count, 6 + 60);
}

/// On a real socket: a client that never finishes its request is cut off after the header
/// timeout while others are answered; bytes that are not a valid request line are a 400;
/// stopping the server ends `run`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_is_cut_off_and_the_others_are_answered() {
    let (fixture, _) = served();
    let limits = Limits {
        header_read: Duration::from_millis(700),
        ..Limits::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve::run(listener, fixture.state(), limits, async {
        let _ = stopped.await;
    }));
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        use std::net::TcpStream;
        let started = Instant::now();
        let mut slow = TcpStream::connect(addr).expect("connect");
        slow.write_all(b"GET /api/search?q=cease HTTP/1.1\r\nHost: x\r\nX-Slow: 1")
            .expect("a part of a request");
        let idle = TcpStream::connect(addr).expect("connect");
        for _ in 0..5 {
            let answer = common::get(addr, "/api/search?q=cease-fire&limit=1");
            assert_eq!(answer.status, 200, "{}", answer.body);
        }
        for mut cut in [slow, idle] {
            cut.set_read_timeout(Some(Duration::from_secs(10)))
                .expect("timeout");
            let mut rest = Vec::new();
            let closed = cut.read_to_end(&mut rest);
            let waited = started.elapsed();
            assert!(closed.is_ok(), "not closed: {closed:?}");
            assert!(
                rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"),
                "{rest:?}"
            );
            assert!(
                waited >= Duration::from_millis(600) && waited < Duration::from_secs(5),
                "{waited:?}"
            );
        }
        let raw = common::send(
            addr,
            b"GET /api/search?q=\xff\xfe\xfd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        assert_eq!(raw.status, 400);
        let spaces = common::send(addr, b"GET /api/search?q=a b HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!(spaces.status, 400);
        // Past what hyper reads of a request head (64 KB), hyper answers itself, bodiless.
        for size in [100_000, 1_000_000] {
            let long = format!(
                "GET /api/search?q={} HTTP/1.1\r\nHost: x\r\n\r\n",
                "a".repeat(size)
            );
            let answer = common::send(addr, long.as_bytes());
            assert!(
                matches!(answer.status, 414 | 431),
                "{size}: {}",
                answer.status
            );
        }
        let answer = common::get(addr, "/api/search?q=cease-fire&limit=1");
        assert_eq!(answer.status, 200);
    })
    .await
    .expect("the client");
    stop.send(()).expect("the server is running");
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops")
        .expect("the server task");
}

/// An article of a file of many (a feed) is `/api/article` by the `path#id` a hit shows, an
/// id holding `//` (a URL guid) too; an id the feed does not hold is a 404.
#[tokio::test]
async fn an_article_of_a_feed_is_read_by_its_id() {
    let fixture = Fixture::new();
    fs::write(
        fixture.corpus().join("feed.rss"),
        "<rss version=\"2.0\"><channel><title>Feed</title>\n\
         <item><title>Quince growers count frost damage</title><guid>https://desk.example/quince/1</guid>\n\
         <description>Growers counted the frost damage to their quince trees.</description></item>\n\
         <item><title>Ferry returns</title><guid>urn:desk:ferry</guid>\n\
         <description>The ferry returns to the island.</description></item>\n\
         </channel></rss>\n",
    )
    .expect("write");
    fixture.index();
    let app = serve::router(fixture.state(), &Limits::default());
    let hit = search(&app, "quince", "").await.hits.remove(0);
    assert!(
        hit.path
            .ends_with("/feed.rss#https://desk.example/quince/1"),
        "{}",
        hit.path
    );
    let answer = get(&app, &format!("/api/article?path={}", encoded(&hit.path))).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let article: Article = answer.json();
    assert_eq!(article.path, hit.path);
    assert_eq!(article.title, "Quince growers count frost damage");
    let other = hit
        .path
        .replace("https://desk.example/quince/1", "urn:desk:none");
    let answer = get(&app, &format!("/api/article?path={}", encoded(&other))).await;
    assert_eq!(answer.status, 404, "{}", answer.body);
}

/// The next event of an `/api/follow` stream that is not a keep-alive: its name and data.
async fn next_event(
    body: &mut (impl futures_util::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin),
    buffer: &mut String,
) -> (String, String) {
    use futures_util::StreamExt;
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|line| line.strip_prefix(name))
                    .map(str::to_string)
            };
            if let (Some(event), Some(data)) = (field("event: "), field("data: ")) {
                return (event, data);
            }
            continue;
        }
        let chunk = tokio::time::timeout(Duration::from_secs(30), body.next())
            .await
            .expect("an event within 30 s")
            .expect("the stream stays open")
            .expect("a chunk");
        buffer.push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
    }
}

/// `/api/follow` says `ready`, then sends a `hit` (an `/api/search` row) for the article a
/// commit brings, not for those that matched before; a bad query is the usual 400, a stream
/// past the cap a 503, and a client that goes frees its place.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_streams_each_new_matching_article_as_its_commit_lands() {
    let fixture = Fixture::indexed();
    let state = fixture.state();
    let limits = Limits {
        follows: 1,
        ..Limits::default()
    };
    let app = serve::router(Arc::clone(&state), &limits);
    let bad = get(&app, "/api/follow?q=").await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.error().error.contains("`q` (the query) is empty"));

    let open = |target: &str| {
        let request = Request::builder()
            .uri(target)
            .body(Body::empty())
            .expect("a request");
        app.clone().oneshot(request)
    };
    let response = open("/api/follow?q=cease-fire").await.expect("infallible");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = response.into_body().into_data_stream();
    let mut buffer = String::new();
    assert_eq!(next_event(&mut body, &mut buffer).await.0, "ready");

    let busy = get(&app, "/api/follow?q=quokkaflux").await;
    assert_eq!(busy.status, 503, "{}", busy.body);
    assert!(busy.error().error.contains("follow a query"));

    fs::write(
        fixture.corpus().join("quokkaflux-truce.txt"),
        "Quokkaflux Truce\n\nSYDNEY (AP) -- A cease-fire between the quokkaflux herds held.\n",
    )
    .expect("write");
    let config = fixture.config(fixture.corpus());
    tokio::task::spawn_blocking(move || index_corpus(&config).expect("index"))
        .await
        .expect("the index thread");
    let (event, data) = next_event(&mut body, &mut buffer).await;
    assert_eq!(event, "hit", "{data}");
    let hit: Hit = serde_json::from_str(&data).expect("a search row");
    assert_eq!(hit.file_name(), "quokkaflux-truce.txt");
    assert_eq!(hit.title, "Quokkaflux Truce");

    drop(body);
    let started = Instant::now();
    loop {
        let status = open("/api/follow?q=quokkaflux")
            .await
            .expect("infallible")
            .status();
        if status == 200 {
            break;
        }
        assert_eq!(status, 503);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "a closed stream still holds its place"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
