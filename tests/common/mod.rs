//! What the integration tests share: a `--json` hit as scripts parse it, a small wire folder
//! indexed for a test (`Desk`), the articles the server's tests serve (the sample corpus, a
//! hostile one), and a plain HTTP/1.1 client that sends exactly the bytes a test gives it.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::Value;
use tempfile::TempDir;

/// One line of `search --json` (and one hit of `/api/search`); unknown or missing fields
/// fail the parse.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hit {
    pub rank: usize,
    pub score: f64,
    pub path: String,
    /// The article's id in a file of many; `None` (JSON null) for a file of one.
    pub id: Option<String>,
    pub paragraph: u64,
    pub title: String,
    pub dateline: String,
    pub text: String,
    pub highlights: Vec<[usize; 2]>,
    pub title_highlights: Vec<[usize; 2]>,
    pub file: String,
    pub copies: Vec<String>,
    pub copy_of: Option<String>,
    pub more_in_article: usize,
    pub date: String,
    pub date_source: String,
}

impl Hit {
    /// The article's file name.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// The marked words of the passage.
    pub fn highlighted(&self) -> Vec<&str> {
        self.highlights
            .iter()
            .map(|&[start, end]| &self.text[start..end])
            .collect()
    }
}

/// An article whose title and text are markup that would run if a page parsed it as HTML.
pub const HOSTILE_NAME: &str = "hostile-markup.txt";
pub const HOSTILE: &str = "<script>window.pwned = 'title'</script>Zanzibarite <img src=x onerror=\"window.pwned = 'title img'\"> Ruse\n\n\
GENEVA (AP) -- A zanzibarite paragraph with <img src=x onerror=\"window.pwned = 'body'\"> and <script>window.pwned = 'script'</script> and <b>bold</b> markup.\n\n\
A second zanzibarite paragraph: </p><iframe src=\"javascript:window.pwned='frame'\"></iframe>&amp; &lt;done&gt;.\n";

/// The sample article `search '"cease-fire"'` ranks first, and its first paragraph.
pub const LEBANON: &str = "lebanon-cease-fire-frays-as-drone-strikes-hit-border-villages.txt";
pub const LEBANON_PASSAGE: &str =
    "Lebanese officials accused Israel on Saturday of violating a cease-fire";

/// Copies the sample articles (`corpus/` of this repository) into `to`.
pub fn copy_sample_corpus(to: &Path) {
    fs::create_dir_all(to).expect("create corpus copy");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for entry in fs::read_dir(sample).expect("read corpus") {
        let entry = entry.expect("corpus entry");
        fs::copy(entry.path(), to.join(entry.file_name())).expect("copy article");
    }
}

/// An answer: status code, headers (names lower-cased) and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }
}

/// `GET target` on a new connection that the request closes.
pub fn get(addr: SocketAddr, target: &str) -> Answer {
    let request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    send(addr, request.as_bytes())
}

/// Sends `request` as it is and reads the answer: its `Content-Length`, or until the server
/// closes the connection.
pub fn send(addr: SocketAddr, request: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    stream.write_all(request).expect("send");
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let read = stream.read(&mut chunk).expect("read the answer");
        if read == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..read]);
        let answer_so_far = String::from_utf8_lossy(&bytes);
        if let Some((head, body)) = answer_so_far.split_once("\r\n\r\n") {
            let length = parse(head.as_bytes())
                .header("content-length")
                .map(str::to_string);
            if length.and_then(|n| n.parse::<usize>().ok()) == Some(body.len()) {
                break;
            }
        }
    }
    parse(&bytes)
}

/// An HTTP/1.1 answer (a `Content-Length` or a closed connection ends the body).
pub fn parse(bytes: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {head:?}"));
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

pub const BIN: &str = env!("CARGO_BIN_EXE_newsdex");

/// A temp folder with articles under `wire/`, indexed into `idx/`.
pub struct Desk {
    root: TempDir,
}

impl Desk {
    /// Writes `(path below wire/, text)` articles, each modified at `noon` of 2026-11-30 unless
    /// `dated` gives its file a time, and indexes them.
    pub fn new(articles: &[(&str, &str)]) -> Desk {
        let desk = Desk {
            root: TempDir::new().expect("temp dir"),
        };
        for (name, text) in articles {
            desk.write(name, text, NOON);
        }
        desk.index();
        desk
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    /// Writes an article below `wire/` modified at `seconds` since the epoch.
    pub fn write(&self, name: &str, text: &str, seconds: u64) {
        let path = self.path("wire").join(name);
        fs::create_dir_all(path.parent().expect("a folder")).unwrap();
        fs::write(&path, text).unwrap();
        let file = fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(UNIX_EPOCH + Duration::from_secs(seconds))
            .unwrap();
    }

    pub fn index(&self) {
        let out = self.run(&["index", "wire", "--index", "idx"]);
        assert!(exit_code(&out) <= 1, "{}", stderr(&out));
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .current_dir(self.root.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .output()
            .expect("run newsdex")
    }

    /// `newsdex search --index idx --json ARGS…`: the hits as JSON values.
    pub fn hits(&self, args: &[&str]) -> Vec<Value> {
        let mut all = vec!["search", "--index", "idx", "--json", "--color", "never"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert!(exit_code(&out) <= 1, "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }
}

/// 2026-11-30 12:00 UTC.
pub const NOON: u64 = 1_796_040_000;

pub fn exit_code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
