//! A folder that never stops: `index --watch` as a child process over a temp folder, a
//! standing `search --follow`, and `serve --watch`, each seen through what another process
//! finds (`search`, the API) or prints. Timeouts are generous and only bound a wait: nothing here asserts a latency.

use std::fs;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use common::{BIN, Hit, exit_code, get, stderr};

mod common;

/// The longest a change may take to be found before the test fails (the promise is about a
/// second; a busy CI machine gets much more).
const PATIENCE: Duration = Duration::from_secs(20);

/// A temp folder with `wire/` and, once a command built it, `idx/`.
struct Folder {
    root: TempDir,
}

impl Folder {
    fn new(articles: &[(&str, &str)]) -> Folder {
        let folder = Folder {
            root: TempDir::new().expect("temp dir"),
        };
        for (name, text) in articles {
            folder.write(name, text);
        }
        folder
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.path("wire").join(name);
        fs::create_dir_all(path.parent().expect("a folder")).expect("create folder");
        fs::write(path, text).expect("write article");
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .args(["--color", "never"])
            .current_dir(self.root.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        command
    }

    /// The file names of the articles `search --json QUERY` finds now.
    /// `index wire --index idx --watch` started, its stderr in `watch.log`, once it says it
    /// is watching.
    fn watch(&self) -> Child {
        let log = fs::File::create(self.path("watch.log")).expect("log file");
        let child = self
            .command(&["index", "wire", "--index", "idx", "--watch"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start index --watch");
        self.wait_for_log("watching wire");
        child
    }

    fn found(&self, query: &str) -> Vec<String> {
        let out = self
            .command(&["search", "--index", "idx", "--json", query])
            .output()
            .expect("run search");
        // Exit 1 is no match, or no commit yet.
        assert!(exit_code(&out) <= 1, "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|line| {
                let hit: Hit = serde_json::from_str(line).expect("a JSON hit");
                hit.file_name().to_string()
            })
            .collect()
    }

    /// Waits until `search QUERY` finds exactly `names`.
    fn wait_for(&self, query: &str, names: &[&str]) {
        let started = Instant::now();
        loop {
            let found = self.found(query);
            if found == names {
                return;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "`{query}` still finds {found:?}, not {names:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until `index --watch` has written `words` to its log.
    fn wait_for_log(&self, words: &str) {
        let started = Instant::now();
        loop {
            let log = fs::read_to_string(self.path("watch.log")).unwrap_or_default();
            if log.contains(words) {
                return;
            }
            assert!(started.elapsed() < PATIENCE, "no `{words}` in:\n{log}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Sends SIGINT, as Ctrl-C does, and waits for the process to end.
fn interrupt(mut child: Child) -> std::process::ExitStatus {
    let pid = i32::try_from(child.id()).expect("a pid");
    // SAFETY: kill only sends a signal, to the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for newsdex") {
            return status;
        }
        if started.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("newsdex did not stop on SIGINT");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

const GENEVA: &str =
    "Geneva talks resume\n\nGENEVA (Reuters) - Talks on the border resumed on Monday.\n";
const QUOKKA: &str =
    "Quokka census begins\n\nPERTH (Reuters) - A quokka census began on Rottnest Island.\n";
const QUOKKA_CHANGED: &str =
    "Quokka census ends\n\nPERTH (Reuters) - The census counted every wombat on the island.\n";

#[test]
fn a_watched_folder_is_searchable_as_files_come_change_and_go() {
    let folder = Folder::new(&[("geneva.txt", GENEVA)]);
    let child = folder.watch();
    assert_eq!(folder.found("geneva"), ["geneva.txt"]);

    folder.write("2026/quokka.txt", QUOKKA);
    folder.wait_for("quokka", &["quokka.txt"]);

    folder.write("2026/quokka.txt", QUOKKA_CHANGED);
    folder.wait_for("wombat", &["quokka.txt"]);
    assert_eq!(folder.found("rottnest"), Vec::<String>::new());

    fs::remove_file(folder.path("wire/2026/quokka.txt")).expect("remove article");
    folder.wait_for("quokka", &[]);

    // A file that is no article is named, not passed over in silence.
    fs::write(folder.path("wire/garbled.txt"), b"\x00\x01\x02 not text").expect("write");
    folder.wait_for_log("skipped wire/garbled.txt");

    let status = interrupt(child);
    let log = fs::read_to_string(folder.path("watch.log")).expect("read log");
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(log.contains("watching wire"), "{log}");
    assert!(log.contains("1 removed"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
    // What was committed stays: a later search still finds it.
    assert_eq!(folder.found("geneva"), ["geneva.txt"]);
}

/// Runs `newsdex index wire --index idx` to the end.
fn index(folder: &Folder) {
    let out = folder
        .command(&["index", "wire", "--index", "idx"])
        .output()
        .expect("run index");
    assert!(exit_code(&out) <= 1, "{}", stderr(&out));
}

/// The next line `search --follow` prints, parsed.
fn next_hit(lines: &mpsc::Receiver<String>) -> Hit {
    let line = lines
        .recv_timeout(PATIENCE)
        .expect("search --follow printed nothing new");
    serde_json::from_str(&line).expect("a JSON hit")
}

#[test]
fn a_standing_search_prints_each_new_match_once() {
    let folder = Folder::new(&[("geneva.txt", GENEVA), ("quokka.txt", QUOKKA)]);
    index(&folder);
    let mut child = folder
        .command(&["search", "--index", "idx", "--json", "--follow", "quokka"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start search --follow");
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    // The current matches first.
    assert_eq!(next_hit(&lines).file_name(), "quokka.txt");

    folder.write(
        "second.txt",
        "Second quokka sighting\n\nPERTH - Another quokka was seen.\n",
    );
    index(&folder);
    let second = next_hit(&lines);
    assert_eq!(second.file_name(), "second.txt");
    assert_eq!(second.title, "Second quokka sighting");

    // A commit of nothing that matches prints nothing; the next match is the next line,
    // not one printed before.
    folder.write("unrelated.txt", "Rain in Oslo\n\nOSLO - It rained.\n");
    index(&folder);
    folder.write("third.txt", "Third quokka\n\nPERTH - A third quokka.\n");
    index(&folder);
    assert_eq!(next_hit(&lines).file_name(), "third.txt");

    let status = interrupt(child);
    assert_eq!(status.code(), Some(0));
    assert!(
        lines.try_recv().is_err(),
        "printed again after the last match"
    );
}

#[test]
fn serve_watch_indexes_the_folder_and_serves_what_comes() {
    let folder = Folder::new(&[("geneva.txt", GENEVA)]);
    let mut child = folder
        .command(&[
            "serve",
            "--watch",
            "wire",
            "--index",
            "idx",
            "--addr",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve --watch");
    let stderr = child.stderr.take().expect("piped stderr");
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let addr: SocketAddr = loop {
        let line = lines
            .recv_timeout(PATIENCE)
            .expect("serve --watch said no address");
        if let Some(at) = line.split("http://").nth(1) {
            let at = at.split('/').next().unwrap_or_default();
            break at.parse().expect("an address");
        }
    };
    let found = |query: &str| -> usize {
        let answer = get(addr, &format!("/api/search?q={query}"));
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.json()["hits"].as_array().map_or(0, Vec::len)
    };
    assert_eq!(found("geneva"), 1);

    folder.write("quokka.txt", QUOKKA);
    let started = Instant::now();
    while found("quokka") == 0 {
        assert!(
            started.elapsed() < PATIENCE,
            "the server never found quokka"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    assert_eq!(interrupt(child).code(), Some(0));
}

/// The crash promise: `index --watch` killed outright (SIGKILL, no chance to tidy) while files
/// keep coming, so that a batch is likely under way, leaves an index that `check` finds sound,
/// and the next `index` brings in every file.
#[test]
fn a_watcher_killed_mid_batch_leaves_a_sound_index() {
    let folder = Folder::new(&[("geneva.txt", GENEVA)]);
    let mut child = folder.watch();
    let files = 400;
    for n in 0..files {
        folder.write(
            &format!("burst/{n:04}.txt"),
            &format!("Burst story {n}\n\nPERTH (AP) - The zqxburst count reached {n}.\n"),
        );
        if n == files / 2 {
            // Half written: wait for a batch of them to commit, so the watcher is at work
            // while the second half lands.
            let started = Instant::now();
            while fs::read_to_string(folder.path("watch.log"))
                .unwrap_or_default()
                .matches("indexed ")
                .count()
                < 2
            {
                assert!(
                    started.elapsed() < PATIENCE,
                    "no batch of the burst committed"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
    child.kill().expect("SIGKILL index --watch");
    child.wait().expect("reap index --watch");

    let check = folder
        .command(&["check", "--index", "idx"])
        .output()
        .expect("run check");
    assert_eq!(exit_code(&check), 0, "{}", stderr(&check));
    index(&folder);
    let out = folder
        .command(&[
            "search",
            "--index",
            "idx",
            "--json",
            "--all",
            "--articles",
            "--limit",
            "1000",
            "zqxburst",
        ])
        .output()
        .expect("run search");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        files,
        "{}",
        stderr(&out)
    );
    let check = folder
        .command(&["check", "--index", "idx"])
        .output()
        .expect("run check");
    assert_eq!(exit_code(&check), 0, "{}", stderr(&check));
}
