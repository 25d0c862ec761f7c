//! The search page in a real browser: the built binary serves a temp index, headless Chromium
//! (Debian's `chromium`) loads the page, and the test drives it over the DevTools protocol as
//! a person would: `/` to reach the box, typing `"cease-fire"`, Enter, reading the marked
//! passage, Next, a click that opens an article with the passage in view, Esc back, Previous;
//! then a shared link to a hostile article whose markup must show as text. The console
//! must stay free of errors throughout, and Ctrl-C must stop the server cleanly. A second
//! test narrows as a desk does: a place from the facets, a day from the timeline's bars, a
//! drag across them, chips removed, reload, back and forward, the order, an empty window.
//! A third turns Follow on and indexes a story while the page is open: it must appear at the
//! top, marked new, without a navigation.
//!
//! Chromium must be installed (`.ci/run` installs it when missing): without it this test
//! fails and says so, it does not pass unseen.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;
use tungstenite::{Message, WebSocket};

use common::{HOSTILE, HOSTILE_NAME, LEBANON, LEBANON_PASSAGE};

const BIN: &str = env!("CARGO_BIN_EXE_newsdex");

/// The article whose `cease-fire` passage is deep in it (¶9), to see the page scroll to it.
const TURKEY: &str = "turkey-unhappy-with-syria-talks.txt";

/// Articles beyond the sample's seven `cease-fire` passages, so the results run to a second page.
const FILLERS: usize = 6;

/// A child process killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `command` with stderr piped and returns it once a stderr line contains `marker`,
/// with that line; the rest of stderr is collected into the returned buffer.
fn start(mut command: Command, marker: &str, what: &str) -> (Running, String, Arc<Mutex<String>>) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {what}: {err}"));
    let stderr = child.stderr.take().expect("stderr");
    let running = Running(child);
    let seen = Arc::new(Mutex::new(String::new()));
    let (found, wait) = std::sync::mpsc::channel();
    let (marker, kept) = (marker.to_string(), Arc::clone(&seen));
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains(&marker) {
                let _ = found.send(line.clone());
            }
            let mut kept = kept.lock().expect("stderr buffer");
            kept.push_str(&line);
            kept.push('\n');
        }
    });
    let line = wait
        .recv_timeout(Duration::from_secs(30))
        .unwrap_or_else(|_| {
            panic!(
                "{what} did not start: {}",
                seen.lock().expect("stderr buffer")
            )
        });
    (running, line, seen)
}

/// A DevTools-protocol connection to one page: commands with ids, and the events in between.
struct Page {
    socket: WebSocket<TcpStream>,
    next_id: u64,
    events: Vec<Value>,
}

impl Page {
    fn connect(url: &str) -> Page {
        let host = url
            .strip_prefix("ws://")
            .and_then(|rest| rest.split('/').next())
            .expect("a ws:// address");
        let stream = TcpStream::connect(host).expect("connect to Chromium");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        let (socket, _) = tungstenite::client(url, stream).expect("DevTools handshake");
        Page {
            socket,
            next_id: 0,
            events: Vec::new(),
        }
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let message = json!({"id": id, "method": method, "params": params}).to_string();
        self.socket
            .send(Message::text(message))
            .expect("send a command");
        loop {
            let message = self.socket.read().expect("read from Chromium");
            let Message::Text(text) = message else {
                continue;
            };
            let value: Value = serde_json::from_str(text.as_str()).expect("DevTools JSON");
            if value["id"] == id {
                if let Some(error) = value.get("error") {
                    panic!("{method}: {error}");
                }
                return value["result"].clone();
            }
            self.events.push(value);
        }
    }

    /// The value of a JavaScript expression (promises awaited); an exception fails the test.
    fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(exception) = result.get("exceptionDetails") {
            panic!("{expression}: {exception}");
        }
        result["result"]["value"].clone()
    }

    /// Waits until `expression` is true and the page has settled (a search's results and
    /// then its facets drawn: `data-busy` gone).
    fn wait_for(&mut self, expression: &str) {
        let started = Instant::now();
        let settled = format!("Boolean({expression}) && !('busy' in document.body.dataset)");
        while self.eval(&settled) != json!(true) {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "waited 15 s for {expression}; the page says: {}",
                self.eval("document.body.innerText")
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// A key press as the keyboard sends it.
    fn press(&mut self, key: &str, code: &str, key_code: u32, text: &str) {
        for kind in ["keyDown", "keyUp"] {
            let mut event = json!({"type": kind, "key": key, "code": code,
                "windowsVirtualKeyCode": key_code, "nativeVirtualKeyCode": key_code});
            if kind == "keyDown" && !text.is_empty() {
                event["text"] = json!(text);
            }
            self.call("Input.dispatchKeyEvent", event);
        }
    }

    /// A left click in the middle of the element `selector` finds (of its first line, when it
    /// wraps), scrolled into view.
    fn click(&mut self, selector: &str) {
        self.drag(selector, selector);
    }

    /// The left button pressed on the element `from` finds and let go on the one `to` finds
    /// (a click when they are the same), as `click` aims.
    fn drag(&mut self, from: &str, to: &str) {
        let (x, y) = self.aim(from);
        self.call(
            "Input.dispatchMouseEvent",
            json!({"type": "mouseMoved", "x": x, "y": y}),
        );
        self.call(
            "Input.dispatchMouseEvent",
            json!({"type": "mousePressed", "x": x, "y": y, "button": "left", "clickCount": 1}),
        );
        let (x, y) = if to == from {
            (x, y)
        } else {
            let (x, y) = self.aim(to);
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": "mouseMoved", "x": x, "y": y, "button": "left", "buttons": 1}),
            );
            (x, y)
        };
        self.call(
            "Input.dispatchMouseEvent",
            json!({"type": "mouseReleased", "x": x, "y": y, "button": "left", "clickCount": 1}),
        );
    }

    /// The middle of the first line of the element `selector` finds, scrolled into view.
    fn aim(&mut self, selector: &str) -> (Value, Value) {
        let quoted = serde_json::to_string(selector).expect("JSON");
        let at = self.eval(&format!(
            "(() => {{ const e = document.querySelector({quoted}); e.scrollIntoView({{block: 'center'}});
               const r = e.getClientRects()[0]; return [r.left + r.width / 2, r.top + r.height / 2]; }})()"
        ));
        (at[0].clone(), at[1].clone())
    }

    /// No element of the hostile article's markup exists under `scope`, and none of its
    /// scripts ran.
    fn assert_inert(&mut self, scope: &str) {
        let selectors: Vec<String> = ["script", "img", "iframe", "b"]
            .iter()
            .map(|tag| format!("{scope} {tag}"))
            .collect();
        let quoted = serde_json::to_string(&selectors.join(", ")).expect("JSON");
        let found = self.eval(&format!(
            "[document.querySelectorAll({quoted}).length, typeof window.pwned]"
        ));
        assert_eq!(
            found,
            json!([0, "undefined"]),
            "markup came alive under {scope}"
        );
    }

    /// The events that say something went wrong: console errors, uncaught exceptions, log
    /// errors (a failed request, a blocked script), dialogs.
    /// Fails the test with every console problem the page has shown, if any.
    fn assert_no_problems(&mut self) {
        let problems = self.problems();
        assert!(
            problems.is_empty(),
            "the console shows problems:\n{}",
            problems.join("\n")
        );
    }

    fn problems(&mut self) -> Vec<String> {
        self.eval("0"); // collects the events sent so far
        self.events
            .iter()
            .filter(|event| match event["method"].as_str() {
                Some("Runtime.consoleAPICalled") => {
                    matches!(
                        event["params"]["type"].as_str(),
                        Some("error" | "assert" | "warning")
                    )
                }
                Some("Runtime.exceptionThrown" | "Page.javascriptDialogOpening") => true,
                Some("Log.entryAdded") => {
                    matches!(
                        event["params"]["entry"]["level"].as_str(),
                        Some("error" | "warning")
                    )
                }
                _ => false,
            })
            .map(Value::to_string)
            .collect()
    }
}

/// The sample corpus, the hostile article, and fillers that take `"cease-fire"` to a second
/// page, indexed into `idx/` by the binary. Each filler tells its own story (a town and its
/// business), so none is a near-duplicate of another that a page would fold into one row.
fn indexed_corpus(root: &Path) {
    let corpus = root.join("corpus");
    common::copy_sample_corpus(&corpus);
    fs::write(corpus.join(HOSTILE_NAME), HOSTILE).expect("write");
    let towns = [
        ("Bergen", "fishing quotas and harbour fees"),
        ("Tromso", "reindeer grazing rights along the coast"),
        ("Narvik", "iron ore shipments by rail"),
        ("Bodo", "a new airport terminal and its runway"),
        ("Alta", "salmon rivers and summer tourism"),
        ("Molde", "a jazz festival and its hotel rooms"),
        ("Hamar", "grain silos and a wet harvest"),
        ("Skien", "a paper mill closing its doors"),
    ];
    for i in 1..=FILLERS {
        let (town, business) = towns[(i - 1) % towns.len()];
        let text = format!(
            "Filler Report Number {i}\n\nOSLO (AP) -- Councillors in {town} spent the day on {business}, and near the end mentioned the cease-fire only in passing.\n"
        );
        fs::write(corpus.join(format!("filler-{i}.txt")), text).expect("write");
    }
    let out = Command::new(BIN)
        .args(["index", "corpus", "--index", "idx"])
        .current_dir(root)
        .output()
        .expect("run newsdex index");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Chromium's program: `$CHROMIUM`, else `chromium` on the PATH.
fn chromium() -> String {
    let program = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let found = Command::new(&program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    assert!(
        found,
        "this test needs Chromium and `{program}` does not run: install it (apt-get install chromium; .ci/run does), or name it in $CHROMIUM"
    );
    program
}

/// The server, the browser and the page a test drives; both programs stop when it drops.
struct Session {
    page: Page,
    base: String,
    server: Running,
    server_says: Arc<Mutex<String>>,
    _chrome: Running,
    _profile: TempDir,
}

/// Serves the index `idx/` under `root` with the built binary and opens headless Chromium
/// on a blank page, driven over DevTools.
fn session(root: &Path) -> Session {
    let browser = chromium();
    let mut serve = Command::new(BIN);
    serve
        .args(["serve", "--index", "idx", "--addr", "127.0.0.1:0"])
        .current_dir(root);
    let (server, line, server_says) = start(serve, "at http://", "newsdex serve");
    let base = line
        .split(" at http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the address in the serving line");
    let addr: SocketAddr = base.parse().expect("an address");
    let base = format!("http://{addr}");

    let profile = TempDir::new().expect("profile dir");
    let mut chrome = Command::new(&browser);
    chrome.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--remote-debugging-port=0",
        "--window-size=1000,800",
    ]);
    chrome.arg(format!("--user-data-dir={}", profile.path().display()));
    chrome.arg("about:blank");
    let (chrome, line, _) = start(chrome, "DevTools listening on ws://", "Chromium");
    let devtools: SocketAddr = line
        .split("ws://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|host| host.parse().ok())
        .expect("the DevTools address");
    let targets = common::get(devtools, "/json/list").json();
    let page_url = targets
        .as_array()
        .and_then(|targets| targets.iter().find(|target| target["type"] == "page"))
        .and_then(|target| target["webSocketDebuggerUrl"].as_str())
        .expect("a page to drive")
        .to_string();
    let mut page = Page::connect(&page_url);
    for domain in ["Page.enable", "Runtime.enable", "Log.enable"] {
        page.call(domain, json!({}));
    }
    Session {
        page,
        base,
        server,
        server_says,
        _chrome: chrome,
        _profile: profile,
    }
}

#[test]
fn a_person_searches_pages_reads_and_shares_in_a_browser() {
    let root = TempDir::new().expect("temp dir");
    indexed_corpus(root.path());
    let mut session = session(root.path());
    let (page, base) = (&mut session.page, session.base.clone());

    // A person opens the page, presses / to reach the box, types the query and Enter.
    page.call("Page.navigate", json!({"url": format!("{base}/")}));
    page.wait_for("document.readyState === 'complete' && !document.getElementById('help').hidden");
    page.eval("document.activeElement.blur()");
    page.press("/", "Slash", 191, "/");
    assert_eq!(page.eval("document.activeElement.id"), json!("q"));
    assert_eq!(page.eval("document.getElementById('q').value"), json!(""));
    page.call("Input.insertText", json!({"text": "\"cease-fire\""}));
    page.press("Enter", "Enter", 13, "\r");
    page.wait_for("document.querySelectorAll('#results .hit').length === 10");
    assert_eq!(page.eval("location.search"), json!("?q=%22cease-fire%22"));
    let first = page.eval(
        "(() => { const hit = document.querySelector('#results .hit');
           return { title: hit.querySelector('.title').textContent, meta: hit.querySelector('.meta').textContent,
                    passage: hit.querySelector('.passage').textContent,
                    marks: [...hit.querySelectorAll('.passage mark')].map(m => m.textContent) }; })()",
    );
    assert!(
        first["passage"]
            .as_str()
            .expect("text")
            .starts_with(LEBANON_PASSAGE),
        "{first}"
    );
    assert_eq!(first["marks"], json!(["cease-fire"]));
    assert_eq!(
        first["title"],
        json!("Lebanon Cease-Fire Frays as Drone Strikes Hit Border Villages")
    );
    let meta = first["meta"].as_str().expect("text");
    assert!(
        meta.starts_with("BEIRUT · ") && meta.contains(&format!("corpus/{LEBANON} ¶1")),
        "{meta}"
    );
    let status = page.eval("document.getElementById('status').textContent");
    assert!(
        status
            .as_str()
            .expect("text")
            .starts_with("1–10 of 13 passages in 13 stories · "),
        "{status}"
    );
    assert_eq!(
        page.eval("document.getElementById('prev').hidden"),
        json!(true)
    );

    // Next: the second page, its ranks from 11, the query still in the box and the URL.
    page.click("#next");
    page.wait_for("location.search.includes('offset=10') && document.getElementById('results').start === 11 && document.querySelectorAll('#results .hit').length === 3");
    let status = page.eval("document.getElementById('status').textContent");
    assert!(
        status
            .as_str()
            .expect("text")
            .starts_with("11–13 of 13 passages"),
        "{status}"
    );
    assert_eq!(
        page.eval("document.getElementById('next').hidden"),
        json!(true)
    );
    assert_eq!(
        page.eval("document.getElementById('q').value"),
        json!("\"cease-fire\"")
    );
    let marks = page
        .eval("[...document.querySelectorAll('#results .passage mark')].map(m => m.textContent)");
    let marks = marks.as_array().expect("a list");
    assert!(
        // Each spelling of the compound is marked: cease-fire, ceasefire, cease fire.
        marks.len() >= 3
            && marks.iter().all(|mark| {
                let letters: String = mark
                    .as_str()
                    .unwrap_or_default()
                    .chars()
                    .filter(char::is_ascii_alphabetic)
                    .collect();
                letters.eq_ignore_ascii_case("ceasefire")
            }),
        "{marks:?}"
    );

    // A click on a hit deep in its article: the article opens at that passage, marked.
    let turkey = format!("#results .hit a.title[href*='{TURKEY}']");
    page.click(&turkey);
    page.wait_for(
        "!document.getElementById('article').hidden && document.querySelector('#article-body p')",
    );
    let article = page.eval(
        "(() => { const current = document.querySelector('#article-body p.current'); const box = current.getBoundingClientRect();
           return { search: location.search, title: document.getElementById('article-title').textContent, id: current.id,
                    meta: document.getElementById('article-meta').textContent,
                    marks: [...current.querySelectorAll('mark')].map(m => m.textContent),
                    inView: box.top >= 0 && box.bottom <= innerHeight, scrolled: scrollY > 0 }; })()",
    );
    assert_eq!(article["title"], json!("Turkey Unhappy With Syria Talks"));
    // Dated as its row is: the day, then the dateline.
    let meta = article["meta"].as_str().expect("text");
    assert!(
        meta.len() > 13
            && meta.as_bytes()[..10]
                .iter()
                .filter(|b| b.is_ascii_digit())
                .count()
                == 8
            && meta[10..].starts_with(" · ANKARA, Turkey (AP) · "),
        "{meta}"
    );
    assert_eq!(article["id"], json!("p9"), "{article}");
    assert_eq!(article["marks"], json!(["cease-fire"]));
    assert_eq!(
        (article["inView"].clone(), article["scrolled"].clone()),
        (json!(true), json!(true))
    );
    let shared = article["search"].as_str().expect("text");
    assert!(
        shared.contains(&format!("path=corpus%2F{TURKEY}")) && shared.ends_with("&p=9"),
        "{shared}"
    );

    // Esc leaves the article for the page of results it came from; Previous goes to the first.
    page.press("Escape", "Escape", 27, "");
    page.wait_for("document.getElementById('article').hidden && document.querySelectorAll('#results .hit').length === 3");
    assert_eq!(
        page.eval("location.search"),
        json!("?q=%22cease-fire%22&offset=10")
    );
    page.click("#prev");
    page.wait_for("!location.search.includes('offset') && document.querySelectorAll('#results .hit').length === 10");

    // A story filed twice is one row, its copy a link beside it.
    page.call(
        "Page.navigate",
        json!({"url": format!("{base}/?q=coffee+frost")}),
    );
    page.wait_for("document.querySelectorAll('#results .hit').length > 0");
    let story = page.eval(
        "({ rows: [...document.querySelectorAll('#results .title')].map((a) => a.textContent),
            also: [...document.querySelectorAll('#results .hit:first-child .also a')]
                .map((a) => a.textContent) })",
    );
    let titles: BTreeSet<&str> = story["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|title| title.as_str())
        .filter(|title| title.contains("Coffee Harvest"))
        .collect();
    assert_eq!(titles.len(), 1, "one of the two, not both: {story}");
    assert_eq!(story["also"].as_array().map(Vec::len), Some(1), "{story}");

    // A shared link to a search whose hit is an article made of markup: text, never HTML.
    page.call(
        "Page.navigate",
        json!({"url": format!("{base}/?q=zanzibarite")}),
    );
    page.wait_for("document.querySelectorAll('#results .hit').length > 0");
    page.assert_inert("#results");
    let hostile = page.eval(
        "({ title: document.querySelector('#results .title').textContent,
            passage: document.querySelector('#results .passage').textContent })",
    );
    assert!(
        hostile["title"]
            .as_str()
            .expect("text")
            .starts_with("<script>window.pwned = 'title'</script>Zanzibarite <img"),
        "{hostile}"
    );
    assert!(
        hostile["passage"]
            .as_str()
            .expect("text")
            .contains("<img src=x onerror="),
        "{hostile}"
    );
    page.click("#results .title");
    page.wait_for("!document.getElementById('article').hidden && document.querySelectorAll('#article-body p').length === 2");
    page.assert_inert("#article");
    let opened = page.eval("({ text: document.getElementById('article-body').textContent })");
    assert!(
        opened["text"]
            .as_str()
            .expect("text")
            .contains("</p><iframe src=\"javascript:"),
        "{opened}"
    );

    page.assert_no_problems();

    // Ctrl-C stops the server cleanly.
    // SAFETY: kill only sends a signal to the server this test started.
    let signalled = unsafe { libc::kill(session.server.0.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(signalled, 0);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = session.server.0.try_wait().expect("wait") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the server did not stop"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    std::thread::sleep(Duration::from_millis(50));
    let said = session.server_says.lock().expect("stderr").clone();
    assert!(said.ends_with("newsdex: stopped\n"), "{said}");
}

/// Stories about a levy, each its own, filed from three places by three agencies over five
/// days (dated by their paths), one day without any: what the desk narrows.
const LEVIES: [(&str, &str); 5] = [
    (
        "2026/11/02/harbour.txt",
        "Dockers Walk Out\n\nLONDON (Reuters) -- Dockers stopped work at the container berths over a harbour levy the port authority wants to double next spring.\n",
    ),
    (
        "2026/11/02/wine.txt",
        "Growers Protest Bottle Charge\n\nPARIS (AFP) -- Vineyard owners drove tractors through the capital against a bottle levy they say would ruin small estates.\n",
    ),
    (
        "2026/11/03/buses.txt",
        "Bus Fares To Rise\n\nLONDON (AP) -- Commuters face dearer tickets after councillors approved a transport levy to pay for electric buses on night routes.\n",
    ),
    (
        "2026/11/05/rice.txt",
        "Rice Importers Warn\n\nTOKYO (Reuters) -- Importers of foreign rice warned that an import levy on grain would lift supermarket prices before the new year.\n",
    ),
    (
        "2026/11/06/trawlers.txt",
        "Trawler Crews Tally Costs\n\nLONDON (Reuters) -- Skippers of deep sea trawlers counted what a landing levy on cod and haddock would take from each catch.\n",
    ),
];

#[test]
fn a_desk_narrows_by_place_and_dates_with_facets_chips_and_the_timeline() {
    let desk = common::Desk::new(&LEVIES);
    let mut session = session(&desk.path(""));
    let (page, base) = (&mut session.page, session.base.clone());
    let rows = "document.querySelectorAll('#results .hit').length";
    let dates = "[...document.querySelectorAll('#results .date')].map((d) => d.textContent).sort()";
    let chips = "[...document.querySelectorAll('#chips .chip')].map((c) => c.textContent)";

    // The facets of every match beside the results, each row dated, a bar a day.
    page.call("Page.navigate", json!({"url": format!("{base}/?q=levy")}));
    page.wait_for(&format!(
        "{rows} === 5 && document.querySelector('#facets:not([hidden])')"
    ));
    let facets = page.eval(
        "({ places: [...document.querySelectorAll('#places .facet')].map((f) => f.textContent),
            agencies: [...document.querySelectorAll('#agencies .facet')].map((f) => f.textContent) })",
    );
    assert_eq!(
        facets["places"],
        json!(["london3", "paris1", "tokyo1"]),
        "{facets}"
    );
    assert_eq!(
        facets["agencies"],
        json!(["reuters3", "afp1", "ap1"]),
        "{facets}"
    );
    assert_eq!(
        page.eval(dates),
        json!([
            "2026-11-02",
            "2026-11-02",
            "2026-11-03",
            "2026-11-05",
            "2026-11-06"
        ])
    );
    let bars = page.eval(
        "[...document.querySelectorAll('#timeline-bars .bar')].map((b) => [b.getAttribute('aria-label'), Boolean(b.querySelector('.fill'))])",
    );
    assert_eq!(
        bars,
        json!([
            ["2026-11-02: 2 stories", true],
            ["2026-11-03: 1 story", true],
            ["2026-11-04: 0 stories", false],
            ["2026-11-05: 1 story", true],
            ["2026-11-06: 1 story", true]
        ])
    );
    assert_eq!(page.eval(chips), json!([]));

    // A place narrows to its stories and shows as a chip, in the URL too.
    page.click("#places li:first-child .facet");
    page.wait_for(&format!(
        "location.search === '?q=levy&place=london' && {rows} === 3"
    ));
    assert_eq!(page.eval(chips), json!(["Place london×"]));
    assert_eq!(
        page.eval(
            "[...document.querySelectorAll('#results .dateline')].map((d) => d.textContent).sort()"
        ),
        json!(["LONDON (AP)", "LONDON (Reuters)", "LONDON (Reuters)"])
    );
    assert_eq!(
        page.eval("document.querySelector('#places .facet').getAttribute('aria-pressed')"),
        json!("true")
    );

    // A bar keeps the search to its day, beside the place; the window is a chip and in the
    // date inputs.
    page.click("#timeline-bars .bar[data-index='0'] .slot");
    page.wait_for(&format!(
        "location.search === '?q=levy&place=london&since=2026-11-02&until=2026-11-02' && {rows} === 1"
    ));
    assert_eq!(
        page.eval(chips),
        json!(["Place london×", "Dates 2026-11-02×"])
    );
    assert_eq!(
        page.eval(
            "[document.getElementById('since').value, document.getElementById('until').value]"
        ),
        json!(["2026-11-02", "2026-11-02"])
    );

    // Reloading shows the same view; removing the place chip widens to the day's two stories.
    page.eval("window.before = true");
    page.call("Page.reload", json!({}));
    page.wait_for(&format!("!window.before && {rows} === 1"));
    assert_eq!(
        page.eval(chips),
        json!(["Place london×", "Dates 2026-11-02×"])
    );
    page.click("#chips .chip.place");
    page.wait_for(&format!(
        "location.search === '?q=levy&since=2026-11-02&until=2026-11-02' && {rows} === 2"
    ));
    assert_eq!(page.eval(chips), json!(["Dates 2026-11-02×"]));

    // Back restores the place, forward lets it go again.
    page.eval("history.back()");
    page.wait_for(&format!(
        "location.search.includes('place=london') && {rows} === 1"
    ));
    page.eval("history.forward()");
    page.wait_for(&format!(
        "!location.search.includes('place') && {rows} === 2"
    ));

    // Without the window, a drag across three bars keeps to the days they span.
    page.click("#chips .chip.dates");
    page.wait_for(&format!("location.search === '?q=levy' && {rows} === 5"));
    page.drag(
        "#timeline-bars .bar[data-index='1'] .slot",
        "#timeline-bars .bar[data-index='3'] .slot",
    );
    page.wait_for(&format!(
        "location.search === '?q=levy&since=2026-11-03&until=2026-11-05' && {rows} === 2"
    ));
    assert_eq!(page.eval(dates), json!(["2026-11-03", "2026-11-05"]));
    assert_eq!(page.eval(chips), json!(["Dates 2026-11-03 – 2026-11-05×"]));

    // Newest first: the rows drawn again, in date order.
    page.eval(
        "(() => { document.querySelector('#results .hit').dataset.before = '1';
           const sort = document.getElementById('sort'); sort.value = 'date';
           sort.dispatchEvent(new Event('change')); })()",
    );
    page.wait_for(&format!(
        "location.search.endsWith('&sort=date') && {rows} === 2 && !document.querySelector('#results .hit[data-before]')"
    ));
    assert_eq!(
        page.eval("[...document.querySelectorAll('#results .date')].map((d) => d.textContent)"),
        json!(["2026-11-05", "2026-11-03"])
    );

    // A window that leaves nothing says how many match outside it, and lets it go.
    page.call(
        "Page.navigate",
        json!({"url": format!("{base}/?q=levy&since=2026-10-01&until=2026-10-15")}),
    );
    page.wait_for("document.querySelector('#outside:not([hidden])')");
    assert_eq!(
        page.eval("document.getElementById('status').textContent"),
        json!("5 passages match “levy” outside 2026-10-01..2026-10-15.")
    );
    page.click("#clear-dates");
    page.wait_for(&format!("location.search === '?q=levy' && {rows} === 5"));

    // A day typed in From keeps to it and what follows, once the typing pauses.
    page.eval(
        "(() => { const since = document.getElementById('since'); since.value = '2026-11-05';
           since.dispatchEvent(new Event('change')); })()",
    );
    page.wait_for(&format!(
        "location.search === '?q=levy&since=2026-11-05' && {rows} === 2"
    ));
    assert_eq!(page.eval(chips), json!(["Dates from 2026-11-05×"]));

    page.assert_no_problems();
}

/// Follow on: a story indexed while the page is open appears at the top of the results,
/// marked new, with no navigation; the address keeps `follow=1`, so a reload follows again.
#[test]
fn a_followed_search_shows_a_new_story_at_the_top_as_it_is_indexed() {
    let root = TempDir::new().expect("temp dir");
    indexed_corpus(root.path());
    let mut session = session(root.path());
    let (page, base) = (&mut session.page, session.base.clone());
    let rows = "document.querySelectorAll('#results .hit').length";
    page.call(
        "Page.navigate",
        json!({"url": format!("{base}/?q=cease-fire")}),
    );
    page.wait_for(&format!("{rows} === 10"));
    // A navigation would start a fresh document, without this mark.
    page.eval("window.sameDocument = true");
    page.click("#follow");
    page.wait_for("location.search === '?q=cease-fire&follow=1'");
    page.wait_for("document.querySelector('#following:not([hidden])')");

    fs::write(
        root.path().join("corpus").join("quokka-truce.txt"),
        "Quokka Truce Holds\n\nPERTH (AP) -- A cease-fire between the quokka colonies held overnight.\n",
    )
    .expect("write");
    let out = Command::new(BIN)
        .args(["index", "corpus", "--index", "idx"])
        .current_dir(root.path())
        .output()
        .expect("run newsdex index");
    assert!(out.status.success());

    page.wait_for(&format!("{rows} === 11"));
    let first = page.eval(
        "(() => { const row = document.querySelector('#results > li');
           return { title: row.querySelector('.title').textContent, new: row.classList.contains('new'),
                    badge: row.querySelector('.badge')?.textContent, same: window.sameDocument === true,
                    marked: [...row.querySelectorAll('.title mark')].map((m) => m.textContent) }; })()",
    );
    assert_eq!(
        first,
        json!({"title": "Quokka Truce Holds", "new": true, "badge": "new", "same": true, "marked": []}),
    );
    assert_eq!(
        page.eval("document.querySelectorAll('#results .new').length"),
        json!(1)
    );

    // Reloaded, the page follows again: a page of results, none of them new.
    page.call("Page.reload", json!({}));
    page.wait_for(&format!(
        "{rows} === 10 && !document.querySelector('#results .new') && document.getElementById('follow').checked && document.querySelector('#following:not([hidden])')"
    ));
    page.assert_no_problems();
}
