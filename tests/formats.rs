//! Folders of news in the formats it comes in (issue 30): NITF, RSS, JSON Lines and TREC
//! SGML files written by the tests (no corpus text), indexed by the built binary. Each article
//! is a hit under `path#id`, `show` reads it by that id, its date is the format's, a changed
//! file's articles are replaced and a deleted file's removed, and a malformed file is named
//! with its line while its good articles and its neighbours are indexed.

mod common;

use common::{Desk, NOON, exit_code, stderr};
use serde_json::Value;

const NITF: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<nitf>
 <head>
  <title>Storm shuts the harbour</title>
  <docdata>
   <doc-id id-string="NX-0042"/>
   <date.issue norm="20210314T081500Z"/>
  </docdata>
 </head>
 <body>
  <body.head>
   <hedline><hl1>Storm shuts the harbour at Brindlemouth</hl1></hedline>
   <dateline>BRINDLEMOUTH</dateline>
  </body.head>
  <body.content>
   <p>A winter storm shut the harbour at Brindlemouth, stranding the ferry fleet.</p>
   <p>Officials said the quays would reopen once the gale eased.</p>
  </body.content>
 </body>
</nitf>
"#;

/// An RSS feed of the items given as (guid, title, pubDate, description).
fn rss(items: &[(&str, &str, &str, &str)]) -> String {
    let mut feed = String::from(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Desk feed</title>\n",
    );
    for (guid, title, date, text) in items {
        feed.push_str(&format!(
            "<item><title>{title}</title><guid>{guid}</guid><pubDate>{date}</pubDate>\n\
             <description>{text}</description></item>\n"
        ));
    }
    feed.push_str("</channel></rss>\n");
    feed
}

const ORCHARD: (&str, &str, &str, &str) = (
    "urn:desk:orchard",
    "Orchard growers count frost damage",
    "Tue, 02 Mar 2021 09:00:00 GMT",
    "&lt;p&gt;Growers in the valley counted the frost damage to their quince trees.&lt;/p&gt;",
);
const LIBRARY: (&str, &str, &str, &str) = (
    "https://desk.example/library/2",
    "Library reopens after the flood",
    "Wed, 03 Mar 2021 10:00:00 GMT",
    "The town library reopened its doors once the flood waters dried out.",
);

/// Two records, in a file without an extension as TREC's own are: its content says what it
/// is (a README without one stays out).
const TREC: &str = "<DOC>
<DOCNO> AP210305-0001 </DOCNO>
<FILEID>AP-NR-03-05-21 0101EST</FILEID>
<HEAD>Glassblowers strike at the Fennick works</HEAD>
<DATELINE>FENNICK (AP) </DATELINE>
<TEXT>
   Glassblowers at the Fennick works walked out on Friday over
pay, the union said.
   Managers offered talks next week.
</TEXT>
</DOC>
<DOC>
<DOCNO> AP210305-0002 </DOCNO>
<FILEID>AP-NR-03-05-21 0102EST</FILEID>
<HEAD>Cheese fair draws a record crowd</HEAD>
<TEXT>
   The cheese fair drew a record crowd of visitors to the market square.
</TEXT>
</DOC>
";

const JSON_LINES: &str = r#"{"id": "j1", "title": "Tram line opens", "date": "2021-04-01", "body": "The new tram line opened to riders downtown."}
{"id": "j2", "title": "Bakery wins the bread prize", "date": "2021-04-02", "body": "A corner bakery won the regional bread prize."}
"#;

const PLAIN: &str =
    "Kettle maker expands\n\nLONDON, March 3 - A kettle maker opened a second works.\n";

fn desk() -> Desk {
    Desk::new(&[
        ("storm.xml", NITF),
        ("feed.rss", &rss(&[ORCHARD, LIBRARY])),
        ("AP210305", TREC),
        ("items.jsonl", JSON_LINES),
        ("kettle.txt", PLAIN),
        (
            "README",
            "Notes for the desk\n\nNothing to index here: kettle.\n",
        ),
    ])
}

/// The hits for `query`, as (path, title, date, date_source).
fn found(desk: &Desk, query: &str) -> Vec<(String, String, String, String)> {
    desk.hits(&[query])
        .iter()
        .map(|hit| {
            let text = |name: &str| hit[name].as_str().unwrap_or_default().to_string();
            (
                text("path"),
                text("title"),
                text("date"),
                text("date_source"),
            )
        })
        .collect()
}

fn one(path: &str, title: &str, date: &str, source: &str) -> Vec<(String, String, String, String)> {
    vec![(path.into(), title.into(), date.into(), source.into())]
}

/// `show --json PATH` as JSON, and its exit code.
fn show(desk: &Desk, path: &str) -> (i32, Value) {
    let out = desk.run(&["show", "--index", "idx", "--json", path]);
    let shown = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (exit_code(&out), shown)
}

#[test]
fn each_article_of_a_file_of_many_is_a_hit_under_its_id_dated_by_its_format() {
    let desk = desk();
    let cases = [
        (
            "brindlemouth",
            "wire/storm.xml#NX-0042",
            "Storm shuts the harbour at Brindlemouth",
            "2021-03-14",
        ),
        (
            "quince",
            "wire/feed.rss#urn:desk:orchard",
            "Orchard growers count frost damage",
            "2021-03-02",
        ),
        (
            "library",
            "wire/feed.rss#https://desk.example/library/2",
            "Library reopens after the flood",
            "2021-03-03",
        ),
        (
            "glassblowers",
            "wire/AP210305#AP210305-0001",
            "Glassblowers strike at the Fennick works",
            "2021-03-05",
        ),
        (
            "cheese",
            "wire/AP210305#AP210305-0002",
            "Cheese fair draws a record crowd",
            "2021-03-05",
        ),
        (
            "tram",
            "wire/items.jsonl#j1",
            "Tram line opens",
            "2021-04-01",
        ),
        (
            "bakery",
            "wire/items.jsonl#j2",
            "Bakery wins the bread prize",
            "2021-04-02",
        ),
    ];
    for (query, path, title, date) in cases {
        assert_eq!(
            found(&desk, query),
            one(path, title, date, "format"),
            "{query}"
        );
        // JSON names the article's id apart, so a script needs not split the path.
        let id = path.split_once('#').map(|(_, id)| id);
        assert_eq!(desk.hits(&[query])[0]["id"].as_str(), id, "{query}");
        let (code, shown) = show(&desk, path);
        assert_eq!(code, 0, "show {path}");
        assert_eq!(shown["path"], path);
        assert_eq!(shown["id"].as_str(), id);
        assert_eq!(shown["title"], title);
    }
    // The TREC record's dateline and its hard-wrapped lines joined into paragraphs.
    let (_, shown) = show(&desk, "wire/AP210305#AP210305-0001");
    assert_eq!(shown["dateline"], "FENNICK (AP)");
    assert_eq!(
        shown["paragraphs"][0]["text"],
        "Glassblowers at the Fennick works walked out on Friday over pay, the union said."
    );
    // A plain-text article is as it always was: its file's path, no id.
    let kettle = found(&desk, "kettle");
    assert_eq!(kettle[0].0, "wire/kettle.txt");
    assert!(desk.hits(&["kettle"])[0]["id"].is_null());
    assert_ne!(kettle[0].3, "format");
    // An id that is not in the file is no article.
    assert_eq!(show(&desk, "wire/feed.rss#urn:desk:nothing").0, 1);
    let stats: Value =
        serde_json::from_slice(&desk.run(&["stats", "--index", "idx", "--json"]).stdout)
            .expect("stats --json");
    assert_eq!(stats["articles"], 8);
    assert_eq!(stats["dated_by"]["format"], 7);
}

#[test]
fn a_changed_file_replaces_its_articles_and_a_deleted_file_removes_them() {
    let desk = desk();
    // The feed loses the orchard item, its library item is corrected, a new one arrives.
    let corrected = (
        LIBRARY.0,
        "Library reopens after the spring flood",
        LIBRARY.2,
        "The town library reopened its doors; the reading room stays shut.",
    );
    let new = (
        "urn:desk:ferry",
        "Ferry timetable restored",
        "Thu, 04 Mar 2021 07:30:00 GMT",
        "The ferry timetable was restored on the island route.",
    );
    desk.write("feed.rss", &rss(&[corrected, new]), NOON + 60);
    std::fs::remove_file(desk.path("wire/AP210305")).unwrap();
    let out = desk.run(&["index", "wire", "--index", "idx"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("1 new or changed, 3 unchanged, 1 removed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(found(&desk, "quince"), vec![]);
    assert_eq!(found(&desk, "glassblowers OR cheese"), vec![]);
    assert_eq!(
        found(&desk, "library"),
        one(
            "wire/feed.rss#https://desk.example/library/2",
            "Library reopens after the spring flood",
            "2021-03-03",
            "format"
        )
    );
    assert_eq!(
        found(&desk, "timetable")[0].0,
        "wire/feed.rss#urn:desk:ferry"
    );
    assert_eq!(show(&desk, "wire/AP210305#AP210305-0001").0, 1);
    // Neighbours untouched.
    assert_eq!(found(&desk, "tram")[0].0, "wire/items.jsonl#j1");
    assert_eq!(found(&desk, "brindlemouth")[0].0, "wire/storm.xml#NX-0042");
}

#[test]
fn a_malformed_file_is_named_with_its_line_and_its_good_articles_and_neighbours_indexed() {
    let broken_lines = "{\"id\": \"j1\", \"title\": \"Tram line opens\", \"body\": \"The new tram line opened.\"}\n\
{\"id\": \"j2\", \"title\": \"Broken\n\
{\"id\": \"j3\", \"title\": \"Bakery wins\", \"body\": \"A corner bakery won the bread prize.\"}\n";
    // The second record's TEXT is never closed, nor is the record: the next <DOC> ends it.
    let broken_trec = "<DOC>\n<DOCNO> X-1 </DOCNO>\n<HEAD>Glassblowers strike</HEAD>\n<TEXT>\nGlassblowers walked out.\n</TEXT>\n</DOC>\n\
<DOC>\n<DOCNO> X-2 </DOCNO>\n<HEAD>Cheese fair</HEAD>\n<TEXT>\nThe cheese fair opened.\n\
<DOC>\n<DOCNO> X-3 </DOCNO>\n<HEAD>Lantern parade</HEAD>\n<TEXT>\nThe lantern parade wound through town.\n</TEXT>\n</DOC>\n";
    let broken_feed = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n\
<item><title>Quince harvest</title><guid>q1</guid><description>A quince harvest.</description></item>\n\
<item><title>Bad item</title><guid>q2</guid><description>An <b>unclosed tag.</description></item>\n\
<item><title>Ferry returns</title><guid>q3</guid><description>The ferry returns.</description></item>\n\
</channel></rss>\n";
    let desk = Desk::new(&[
        ("items.jsonl", broken_lines),
        ("records.sgml", broken_trec),
        ("feed.xml", broken_feed),
        ("storm.xml", NITF),
        ("kettle.txt", PLAIN),
    ]);
    let out = desk.run(&["index", "wire", "--index", "idx"]);
    let err = stderr(&out);
    // Nothing changed since `Desk::new` indexed: the run is up to date; the first run's
    // report is the one that names the problems, so index again from scratch.
    assert_eq!(exit_code(&out), 0, "{err}");
    std::fs::remove_dir_all(desk.path("idx")).unwrap();
    let out = desk.run(&["index", "wire", "--index", "idx"]);
    let err = stderr(&out);
    assert_eq!(exit_code(&out), 1, "{err}");
    assert!(
        err.contains("newsdex: warning: wire/items.jsonl: JSON Lines: line 2: malformed JSON"),
        "{err}"
    );
    assert!(err.contains("wire/records.sgml: TREC SGML: line "), "{err}");
    assert!(err.contains("wire/feed.xml: RSS: line "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for (query, path) in [
        ("tram", "wire/items.jsonl#j1"),
        ("bakery", "wire/items.jsonl#j3"),
        ("glassblowers", "wire/records.sgml#X-1"),
        ("lantern", "wire/records.sgml#X-3"),
        ("quince", "wire/feed.xml#q1"),
        ("brindlemouth", "wire/storm.xml#NX-0042"),
        ("kettle", "wire/kettle.txt"),
    ] {
        let hits = found(&desk, query);
        assert_eq!(
            hits.first().map(|hit| hit.0.as_str()),
            Some(path),
            "{query}: {err}"
        );
    }
}

#[test]
fn a_file_that_is_malformed_throughout_is_skipped_by_name_and_line() {
    let desk = Desk::new(&[
        (
            "story.json",
            "{\"uri\": \"urn:x\",\n \"headline\": \"Unclosed",
        ),
        ("kettle.txt", PLAIN),
    ]);
    std::fs::remove_dir_all(desk.path("idx")).unwrap();
    let out = desk.run(&["index", "wire", "--index", "idx"]);
    let err = stderr(&out);
    assert_eq!(exit_code(&out), 1, "{err}");
    assert!(
        err.contains("newsdex: skipped wire/story.json: ninjs: line 2"),
        "{err}"
    );
    assert_eq!(found(&desk, "kettle")[0].0, "wire/kettle.txt");
}

/// A record file over the streaming threshold (4 MiB) is indexed a record at a time, with the
/// same ids, dates and problems as a small one.
#[test]
fn a_large_json_lines_file_is_streamed_with_its_malformed_line_named() {
    let filler = "The harbour board met again to hear the ferry operators. ".repeat(40);
    let mut lines = String::new();
    for i in 0..2_000 {
        if i == 1_000 {
            lines.push_str("{\"id\": \"cut\n");
            continue;
        }
        lines.push_str(&format!(
            "{{\"id\": \"n{i}\", \"title\": \"Board meeting {i}\", \"date\": \"2021-05-06\", \"body\": \"Marker word w{i}x.\\n\\n{filler}\"}}\n"
        ));
    }
    assert!(lines.len() > 4 << 20, "{} bytes", lines.len());
    let desk = Desk::new(&[("board.jsonl", &lines), ("kettle.txt", PLAIN)]);
    std::fs::remove_dir_all(desk.path("idx")).unwrap();
    let out = desk.run(&["index", "wire", "--index", "idx"]);
    let err = stderr(&out);
    assert_eq!(exit_code(&out), 1, "{err}");
    assert!(
        err.contains("wire/board.jsonl: JSON Lines: line 1001: malformed JSON"),
        "{err}"
    );
    assert!(err.contains("(2000 articles from the files read)"), "{err}");
    for (query, path) in [
        ("w0x", "wire/board.jsonl#n0"),
        ("w1001x", "wire/board.jsonl#n1001"),
        ("w1999x", "wire/board.jsonl#n1999"),
    ] {
        assert_eq!(
            found(&desk, query),
            one(
                path,
                &format!("Board meeting {}", &path[18..]),
                "2021-05-06",
                "format"
            )
        );
    }
}

/// A file of pictures only is passed over and counted: not an article, not a problem.
#[test]
fn a_picture_item_is_passed_over_and_counted_not_skipped() {
    let picture = "<?xml version=\"1.0\"?>\n<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\" guid=\"urn:desk:photo-1\">\n\
<itemMeta><itemClass qcode=\"ninat:picture\"/></itemMeta>\n</newsItem>\n";
    let desk = Desk::new(&[("photo.xml", picture), ("kettle.txt", PLAIN)]);
    std::fs::remove_dir_all(desk.path("idx")).unwrap();
    let out = desk.run(&["index", "wire", "--index", "idx"]);
    let err = stderr(&out);
    assert_eq!(exit_code(&out), 0, "{err}");
    assert!(err.contains("1 passed over (not articles)"), "{err}");
    assert!(!err.contains("skipped wire/photo.xml"), "{err}");
    assert_eq!(found(&desk, "kettle")[0].0, "wire/kettle.txt");
}
