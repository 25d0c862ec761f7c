//! End-to-end tests: the built `newsdex` binary over a temp copy of `corpus/`, asserting what a
//! user sees (exit codes, stderr lines, `--json` hits parsed with serde).

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

use common::{Hit, exit_code, stderr};

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_newsdex");

/// The sample article used throughout.
const TURKEY: &str = "turkey-unhappy-with-syria-talks.txt";
/// Articles spelling it `cease-fire`.
const HYPHENATED: [&str; 3] = [
    "lebanon-cease-fire-frays-as-drone-strikes-hit-border-villages.txt",
    "us-envoy-presses-israel-and-hamas-on-gaza-cease-fire-deal.txt",
    TURKEY,
];
/// Articles spelling it `ceasefire`.
const CLOSED: [&str; 2] = [
    "yemen-rivals-agree-to-extend-ceasefire-after-geneva-talks.txt",
    "sudan-talks-in-jeddah-edge-forward-as-aid-corridors-debated.txt",
];
/// Articles spelling it `cease fire`.
const OPEN: [&str; 2] = [
    "colombia-presidential-vote-heads-to-runoff-as-count-drags-on.txt",
    "congo-defence-minister-vows-no-retreat-from-eastern-front.txt",
];
/// `cease` and `fire` far apart.
const STORM: &str =
    "storm-odile-batters-western-europe-leaving-hundreds-of-thousands-without-power.txt";
/// `fire; cease`: the words reversed across a semicolon.
const BRUSH_FIRE: &str = "brush-fire-near-albany-prompts-outdoor-burning-ban.txt";
const COLOMBIA: &str = OPEN[0];

/// A temp folder holding `corpus/` (a copy of the sample articles) and, once indexed, `idx/`.
struct Fixture {
    root: TempDir,
}

impl Fixture {
    /// A temp folder with a copy of the sample corpus, not indexed.
    fn new() -> Fixture {
        let root = TempDir::new().expect("temp dir");
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        copy_dir(&source, &root.path().join("corpus"));
        Fixture { root }
    }

    /// A temp folder with `corpus/` indexed into `idx/`.
    fn indexed() -> Fixture {
        let fixture = Fixture::new();
        let out = fixture.index();
        assert_eq!(exit_code(&out), 0, "index failed: {}", stderr(&out));
        fixture
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    fn corpus(&self) -> PathBuf {
        self.path("corpus")
    }

    /// `newsdex index corpus --index idx`.
    fn index(&self) -> Output {
        self.run(&["index", "corpus", "--index", "idx"])
    }

    /// Writes `(name, text)` articles into a new folder `wire/` and indexes it into `idx/`.
    fn index_articles(&self, articles: &[(&str, &str)]) {
        let wire = self.path("wire");
        fs::create_dir(&wire).unwrap();
        for (name, text) in articles {
            fs::write(wire.join(name), text).unwrap();
        }
        let out = self.run(&["index", "wire", "--index", "idx"]);
        assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    }

    /// `newsdex search --index idx ARGS…`.
    fn search(&self, args: &[&str]) -> Output {
        let mut all = vec!["search", "--index", "idx"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// `newsdex search --index idx --json --limit 50 ARGS…`: exit code and parsed hits.
    fn search_json(&self, args: &[&str]) -> (i32, Vec<Hit>) {
        let mut all = vec!["--json", "--limit", "50"];
        all.extend_from_slice(args);
        let out = self.search(&all);
        (exit_code(&out), parse_hits(&out))
    }

    /// Runs the binary in the fixture folder, colour off, environment cleared.
    fn run(&self, args: &[&str]) -> Output {
        run_in(self.root.path(), &with_color_never(args))
    }
}

fn with_color_never<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--color", "never"];
    all.extend_from_slice(args);
    all
}

/// Runs the binary in `dir` with a cleared environment (only `PATH`; `NO_COLOR` unset).
fn run_in(dir: &Path, args: &[&str]) -> Output {
    command_in(dir, args).output().expect("run newsdex")
}

fn command_in(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create corpus copy");
    for entry in fs::read_dir(from).expect("read corpus") {
        let entry = entry.expect("corpus entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy article");
        }
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

/// Every stdout line must be one JSON hit; nothing else may be there.
fn parse_hits(out: &Output) -> Vec<Hit> {
    stdout(out)
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|err| panic!("not a JSON hit ({err}): {line:?}"))
        })
        .collect()
}

fn files(hits: &[Hit]) -> BTreeSet<&str> {
    hits.iter().map(Hit::file_name).collect()
}

/// Lower-cased words of a text, split like the analyzer does (on non-alphanumerics).
fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Asserts an error exit: code 2 and exactly one `newsdex: ` line on stderr.
fn assert_one_line_error(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(exit_code(out), 2, "expected exit 2; stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "expected one stderr line, got: {err:?}");
    assert!(lines[0].starts_with("newsdex: "), "{err:?}");
    err
}

fn names_in(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// index

#[test]
fn index_prints_one_summary_line_and_rerun_reports_everything_unchanged() {
    let fixture = Fixture::new();
    let first = fixture.index();
    assert_eq!(exit_code(&first), 0, "{}", stderr(&first));
    assert!(first.stdout.is_empty(), "index wrote to stdout");
    let err = stderr(&first);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one summary line expected: {err:?}");
    assert!(
        lines[0].contains("17 files") && lines[0].contains("17 new or changed"),
        "{err}"
    );

    let again = fixture.index();
    assert_eq!(exit_code(&again), 0, "{}", stderr(&again));
    let err = stderr(&again);
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(
        err.starts_with("index up to date: 17 files unchanged; 0 skipped;"),
        "{err}"
    );
}

#[test]
fn index_refuses_a_non_empty_folder_that_is_not_an_index() {
    let fixture = Fixture::new();
    let busy = fixture.path("busy");
    fs::create_dir(&busy).unwrap();
    fs::write(busy.join("notes.md"), "my notes\n").unwrap();

    let out = fixture.run(&["index", "corpus", "--index", "busy"]);
    assert_one_line_error(&out);
    assert_eq!(
        names_in(&busy),
        BTreeSet::from(["notes.md".to_string()]),
        "newsdex wrote into a folder that is not its own"
    );
    assert_eq!(
        fs::read_to_string(busy.join("notes.md")).unwrap(),
        "my notes\n"
    );
}

#[test]
fn odd_encodings_are_read_and_binary_and_empty_files_are_skipped() {
    let fixture = Fixture::new();
    let wire = fixture.path("wire");
    fs::create_dir(&wire).unwrap();
    fs::write(
        wire.join("latin1.txt"),
        b"Z\xfcrich Bankers Meet\n\nZ\xfcrich bankers met with quorblefax officials.\n",
    )
    .unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "Wide Story\n\nThe snorkelvane report was filed.\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    fs::write(wire.join("utf16.txt"), utf16).unwrap();
    let binary: Vec<u8> = (0..4096).map(|i| (i % 256) as u8).collect();
    fs::write(wire.join("x.txt"), binary).unwrap();
    fs::write(wire.join("empty.txt"), b"").unwrap();

    let out = fixture.run(&["index", "wire", "--index", "idx"]);
    let err = stderr(&out);
    assert_eq!(exit_code(&out), 1, "skipped files mean exit 1: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("x.txt"), "binary file not named: {err}");
    assert!(err.contains("empty.txt"), "empty file not named: {err}");
    assert!(
        !err.contains("latin1.txt") && !err.contains("utf16.txt"),
        "{err}"
    );

    for query in ["zurich", "quorblefax"] {
        let (code, hits) = fixture.search_json(&[query]);
        assert_eq!(code, 0, "{query}");
        assert_eq!(files(&hits), BTreeSet::from(["latin1.txt"]), "{query}");
        assert!(
            hits[0].text.starts_with("Zürich bankers"),
            "{:?}",
            hits[0].text
        );
        assert_eq!(hits[0].title, "Zürich Bankers Meet");
    }
    let (code, hits) = fixture.search_json(&["snorkelvane"]);
    assert_eq!(code, 0);
    assert_eq!(files(&hits), BTreeSet::from(["utf16.txt"]));
    assert_eq!(hits[0].text, "The snorkelvane report was filed.");
}

// ---------------------------------------------------------------------------------------------
// incremental indexing

#[test]
fn new_article_is_indexed_on_rerun_and_searchable() {
    let fixture = Fixture::indexed();
    fs::write(
        fixture.corpus().join("oslo-council.txt"),
        "Oslo Council Meets\n\nOSLO -- The zorblaxian council met on Monday.\n",
    )
    .unwrap();
    let out = fixture.index();
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("1 new or changed") && err.contains("17 unchanged"),
        "{err}"
    );
    let (code, hits) = fixture.search_json(&["zorblaxian"]);
    assert_eq!(code, 0);
    assert_eq!(files(&hits), BTreeSet::from(["oslo-council.txt"]));
    assert_eq!(hits[0].dateline, "OSLO");
}

#[test]
fn changed_article_replaces_its_old_passages() {
    let fixture = Fixture::indexed();
    let (_, before) = fixture.search_json(&["dateline:ankara"]);
    assert!(!before.is_empty());
    let path = fixture.corpus().join(TURKEY);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("Cavusoglu"));
    // A longer word, so the size changes even if the modification time does not.
    fs::write(&path, text.replace("Cavusoglu", "Zephyrquillan")).unwrap();

    let out = fixture.index();
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("1 new or changed"),
        "{}",
        stderr(&out)
    );

    let (code, hits) = fixture.search_json(&["cavusoglu"]);
    assert_eq!(code, 1, "old word still found: {hits:?}");
    let (code, hits) = fixture.search_json(&["zephyrquillan"]);
    assert_eq!(code, 0);
    assert_eq!(files(&hits), BTreeSet::from([TURKEY]));
    let (_, after) = fixture.search_json(&["dateline:ankara"]);
    assert_eq!(
        after.len(),
        before.len(),
        "passages of the changed article were duplicated or lost"
    );
    let paragraphs: HashSet<u64> = after.iter().map(|h| h.paragraph).collect();
    assert_eq!(paragraphs.len(), after.len(), "duplicate paragraphs");
}

/// Hits are read from the article files when they are still the ones indexed, from the index
/// otherwise: a file changed (or gone) since the last `index` run shows the passage as it was
/// indexed, which is the text the query matched.
#[test]
fn a_file_changed_or_gone_since_indexing_shows_its_passages_as_indexed() {
    let fixture = Fixture::indexed();
    let (code, before) = fixture.search_json(&["cavusoglu"]);
    assert_eq!(code, 0);
    let path = fixture.corpus().join(TURKEY);
    let text = fs::read_to_string(&path).unwrap();
    // Same size, so only the modification time tells; then a different size.
    let same_size = text
        .replace("Cavusoglu", "Qavusoglu")
        .replace("ANKARA", "BERLIN");
    let longer = text.replace("Cavusoglu", "Zephyrquillan");
    let marked = |hits: &[Hit], file: &str| -> Vec<Hit> {
        hits.iter()
            .map(|hit| Hit {
                file: file.to_string(),
                ..hit.clone()
            })
            .collect()
    };
    assert!(before.iter().all(|hit| hit.file == "unchanged"));
    for changed_text in [same_size, longer] {
        fs::write(&path, changed_text).unwrap();
        let (code, changed) = fixture.search_json(&["cavusoglu"]);
        assert_eq!(code, 0);
        assert_eq!(changed, marked(&before, "changed"));
        assert!(changed.iter().all(|hit| hit.text.contains("Cavusoglu")));
        assert!(changed.iter().all(|hit| hit.dateline.starts_with("ANKARA")));
        let human = stdout(&fixture.search(&["cavusoglu", "--limit", "1"]));
        assert!(
            human
                .lines()
                .next()
                .unwrap()
                .contains("¶4 (file changed since indexing)"),
            "{human}"
        );
    }

    fs::remove_file(&path).unwrap();
    let (code, gone) = fixture.search_json(&["cavusoglu"]);
    assert_eq!(code, 0);
    assert_eq!(gone, marked(&before, "missing"));
    let human = stdout(&fixture.search(&["cavusoglu", "--limit", "1"]));
    assert!(
        human
            .lines()
            .next()
            .unwrap()
            .contains("¶4 (file gone since indexing)"),
        "{human}"
    );
}

/// Segments in the index's `meta.json`.
fn segment_count(index: &Path) -> usize {
    let meta: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(index.join("meta.json")).unwrap()).unwrap();
    meta["segments"].as_array().unwrap().len()
}

#[test]
fn many_small_updates_do_not_pile_up_segments() {
    let fixture = Fixture::indexed();
    for i in 0..10 {
        fs::write(
            fixture.corpus().join(format!("update-{i}.txt")),
            format!("Update {i}\n\nOSLO -- Plinthwort number{i} was sighted.\n"),
        )
        .unwrap();
        let out = fixture.index();
        assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    }
    // Each run adds a segment; segments of like size are merged by eights.
    let segments = segment_count(&fixture.path("idx"));
    assert!(segments < 8, "{segments} segments after ten small runs");
    let (code, hits) = fixture.search_json(&["plinthwort"]);
    assert_eq!(code, 0);
    assert_eq!(hits.len(), 10, "{hits:?}");
}

#[test]
fn articles_fill_the_limit_even_when_each_has_many_matching_passages() {
    // Forty articles of thirty passages that all match alike: the first 400 candidates hold
    // only fourteen articles.
    let articles: Vec<(String, String)> = (0..40)
        .map(|i| {
            let passages: Vec<String> = (0..30)
                .map(|p| format!("A quokka was seen at site {p}."))
                .collect();
            (
                format!("report-{i:02}.txt"),
                format!("Report {i}\n\n{}\n", passages.join("\n\n")),
            )
        })
        .collect();
    let named: Vec<(&str, &str)> = articles
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    let fixture = Fixture::new();
    fixture.index_articles(&named);
    // Alike articles: --all keeps the near-duplicates apart.
    let out = fixture.search(&["--json", "--articles", "--all", "--limit", "40", "quokka"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let hits = parse_hits(&out);
    assert_eq!(hits.len(), 40);
    assert_eq!(files(&hits).len(), 40, "an article listed twice");
}

#[test]
fn deleted_article_passages_vanish() {
    let fixture = Fixture::indexed();
    assert_eq!(fixture.search_json(&["cavusoglu"]).0, 0);
    fs::remove_file(fixture.corpus().join(TURKEY)).unwrap();
    let out = fixture.index();
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("1 removed"), "{}", stderr(&out));
    let (code, hits) = fixture.search_json(&["cavusoglu"]);
    assert_eq!(code, 1, "deleted article still found: {hits:?}");
    assert!(hits.is_empty());
}

#[test]
fn emptied_article_loses_its_old_passages() {
    let fixture = Fixture::indexed();
    fs::write(fixture.corpus().join(TURKEY), b"").unwrap();
    let out = fixture.index();
    assert_eq!(
        exit_code(&out),
        1,
        "an empty file is skipped: {}",
        stderr(&out)
    );
    let (code, hits) = fixture.search_json(&["cavusoglu"]);
    assert_eq!(code, 1, "emptied article still found: {hits:?}");
}

// ---------------------------------------------------------------------------------------------
// compounds: cease-fire, ceasefire, cease fire

#[test]
fn every_cease_fire_spelling_finds_all_three_spellings() {
    let fixture = Fixture::indexed();
    let expected: BTreeSet<&str> = HYPHENATED
        .iter()
        .chain(&CLOSED)
        .chain(&OPEN)
        .copied()
        .collect();
    for query in [
        "\"cease-fire\"",
        "cease-fire",
        "\"cease fire\"",
        "ceasefire",
    ] {
        let (code, hits) = fixture.search_json(&[query]);
        assert_eq!(code, 0, "{query}");
        let found = files(&hits);
        assert!(
            expected.is_subset(&found),
            "{query}: missing {:?}",
            expected.difference(&found).collect::<Vec<_>>()
        );
        for article in [STORM, BRUSH_FIRE] {
            assert!(
                !found.contains(article),
                "{query} matched {article}, which has cease and fire apart"
            );
        }
        // Each spelling is highlighted where it occurs in the body.
        let marked: HashSet<String> = hits
            .iter()
            .flat_map(|h| h.highlighted())
            .map(str::to_lowercase)
            .collect();
        for spelling in ["cease-fire", "ceasefire", "cease fire"] {
            assert!(
                marked.contains(spelling),
                "{query}: {spelling} not highlighted"
            );
        }
    }
}

#[test]
fn reversed_phrase_fire_cease_does_not_match_cease_fire() {
    let fixture = Fixture::indexed();
    let (code, hits) = fixture.search_json(&["\"fire cease\""]);
    assert!(code == 0 || code == 1, "exit {code}");
    let found = files(&hits);
    for article in HYPHENATED.iter().chain(&CLOSED).chain(&OPEN) {
        assert!(!found.contains(article), "\"fire cease\" matched {article}");
    }
}

#[test]
fn sample_passage_has_its_paragraph_dateline_title_and_highlight() {
    let fixture = Fixture::indexed();
    let (code, hits) = fixture.search_json(&["\"cease-fire\""]);
    assert_eq!(code, 0);
    let hit = hits
        .iter()
        .find(|h| h.path.ends_with(TURKEY) && h.paragraph == 9)
        .unwrap_or_else(|| panic!("no {TURKEY} ¶9 among {hits:?}"));
    assert_eq!(hit.dateline, "ANKARA, Turkey (AP)");
    assert_eq!(hit.title, "Turkey Unhappy With Syria Talks");
    assert_eq!(hit.highlighted(), ["cease-fire"]);
    assert!(
        hit.text
            .contains("collapse of the cease-fire deal struck in Sochi")
    );
}

// ---------------------------------------------------------------------------------------------
// output

#[test]
fn json_lines_have_the_documented_shape() {
    let fixture = Fixture::indexed();
    let out = fixture.search(&[
        "--json",
        "--limit",
        "100",
        "cease-fire OR turkey OR zurich OR sao OR bogota",
    ]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    // Raw check first: every line is a JSON object with exactly these keys and types.
    for line in stdout(&out).lines() {
        let value: serde_json::Value = serde_json::from_str(line).expect("line is JSON");
        let object = value.as_object().expect("line is an object");
        let keys: BTreeSet<&str> = object.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            BTreeSet::from([
                "rank",
                "score",
                "path",
                "id",
                "paragraph",
                "title",
                "dateline",
                "text",
                "highlights",
                "title_highlights",
                "file",
                "copies",
                "copy_of",
                "more_in_article",
                "date",
                "date_source"
            ])
        );
        assert_eq!(object["file"], "unchanged", "{line}");
        // The sample corpus is a file an article: no article has an id of its own.
        assert!(object["id"].is_null(), "{line}");
        assert!(object["dateline"].is_string(), "{line}");
        assert!(
            object["rank"].is_u64() && object["paragraph"].is_u64(),
            "{line}"
        );
        assert!(object["score"].is_number(), "{line}");
    }
    let hits = parse_hits(&out);
    assert!(hits.len() > 10);
    let mut saw_colombia = false;
    let mut saw_first_paragraph_with_dateline = false;
    let mut row_rank = 0;
    for hit in &hits {
        // A story's copies follow its row, at its rank.
        match &hit.copy_of {
            None => {
                row_rank += 1;
                assert_eq!(hit.rank, row_rank);
            }
            Some(story) => {
                assert_eq!(hit.rank, row_rank);
                assert!(hits.iter().any(|row| &row.path == story
                    && row.rank == row_rank
                    && row.copies.contains(&hit.path)));
            }
        }
        assert!(hit.score.is_finite() && hit.score > 0.0);
        assert!(hit.paragraph >= 1);
        assert!(!hit.title.is_empty() && !hit.text.is_empty());
        for (text, ranges) in [
            (&hit.text, &hit.highlights),
            (&hit.title, &hit.title_highlights),
        ] {
            let mut previous_end = 0;
            for &[start, end] in ranges {
                assert!(
                    start < end && end <= text.len() && start >= previous_end,
                    "bad range [{start},{end}] in {hit:?}"
                );
                assert!(
                    text.is_char_boundary(start) && text.is_char_boundary(end),
                    "range [{start},{end}] splits a character in {text:?}"
                );
                previous_end = end;
            }
        }
        if hit.file_name() == COLOMBIA {
            saw_colombia = true;
            assert_eq!(hit.dateline, "", "colombia has no dateline");
        }
        if hit.paragraph == 1 && !hit.dateline.is_empty() {
            saw_first_paragraph_with_dateline = true;
            assert!(
                !hit.text.starts_with(&hit.dateline),
                "paragraph 1 still carries its dateline: {:?}",
                hit.text
            );
        }
    }
    assert!(saw_colombia && saw_first_paragraph_with_dateline);
}

#[test]
fn colour_always_marks_matches_and_never_or_piped_auto_does_not() {
    let fixture = Fixture::indexed();
    let dir = fixture.root.path();
    let always = run_in(
        dir,
        &[
            "--color",
            "always",
            "search",
            "--index",
            "idx",
            "cease-fire",
        ],
    );
    assert_eq!(exit_code(&always), 0);
    assert!(
        stdout(&always).contains("\x1b["),
        "no escape with --color always"
    );

    let never = fixture.search(&["cease-fire"]);
    assert_eq!(exit_code(&never), 0);
    assert!(!stdout(&never).contains('\x1b'));
    assert!(
        stdout(&never).contains("[cease-fire]"),
        "plain output brackets matches"
    );

    let auto = run_in(
        dir,
        &["--color", "auto", "search", "--index", "idx", "cease-fire"],
    );
    assert_eq!(exit_code(&auto), 0);
    assert!(!stdout(&auto).is_empty());
    assert!(!stdout(&auto).contains('\x1b'), "colour into a pipe");
}

#[test]
fn no_hits_exits_1_with_nothing_printed() {
    let fixture = Fixture::indexed();
    let out = fixture.search(&["xylophonequaternion"]);
    assert_eq!(exit_code(&out), 1, "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn closed_stdout_is_not_an_error() {
    // Enough output (thousands of passages) that it cannot all sit in the pipe buffer: the
    // writes after the reader leaves must fail with EPIPE, and that must stay silent.
    let root = TempDir::new().unwrap();
    let corpus = root.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    let mut text = String::from("Pipe Test\n\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "Paragraph {i} mentions the pipeword among other words.\n\n"
        ));
    }
    fs::write(corpus.join("long.txt"), text).unwrap();
    let out = run_in(
        root.path(),
        &with_color_never(&["index", "corpus", "--index", "idx"]),
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));

    let mut child = command_in(
        root.path(),
        &with_color_never(&["search", "--index", "idx", "--limit", "3000", "pipeword"]),
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("1. "), "{first:?}");
    // The reader is dropped here, like `| head -1` exiting.
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(
        !err.contains("Broken pipe") && !err.contains("os error 32") && !err.contains("panicked"),
        "broken pipe reported: {err}"
    );
    assert_ne!(
        out.status.code(),
        Some(2),
        "broken pipe is not an error: {err}"
    );
}

// ---------------------------------------------------------------------------------------------
// query syntax

#[test]
fn dateline_field_finds_only_articles_filed_from_there() {
    let fixture = Fixture::indexed();
    let (code, hits) = fixture.search_json(&["dateline:ankara"]);
    assert_eq!(code, 0);
    assert_eq!(files(&hits), BTreeSet::from([TURKEY]));
    assert!(hits.iter().all(|h| h.dateline == "ANKARA, Turkey (AP)"));
}

#[test]
fn title_field_finds_the_glacier_article() {
    let fixture = Fixture::indexed();
    let (code, hits) = fixture.search_json(&["title:glacier"]);
    assert_eq!(code, 0);
    assert_eq!(
        files(&hits),
        BTreeSet::from(["swiss-glaciers-lost-record-share-of-ice-this-summer-study-finds.txt"])
    );
}

#[test]
fn and_requires_both_words() {
    let fixture = Fixture::indexed();
    let (code, hits) = fixture.search_json(&["syria AND russia"]);
    assert_eq!(code, 0);
    for hit in &hits {
        let seen = words(&format!("{} {} {}", hit.title, hit.dateline, hit.text));
        assert!(seen.contains("syria") && seen.contains("russia"), "{hit:?}");
    }
    // The body of ¶9 holds both.
    assert!(
        hits.iter()
            .any(|h| h.file_name() == TURKEY && h.paragraph == 9)
    );
}

#[test]
fn not_and_minus_exclude_a_word() {
    let fixture = Fixture::indexed();
    let mut results = Vec::new();
    // `--` lets a query start with `-`, the way a user must pass `-russia` first.
    for args in [
        &["syria NOT russia"][..],
        &["syria -russia"][..],
        &["--", "-russia syria"][..],
    ] {
        let (code, hits) = fixture.search_json(args);
        assert_eq!(code, 0, "{args:?}");
        for hit in &hits {
            let seen = words(&format!("{} {} {}", hit.title, hit.dateline, hit.text));
            assert!(!seen.contains("russia"), "{args:?} returned {hit:?}");
            assert!(seen.contains("syria"), "{args:?} returned {hit:?}");
        }
        let mut passages: Vec<(String, u64)> =
            hits.iter().map(|h| (h.path.clone(), h.paragraph)).collect();
        passages.sort();
        results.push(passages);
    }
    assert!(!results[0].is_empty());
    assert_eq!(results[0], results[1], "NOT and - differ");
    assert_eq!(results[0], results[2], "NOT and leading - differ");
}

#[test]
fn query_may_start_with_a_minus_after_double_dash() {
    let fixture = Fixture::indexed();
    let out = fixture.search(&["--json", "--", "-russia syria"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
}

#[test]
fn options_after_the_query_are_options() {
    let fixture = Fixture::indexed();
    let out = fixture.search(&["--json", "syria", "turkey", "--limit", "2"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let hits = parse_hits(&out);
    assert_eq!(hits.len(), 2);
}

#[test]
fn prefix_query_finds_words_starting_with_it() {
    let fixture = Fixture::indexed();
    let (code, hits) = fixture.search_json(&["negot*"]);
    assert_eq!(code, 0);
    for hit in &hits {
        let marked = hit.highlighted();
        assert!(!marked.is_empty(), "{hit:?}");
        assert!(
            marked.iter().all(|w| w.to_lowercase().starts_with("negot")),
            "{marked:?}"
        );
    }
    let marked: BTreeSet<String> = hits
        .iter()
        .flat_map(|h| h.highlighted())
        .map(str::to_lowercase)
        .collect();
    assert!(
        ["negotiations", "negotiators", "negotiator"]
            .iter()
            .all(|w| marked.contains(*w)),
        "{marked:?}"
    );
}

#[test]
fn prefix_longer_than_the_stem_still_matches() {
    let fixture = Fixture::indexed();
    let (_, expected) = fixture.search_json(&["negot*"]);
    assert_eq!(expected.len(), 4, "{expected:?}");
    for query in ["negotia*", "negotiat*"] {
        let (code, hits) = fixture.search_json(&[query]);
        assert_eq!(code, 0, "{query} found nothing");
        assert_eq!(hits.len(), expected.len(), "{query}");
    }
}

#[test]
fn accentless_words_find_accented_ones() {
    let fixture = Fixture::indexed();
    let (code, hits) = fixture.search_json(&["zurich"]);
    assert_eq!(code, 0);
    assert!(
        hits.iter()
            .flat_map(|h| h.highlighted())
            .any(|w| w == "Zürich")
    );

    let (code, hits) = fixture.search_json(&["sao paulo"]);
    assert_eq!(code, 0);
    // The frost story and its corrected copy open alike: either may be the row.
    let story = BTreeSet::from([hits[0].file_name(), hits[1].file_name()]);
    assert_eq!(
        story,
        BTreeSet::from([
            "frost-threatens-brazils-coffee-harvest-as-prices-climb.txt",
            "corrected-frost-threatens-brazils-coffee-harvest.txt"
        ])
    );
    assert_eq!(hits[1].copy_of.as_ref(), Some(&hits[0].path));
    let marked = hits[0].highlighted();
    assert!(
        marked.contains(&"São") && marked.contains(&"Paulo"),
        "{marked:?}"
    );
}

#[test]
fn malformed_queries_never_panic() {
    let fixture = Fixture::indexed();
    for query in [
        "\"unbalanced",
        "foo:",
        ":",
        "(",
        ")",
        "title:",
        "((a",
        "a))",
        "AND",
        "NOT",
        "-",
        "*",
    ] {
        let out = fixture.search(&["--json", query]);
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{query:?} panicked: {err}");
        match exit_code(&out) {
            0 | 1 => {
                parse_hits(&out);
                assert!(
                    err.lines().all(|l| l.starts_with("newsdex: ")),
                    "{query:?}: {err}"
                );
            }
            2 => {
                assert_one_line_error(&out);
                assert!(out.stdout.is_empty(), "{query:?}");
            }
            other => panic!("{query:?} exited {other}: {err}"),
        }
    }
}

#[test]
fn stop_word_only_query_still_searches() {
    let fixture = Fixture::indexed();
    let out = fixture.search(&["--json", "the of and"]);
    let status = exit_code(&out);
    assert!(
        status == 0 || status == 1,
        "exit {status}: {}",
        stderr(&out)
    );
    parse_hits(&out);
}

#[test]
fn empty_query_is_an_error() {
    let fixture = Fixture::indexed();
    for query in ["", "   "] {
        let out = fixture.search(&[query]);
        assert_one_line_error(&out);
    }
}

#[test]
fn articles_mode_gives_one_ranked_row_per_article() {
    let fixture = Fixture::indexed();
    let (code, hits) = fixture.search_json(&["--articles", "ceasefire"]);
    assert_eq!(code, 0);
    let paths: HashSet<&str> = hits.iter().map(|h| h.path.as_str()).collect();
    assert_eq!(paths.len(), hits.len(), "an article appears twice");
    assert_eq!(hits.len(), 7, "{:?}", files(&hits));
    for (i, pair) in hits.windows(2).enumerate() {
        assert_eq!(pair[0].rank, i + 1);
        assert!(pair[0].score >= pair[1].score, "not ranked: {hits:?}");
    }

    let out = fixture.search(&["--json", "--articles", "--limit", "2", "ceasefire"]);
    assert_eq!(exit_code(&out), 0);
    let top = parse_hits(&out);
    assert_eq!(top.len(), 2);
    assert_ne!(top[0].path, top[1].path);
    assert_eq!(top[0].path, hits[0].path);
}

#[test]
fn articles_mode_ranks_an_article_that_several_paragraphs_match_above_a_passing_mention() {
    let fixture = Fixture::new();
    fixture.index_articles(&[
        (
            "mention.txt",
            "Port Traffic\n\nCocoa ships waited at anchor outside the port on Monday.\n\n\
             The harbour master said the queue of container vessels grew longer each day.\n",
        ),
        (
            "story.txt",
            "Harvest Report\n\n\
             West African cocoa farmers expect a smaller harvest this season after dry weeks.\n\n\
             Traders said cocoa stocks held in the ports were lower than a year ago.\n\n\
             Exporters warned that cocoa prices could rise again before the next crop.\n\n\
             Grinders said demand for cocoa butter stayed firm in Europe and in Asia.\n\n\
             The cocoa board will set the farm gate price for the season next month.\n",
        ),
    ]);

    // Passage by passage, the short one-line mention is the densest match...
    let (_, passages) = fixture.search_json(&["cocoa"]);
    assert!(passages[0].path.ends_with("mention.txt"), "{passages:?}");
    // ...but the article about cocoa, which all five paragraphs match, is the better article.
    let (code, articles) = fixture.search_json(&["--articles", "cocoa"]);
    assert_eq!(code, 0);
    let order: Vec<&str> = articles.iter().map(|h| h.path.as_str()).collect();
    assert!(order[0].ends_with("story.txt"), "{order:?}");
    assert_eq!(order.len(), 2);
}

/// Indexes two articles and checks that `query` ranks `winner` first, with a higher score
/// than the other: for articles alike but for the one signal under test, so that a tie
/// would mean the signal is gone. Articles this alike are near-duplicates: `--all` keeps them
/// apart.
fn assert_outranks(articles: &[(&str, &str); 2], query: &str, winner: &str) {
    let fixture = Fixture::new();
    fixture.index_articles(articles);
    let (code, hits) = fixture.search_json(&["--all", query]);
    assert_eq!(code, 0);
    let order: Vec<&str> = hits.iter().map(|h| h.path.as_str()).collect();
    assert_eq!(order.len(), 2, "{order:?}");
    assert!(order[0].ends_with(winner), "{order:?}");
    assert!(hits[0].score > hits[1].score, "{hits:?}");
}

#[test]
fn query_words_near_each_other_in_either_order_outrank_the_same_words_far_apart() {
    // Same title, same words, same length: only the distance between `sparse` and `matrices`
    // differs, and in the near one they stand in the reverse of the query's order.
    let far = "Notes\n\nSparse storage saves memory on large problems that solvers meet \
               every day in engineering, and dense matrices waste it.\n";
    let near = "Notes\n\nLarge problems that solvers meet every day in engineering often give \
                matrices that are sparse, and storage saves memory.\n";
    assert_outranks(
        &[("far.txt", far), ("near.txt", near)],
        "sparse matrices",
        "near.txt",
    );
}

#[test]
fn query_words_one_apart_in_the_query_count_when_they_stand_together() {
    // The same sixteen words in two orders. Only in `together.txt` do two of the query's words
    // stand near each other: `sparse` and `matrices`, which the query holds one word apart.
    let apart = "Notes\n\nSparse solvers meet these problems every day storage in engineering \
                 work across many fields with matrices.\n";
    let together = "Notes\n\nSparse matrices: solvers meet these problems every day in \
                    engineering work across many fields with storage.\n";
    assert_outranks(
        &[("apart.txt", apart), ("together.txt", together)],
        "sparse storage matrices",
        "together.txt",
    );
}

#[test]
fn a_title_with_the_query_word_as_typed_outranks_one_with_only_its_stem() {
    // `computer` and `computing` are both `comput` once stemmed: only the exact form differs.
    let body = "Prices of parts fell again this year, dealers said.";
    let computing = format!("Computing Prices\n\n{body}\n");
    let computer = format!("Computer Prices\n\n{body}\n");
    assert_outranks(
        &[("computing.txt", &computing), ("computer.txt", &computer)],
        "computer",
        "computer.txt",
    );
}

// ---------------------------------------------------------------------------------------------
// opening the index

#[test]
fn missing_index_is_an_error_and_is_not_created() {
    let fixture = Fixture::new();
    fs::create_dir(fixture.path("empty")).unwrap();
    let out = fixture.run(&["search", "--index", "empty/nope", "x"]);
    assert_one_line_error(&out);
    assert!(
        !fixture.path("empty/nope").exists(),
        "search created the index folder"
    );
    assert!(names_in(&fixture.path("empty")).is_empty());
}

#[test]
fn index_from_another_version_is_refused() {
    let fixture = Fixture::new();
    let bogus = fixture.path("bogus");
    fs::create_dir(&bogus).unwrap();
    fs::write(
        bogus.join("newsdex.json"),
        r#"{"format":999,"corpus":null}"#,
    )
    .unwrap();
    let out = fixture.run(&["search", "--index", "bogus", "x"]);
    let err = assert_one_line_error(&out);
    assert!(err.contains("another version"), "{err}");
}

#[test]
fn search_builds_the_default_index_from_corpus_when_missing() {
    let fixture = Fixture::new();
    let out = fixture.run(&["search", "--index", "other", "\"cease-fire\""]);
    assert_one_line_error(&out);
    assert!(!fixture.path("other").exists(), "--index other was built");
    assert!(
        !fixture.path("index").exists(),
        "default index built for --index other"
    );

    let out = fixture.run(&["search", "--json", "\"cease-fire\""]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert!(fixture.path("index").join("newsdex.json").is_file());
    let hits = parse_hits(&out);
    assert!(hits.iter().any(|h| h.path.ends_with(TURKEY)));
}

#[test]
fn compounds_meet_in_a_corpus_that_never_hyphenates() {
    let fixture = Fixture::new();
    fixture.index_articles(&[
        (
            "joined.txt",
            "Truce Holds\n\nThe ceasefire held overnight in the valley.\n",
        ),
        (
            "spaced.txt",
            "Guns Fall Quiet\n\nBoth armies agreed to a cease fire at dawn.\n",
        ),
        (
            "apart.txt",
            "Orders Given\n\nThey were told to cease all movement and hold fire.\n",
        ),
        (
            "therapy.txt",
            "Clinic Opens\n\nThe therapist met the rapist's victims.\n",
        ),
    ]);

    for query in ["ceasefire", "\"cease fire\"", "cease-fire"] {
        let (code, hits) = fixture.search_json(&[query]);
        assert_eq!(code, 0, "{query}");
        assert_eq!(
            files(&hits),
            BTreeSet::from(["joined.txt", "spaced.txt"]),
            "{query}: both spellings, never the words apart"
        );
    }
    // An ordinary word is not split around a stop word: `therapist` is not `the rapist`.
    let (_, hits) = fixture.search_json(&["therapist"]);
    let marked: Vec<&str> = hits.iter().flat_map(|h| h.highlighted()).collect();
    assert_eq!(marked, ["therapist"], "{hits:?}");
}

// ---------------------------------------------------------------------------------------------
// what a first-time user trips over (each test named after the finding)

#[test]
fn a_query_that_matches_nothing_says_so_and_names_the_missing_words() {
    let fixture = Fixture::indexed();
    let out = fixture.search(&["thacher"]);
    assert_eq!(exit_code(&out), 1);
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr(&out),
        "newsdex: nothing matched `thacher` (not in the index: thacher)\n"
    );
}

#[test]
fn misspelt_words_are_named_even_when_their_stem_is_in_the_index() {
    let fixture = Fixture::new();
    fixture.index_articles(&[
        (
            "governess.txt",
            "A Governess Remembers\n\nThe governess kept the budget for the household.",
        ),
        (
            "budget.txt",
            "Budget Talks\n\nThe government said the budget deficit would narrow.",
        ),
    ]);
    // `goverment` stems to `gover`, as `governess` does; no article writes it.
    let out = fixture.search(&["goverment", "budget", "defecit"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("not in the index: goverment, defecit; the results are for the other words"),
        "{}",
        stderr(&out)
    );
    let out = fixture.search(&["government", "budget", "deficit"]);
    assert!(
        !stderr(&out).contains("not in the index"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_human_output_counts_all_matches_and_offset_pages_through_them() {
    let fixture = Fixture::indexed();
    let (_, all) = fixture.search_json(&["talks"]);
    assert!(all.len() > 4, "{all:?}");
    let first = fixture.search(&["talks", "--limit", "2"]);
    assert_eq!(
        stderr(&first),
        format!(
            "newsdex: 1-2 of {} passages (--offset 2 for more)\n",
            all.len()
        )
    );
    let out = fixture.search(&["--json", "talks", "--limit", "2", "--offset", "2"]);
    let second = parse_hits(&out);
    assert_eq!(exit_code(&out), 0);
    assert_eq!(
        second,
        all[2..4].to_vec(),
        "the second page is ranks 3 and 4"
    );
    let last = fixture.search(&[
        "talks",
        "--limit",
        "2",
        "--offset",
        &(all.len() - 1).to_string(),
    ]);
    assert_eq!(
        stderr(&last),
        format!("newsdex: {n} of {n} passages\n", n = all.len())
    );
    let beyond = fixture.search(&["talks", "--offset", "1000"]);
    assert_eq!(exit_code(&beyond), 1);
    assert!(stderr(&beyond).contains(&format!("{} passages matched", all.len())));
    let articles = fixture.search(&["talks", "--articles", "--limit", "1"]);
    assert!(
        stderr(&articles).contains(" articles (--offset 1 for more)"),
        "{}",
        stderr(&articles)
    );
}

#[test]
fn ext_adds_to_txt_and_a_later_run_without_it_keeps_the_extensions() {
    let fixture = Fixture::new();
    let wire = fixture.path("wire");
    fs::create_dir(&wire).unwrap();
    fs::write(
        wire.join("a.txt"),
        "Plain Text Story\n\nAbout a lighthouse keeper.",
    )
    .unwrap();
    fs::write(
        wire.join("b.story"),
        "Story File\n\nAbout a lighthouse fire.",
    )
    .unwrap();
    let out = fixture.run(&["index", "wire", "--index", "idx", "--ext", "story"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("indexed 2 files"), "{}", stderr(&out));

    let again = fixture.run(&["index", "wire", "--index", "idx"]);
    assert_eq!(exit_code(&again), 0, "{}", stderr(&again));
    let err = stderr(&again);
    assert!(
        err.contains("indexing *.story *.txt, as this index was built"),
        "{err}"
    );
    assert!(err.contains("index up to date: 2 files unchanged"), "{err}");
    let (_, hits) = fixture.search_json(&["lighthouse"]);
    assert_eq!(hits.len(), 2);

    let changed = fixture.run(&["index", "wire", "--index", "idx", "--ext", "md"]);
    let err = stderr(&changed);
    assert!(
        err.contains("indexing *.md *.txt (this index had *.story *.txt)"),
        "{err}"
    );
    assert!(err.contains("1 removed"), "{err}");
}

#[test]
fn a_folder_without_matching_files_says_so_and_hints_ext() {
    let fixture = Fixture::new();
    let notes = fixture.path("notes");
    fs::create_dir(&notes).unwrap();
    // (*.html is a format newsdex reads, so the folder's odd one out is *.rst.)
    for name in ["a.md", "b.md", "c.md", "d.rst"] {
        fs::write(notes.join(name), "A Title\n\nSome words.").unwrap();
    }
    let out = fixture.run(&["index", "notes", "--index", "idx"]);
    assert_eq!(exit_code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "newsdex: no *.txt files in notes, which holds 3 *.md files, 1 *.rst file; to index those: newsdex index notes --ext md\n"
    );
}

#[test]
fn a_prefix_ranks_the_words_everyone_writes_above_a_misspelling_and_marks_them() {
    let fixture = Fixture::new();
    let mut articles: Vec<(String, String)> = (0..6)
        .map(|i| {
            (
                format!("talks{i}.txt"),
                format!("Round {i} of Talks\n\nThe negotiations went on, the negotiators said."),
            )
        })
        .collect();
    articles.push((
        "typo.txt".into(),
        "A Short Note\n\nThe negotations stalled.".into(),
    ));
    articles.push((
        "bank.txt".into(),
        "Banking Note\n\nThe bankinng group met.".into(),
    ));
    let borrowed: Vec<(&str, &str)> = articles
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    fixture.index_articles(&borrowed);
    let (code, hits) = fixture.search_json(&["negotia*"]);
    assert_eq!(code, 0);
    assert!(
        hits.iter().all(|hit| hit.file_name() != "typo.txt"),
        "negotations does not start with negotia: {hits:?}"
    );
    for hit in &hits {
        let marked = hit.highlighted();
        assert!(!marked.is_empty(), "nothing marked in {hit:?}");
        assert!(
            marked.iter().all(|w| w.starts_with("negotia")),
            "{marked:?}"
        );
    }
}

#[test]
fn limit_zero_is_an_error() {
    let fixture = Fixture::indexed();
    let out = fixture.search(&["syria", "--limit", "0"]);
    assert_eq!(exit_code(&out), 2);
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("--limit"), "{}", stderr(&out));
}

#[test]
fn a_leading_dash_word_excludes_it_without_double_dash() {
    let fixture = Fixture::indexed();
    let (code, with_dash) = fixture.search_json(&["syria", "-russia"]);
    assert_eq!(code, 0);
    let (_, with_not) = fixture.search_json(&["syria NOT russia"]);
    assert_eq!(with_dash, with_not);
    let out = fixture.search(&["--json", "-russia", "syria", "-n", "1"]);
    let first = parse_hits(&out);
    assert_eq!((exit_code(&out), first.len()), (0, 1));
    assert!(!words(&first[0].text).contains("russia"));
}

#[test]
fn options_after_double_dash_are_an_error_not_query_words() {
    let fixture = Fixture::indexed();
    let out = fixture.search(&["--", "-russia", "soviet", "--limit", "1"]);
    let err = assert_one_line_error(&out);
    assert!(err.contains("`--limit` comes after `--`"), "{err}");
    assert!(
        err.contains("newsdex search soviet -russia --limit 5"),
        "{err}"
    );
}

#[test]
fn stop_words_are_not_highlighted_unless_they_are_the_query() {
    let fixture = Fixture::indexed();
    let (_, hits) = fixture.search_json(&["cease-fire and truce"]);
    assert!(!hits.is_empty());
    for hit in &hits {
        assert!(
            hit.highlighted()
                .iter()
                .all(|w| !w.eq_ignore_ascii_case("and")),
            "{hit:?}"
        );
    }
    let (_, hits) = fixture.search_json(&["the"]);
    assert!(hits.iter().any(|hit| !hit.highlights.is_empty()));
}

#[test]
fn a_title_that_matches_is_highlighted() {
    let fixture = Fixture::indexed();
    let (_, hits) = fixture.search_json(&["glaciers"]);
    let hit = &hits[0];
    let marked: Vec<&str> = hit
        .title_highlights
        .iter()
        .map(|&[start, end]| &hit.title[start..end])
        .collect();
    assert_eq!(marked, ["Glaciers"], "{hit:?}");
    let human = stdout(&fixture.search(&["glaciers", "--limit", "1"]));
    assert!(
        human.contains("Swiss [Glaciers] Lost Record Share"),
        "{human}"
    );
    let (_, body_only) = fixture.search_json(&["body:glaciers"]);
    assert!(body_only.iter().all(|hit| hit.title_highlights.is_empty()));
}

#[test]
fn a_query_of_thousands_of_words_is_cut_with_a_note() {
    let fixture = Fixture::indexed();
    let long: Vec<String> = (0..5000)
        .map(|i| format!("word{i}"))
        .chain(["syria".into()])
        .collect();
    let out = fixture.search(&[&long.join(" ")]);
    assert_eq!(exit_code(&out), 1, "syria is word 5,001: left out");
    assert!(
        stderr(&out)
            .starts_with("newsdex: the query has 5,001 words; searched for its first 100\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_summary_line_counts_in_the_singular_and_says_when_nothing_changed() {
    let fixture = Fixture::new();
    fixture.index_articles(&[("one.txt", "One Title\n\nOne paragraph.")]);
    let again = fixture.run(&["index", "wire", "--index", "idx"]);
    let err = stderr(&again);
    assert!(
        err.starts_with("index up to date: 1 file unchanged; 0 skipped; "),
        "{err}"
    );
    assert!(!err.contains("MB"), "{err}");
    fs::write(fixture.path("wire/two.txt"), "Two\n\nA paragraph.").unwrap();
    let err = stderr(&fixture.run(&["index", "wire", "--index", "idx"]));
    assert!(
        err.starts_with("indexed 2 files: 1 new or changed, 1 unchanged, 0 removed; 1 passage;"),
        "{err}"
    );
    // Thirteen bytes read: not `0.0 MB`.
    assert!(err.contains("; 1 KB in "), "{err}");
}

#[test]
fn show_prints_an_indexed_article_numbered_as_search_numbers_it() {
    let fixture = Fixture::indexed();
    let (_, hits) = fixture.search_json(&["cavusoglu"]);
    let hit = &hits[0];
    let out = fixture.run(&[
        "show",
        "--index",
        "idx",
        &hit.path,
        "--highlight",
        "cavusoglu",
    ]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(hit.path.as_str()));
    // The date, dateline and title, as the hit's line has them.
    let meta = format!(
        "{} · ANKARA, Turkey (AP) · Turkey Unhappy With Syria Talks",
        hit.date
    );
    assert_eq!(lines.next(), Some(meta.as_str()));
    let numbered = format!("¶{} ", hit.paragraph);
    let paragraph = text
        .lines()
        .find(|line| line.starts_with(&numbered))
        .unwrap();
    assert!(paragraph.contains("[Cavusoglu]"), "{paragraph}");
    assert_eq!(
        paragraph.replace(['[', ']'], ""),
        format!("{numbered}{}", hit.text)
    );

    let json = fixture.run(&["show", "--index", "idx", "--json", &hit.path]);
    let article: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        article["paragraphs"][hit.paragraph as usize - 1]["text"],
        hit.text.as_str()
    );
    assert_eq!(article["file"], "unchanged");
}

#[test]
fn show_refuses_a_path_the_index_does_not_hold() {
    let fixture = Fixture::indexed();
    for path in ["/etc/passwd", "../../etc/passwd", "corpus/nothing-here.txt"] {
        let out = fixture.run(&["show", "--index", "idx", path]);
        assert_eq!(exit_code(&out), 1, "{path}");
        assert!(out.stdout.is_empty());
        assert!(
            stderr(&out).contains("is not an article in the index"),
            "{}",
            stderr(&out)
        );
    }
}

/// `eval`'s own index (under the temp folder) gives a fresh build's figures whatever its past:
/// after every article file has a new modification time (a collection copied anew), every
/// article is indexed again over the old build, and its run, scores included, is the run of a
/// fresh build (an index whose statistics kept the old articles would score differently).
#[test]
fn eval_scores_a_copied_again_collection_as_a_fresh_build() {
    let fixture = Fixture::new();
    let collection = fixture.path("collection");
    fs::create_dir(&collection).unwrap();
    fs::rename(fixture.corpus(), collection.join("corpus")).unwrap();
    let stem = |name: &str| name.trim_end_matches(".txt").to_string();
    fs::write(
        collection.join("queries.tsv"),
        "1\tcease-fire talks\n2\tcoffee frost prices\n",
    )
    .unwrap();
    let qrels: String = HYPHENATED
        .iter()
        .map(|name| format!("1 0 {} 1\n", stem(name)))
        .chain([format!(
            "2 0 {} 1\n",
            stem("frost-threatens-brazils-coffee-harvest-as-prices-climb.txt")
        )])
        .collect();
    fs::write(collection.join("qrels.txt"), qrels).unwrap();
    let temp = fixture.path("tmp");
    fs::create_dir(&temp).unwrap();
    let eval = |run: &str| -> (String, String) {
        let out = command_in(
            fixture.root.path(),
            &with_color_never(&["eval", "collection", "--run", run]),
        )
        .env("TMPDIR", &temp)
        .output()
        .expect("run newsdex");
        assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
        (fs::read_to_string(fixture.path(run)).unwrap(), stderr(&out))
    };

    let (fresh, _) = eval("fresh.trec");
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    for entry in fs::read_dir(collection.join("corpus")).unwrap() {
        let file = fs::File::options()
            .append(true)
            .open(entry.unwrap().path())
            .unwrap();
        file.set_modified(later).unwrap();
    }
    let (again, said) = eval("again.trec");
    assert_eq!(again, fresh);
    assert!(said.contains("17 new or changed"), "{said}");
    let (unchanged, said) = eval("unchanged.trec");
    assert_eq!(unchanged, fresh);
    assert!(said.contains("17 files unchanged"), "{said}");
}
