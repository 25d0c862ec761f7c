//! What a news desk needs, through the built binary: one row per story, two passages an
//! article, dates, did you mean, explain, stats. Each test writes its own small wire folder.

mod common;

use std::fs;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use common::{Desk, NOON, exit_code, stderr};
use newsdex::search::{Engine, Request, SearchError};
use serde_json::Value;

fn file_name(hit: &Value) -> &str {
    let path = hit["path"].as_str().expect("a path");
    Path::new(path).file_name().unwrap().to_str().unwrap()
}

/// The lines of `--json` output that are rows: not a story's copies, which follow their row.
fn rows(lines: &[Value]) -> Vec<&Value> {
    lines
        .iter()
        .filter(|line| line["copy_of"].is_null())
        .collect()
}

const YEN: &str = "The yen could rise to 140 yen to the dollar, a leading Japanese businessman \
    said. Bunji Kimura, president of the Japan Federation of Employers Associations, told \
    reporters he expected the dollar to weaken further as the trade surplus persisted, and \
    that exporters would have to cut costs to survive the stronger currency this year.";

#[test]
fn near_duplicate_stories_collapse_into_one_row_with_their_copies_listed() {
    let resent = YEN.replace("a leading", "a prominent");
    let desk = Desk::new(&[
        (
            "9149.txt",
            &format!("YEN MAY RISE TO 140 TO THE DOLLAR\n\n{YEN}"),
        ),
        (
            "9213.txt",
            &format!("YEN MAY RISE TO 140, NIKKEIREN SAYS\n\n{resent}"),
        ),
        (
            "other.txt",
            "Coffee Quotas\n\nCoffee producers met to discuss export quotas and the yen.",
        ),
    ]);
    let lines = desk.hits(&["yen dollar"]);
    let hits = rows(&lines);
    let stories: Vec<&str> = hits.iter().map(|hit| file_name(hit)).collect();
    assert_eq!(stories.len(), 2, "{stories:?}");
    let copies = hits[0]["copies"].as_array().unwrap();
    assert_eq!(copies.len(), 1, "{hits:?}");
    let (shown, copy) = (file_name(hits[0]), copies[0].as_str().unwrap());
    assert!(
        (shown == "9149.txt" && copy.ends_with("9213.txt"))
            || (shown == "9213.txt" && copy.ends_with("9149.txt")),
        "{shown} {copy}"
    );
    // Scripts see the copy too: a line of its own right after its story, at its rank.
    let copy_line = &lines[1];
    assert_eq!(copy_line["path"].as_str(), Some(copy), "{lines:?}");
    assert_eq!(copy_line["copy_of"], hits[0]["path"], "{lines:?}");
    assert_eq!(copy_line["rank"], 1, "{lines:?}");
    assert!(copy_line["text"].as_str().unwrap().contains("140 yen"));
    assert_eq!(lines.len(), 3, "{lines:?}");
    let human = desk.run(&["search", "--index", "idx", "--color", "never", "yen dollar"]);
    let (out, err) = (
        String::from_utf8_lossy(&human.stdout),
        String::from_utf8_lossy(&human.stderr),
    );
    assert!(
        out.contains("   also: 9213.txt") || out.contains("   also: 9149.txt"),
        "{out}"
    );
    // Three passages matched, and the two rows hold them all: no next page is promised.
    assert_eq!(
        err.trim_end(),
        "newsdex: 1-2 of 3 passages (the rest are within these rows)"
    );

    // --all shows every copy.
    assert_eq!(desk.hits(&["--all", "yen dollar"]).len(), 3);

    // Incremental re-index keeps groups right: a changed copy that is no longer one splits off,
    // a deleted one leaves the list.
    desk.write(
        "9213.txt",
        "Yen Story\n\nA different story altogether about rice farmers and the yen.",
        NOON,
    );
    desk.index();
    assert_eq!(
        rows(&desk.hits(&["yen dollar"])).len(),
        3,
        "the changed article is its own story now"
    );
    desk.write("9300.txt", &format!("YEN MAY RISE TO 140\n\n{YEN}"), NOON);
    desk.index();
    let lines = desk.hits(&["yen dollar"]);
    let hits = rows(&lines);
    assert_eq!(hits[0]["copies"].as_array().unwrap().len(), 1, "{hits:?}");
    fs::remove_file(desk.path("wire/9300.txt")).unwrap();
    desk.index();
    let hits = desk.hits(&["yen dollar"]);
    assert!(
        hits.iter()
            .all(|hit| hit["copies"].as_array().unwrap().is_empty()),
        "{hits:?}"
    );
}

#[test]
fn a_passage_list_shows_at_most_two_passages_of_an_article() {
    let paragraphs: Vec<String> = (1..=6)
        .map(|i| format!("Quokka sighting number {i} was logged by the rangers."))
        .collect();
    let desk = Desk::new(&[
        (
            "many.txt",
            &format!("Quokka Census\n\n{}", paragraphs.join("\n\n")),
        ),
        ("one.txt", "Island Visitors\n\nA quokka greeted the ferry."),
    ]);
    let hits = desk.hits(&["quokka"]);
    let from_many: Vec<&Value> = hits.iter().filter(|h| file_name(h) == "many.txt").collect();
    assert_eq!(from_many.len(), 2, "{hits:?}");
    assert_eq!(from_many[0]["more_in_article"], 4);
    assert_eq!(hits.len(), 3);
    assert_eq!(desk.hits(&["quokka", "--per-article", "0"]).len(), 7);
    assert_eq!(desk.hits(&["quokka", "--per-article", "1"]).len(), 2);
    let human = desk.run(&["search", "--index", "idx", "--color", "never", "quokka"]);
    assert!(
        String::from_utf8_lossy(&human.stdout).contains("(+4 more in this article)"),
        "{}",
        String::from_utf8_lossy(&human.stdout)
    );
    // Ranking articles is not affected.
    assert_eq!(desk.hits(&["quokka", "--articles"]).len(), 2);
}

#[test]
fn articles_are_dated_by_path_then_dateline_then_file_time() {
    let desk = Desk::new(&[
        (
            "2019/10/23/storm.txt",
            "Storm Hits Coast\n\nNICOSIA, Oct 19 -- A storm hit the coast.",
        ),
        (
            "2019-06-02-storm.txt",
            "Storm Warning\n\nA storm warning was issued.",
        ),
        // In a folder of its own: no dated article beside it lends it a year.
        (
            "cyprus/cyprus.txt",
            "Cyprus Storm\n\nNICOSIA, Oct 19 -- A storm hit Cyprus.",
        ),
        (
            "undated.txt",
            "Storm Again\n\nANKARA, Turkey (AP) -- Another storm.",
        ),
    ]);
    let hits = desk.hits(&["storm", "--articles", "--all"]);
    let dated: Vec<(&str, &str, &str)> = {
        let mut dated: Vec<_> = hits
            .iter()
            .map(|h| {
                (
                    file_name(h),
                    h["date"].as_str().unwrap(),
                    h["date_source"].as_str().unwrap(),
                )
            })
            .collect();
        dated.sort();
        dated
    };
    assert_eq!(
        dated,
        [
            ("2019-06-02-storm.txt", "2019-06-02", "path"),
            ("cyprus.txt", "2026-10-19", "file-year"),
            ("storm.txt", "2019-10-23", "path"),
            ("undated.txt", "2026-11-30", "modified"),
        ]
    );
    let window = desk.hits(&[
        "storm",
        "--articles",
        "--since",
        "2019-10-01",
        "--until",
        "2019-12-31",
    ]);
    assert_eq!(
        window.iter().map(file_name).collect::<Vec<_>>(),
        ["storm.txt"]
    );
    let since = desk.hits(&["storm", "--articles", "--since", "2026-10-19"]);
    assert_eq!(since.len(), 2);
    let newest: Vec<&str> = desk
        .hits(&["storm", "--articles", "--sort", "date"])
        .iter()
        .map(|h| h["date"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .iter()
        .map(|d| match d.as_str() {
            "2026-11-30" => "undated",
            "2026-10-19" => "cyprus",
            "2019-10-23" => "storm",
            _ => "2019-06-02",
        })
        .collect();
    assert_eq!(newest, ["undated", "cyprus", "storm", "2019-06-02"]);
    let bad = desk.run(&["search", "--index", "idx", "storm", "--since", "yesterday"]);
    assert_eq!(exit_code(&bad), 2);
    assert!(
        stderr(&bad).contains("--since `yesterday` is not a date"),
        "{}",
        stderr(&bad)
    );
    let reversed = desk.run(&[
        "search",
        "--index",
        "idx",
        "storm",
        "--since",
        "2020-01-01",
        "--until",
        "2019-01-01",
    ]);
    assert_eq!(exit_code(&reversed), 2);
    // An age counts back from today, which the files' times follow.
    let out = desk.run(&[
        "search", "--index", "idx", "storm", "--since", "36500d", "--json",
    ]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
}

#[test]
fn a_yearless_dateline_takes_the_year_of_the_nearest_dated_source() {
    let desk = Desk::new(&[
        // A dated article beside it lends its year.
        (
            "agency/a.txt",
            "Cocoa Talks\n\nSALVADOR, Feb 26 - Cocoa talks began.",
        ),
        (
            "agency/b.txt",
            "Cocoa Deal\n\nLONDON, March 3, 1987 - A cocoa deal was struck.",
        ),
        // Nothing dated beside it: `--year`, else the file's time.
        (
            "archive/c.txt",
            "Cocoa Prices\n\nTOKYO, Oct 19 - Cocoa prices fell.",
        ),
    ]);
    let dated = |desk: &Desk| -> Vec<(String, String, String)> {
        let mut dated: Vec<_> = desk
            .hits(&["cocoa", "--articles", "--all"])
            .iter()
            .map(|h| {
                let text = |field: &str| h[field].as_str().unwrap().to_string();
                (file_name(h).to_string(), text("date"), text("date_source"))
            })
            .collect();
        dated.sort();
        dated
    };
    let triple = |name: &str, date: &str, source: &str| (name.into(), date.into(), source.into());
    assert_eq!(
        dated(&desk),
        [
            triple("a.txt", "1987-02-26", "sibling"),
            triple("b.txt", "1987-03-03", "dateline"),
            triple("c.txt", "2026-10-19", "file-year"),
        ]
    );
    let stats = desk.run(&["stats", "--index", "idx"]);
    assert!(!stderr(&stats).contains("warning"), "{}", stderr(&stats));
    // The year, given once, dates every article again and is kept for later runs.
    let out = desk.run(&["index", "wire", "--index", "idx", "--year", "1986"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("dated again"), "{}", stderr(&out));
    desk.write(
        "archive/d.txt",
        "Cocoa Futures\n\nNEW YORK, Nov 2 - Cocoa futures rose.",
        NOON,
    );
    desk.index();
    let mut expected = vec![
        triple("a.txt", "1987-02-26", "sibling"),
        triple("b.txt", "1987-03-03", "dateline"),
        triple("c.txt", "1986-10-19", "year-option"),
        triple("d.txt", "1986-11-02", "year-option"),
    ];
    assert_eq!(dated(&desk), expected);
    // Nothing is dated after the build: a yearless dateline in this year's folder that is
    // still to come belongs to last year.
    let (this_year, ..) = newsdex::dates::Day::today().date();
    let folder = format!("{this_year}/e.txt");
    desk.write(
        &folder,
        "Cocoa Outlook\n\nLONDON, Dec 31 - The cocoa outlook.",
        NOON,
    );
    desk.index();
    let today = newsdex::dates::Day::today().to_string();
    let year = if today.ends_with("12-31") {
        this_year
    } else {
        this_year - 1
    };
    expected.push(triple("e.txt", &format!("{year}-12-31"), "path-year"));
    expected.sort();
    assert_eq!(dated(&desk), expected);
}

#[test]
fn stats_warns_when_file_times_date_most_articles() {
    let desk = Desk::new(&[
        (
            "a.txt",
            "Cocoa Talks\n\nSALVADOR, Feb 26 - Cocoa talks began.",
        ),
        (
            "b.txt",
            "Cocoa Deal\n\nLONDON, March 3 - A cocoa deal was struck.",
        ),
    ]);
    let out = desk.run(&["stats", "--index", "idx"]);
    assert_eq!(exit_code(&out), 0);
    assert!(
        stderr(&out)
            .contains("warning: 100% of the articles are dated by their files' modification times"),
        "{}",
        stderr(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("dated by dateline in the file time's year 2"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_misspelt_word_gets_a_suggestion_and_fix_searches_for_it() {
    let desk = Desk::new(&[
        (
            "a.txt",
            "Thatcher Visits\n\nMargaret Thatcher visited the government offices.",
        ),
        (
            "b.txt",
            "Budget Plans\n\nThe government published its budget plans.",
        ),
        (
            "c.txt",
            "Thatcher Speech\n\nThatcher spoke about the budget.",
        ),
    ]);
    let out = desk.run(&["search", "--index", "idx", "thacher"]);
    assert_eq!(exit_code(&out), 1);
    assert_eq!(
        stderr(&out),
        "newsdex: nothing matched `thacher` (not in the index: thacher); did you mean `thatcher`? (--fix searches for it)\n"
    );
    let fixed = desk.run(&["search", "--index", "idx", "--json", "--fix", "thacher"]);
    assert_eq!(exit_code(&fixed), 0);
    assert!(stderr(&fixed).contains("searched for `thatcher` instead of `thacher`"));
    assert_eq!(String::from_utf8_lossy(&fixed.stdout).lines().count(), 2);
    let right = desk.run(&["search", "--index", "idx", "thatcher budget"]);
    assert!(
        !stderr(&right).contains("did you mean"),
        "{}",
        stderr(&right)
    );
}

/// The sum of an explanation's parts, and whether every whole equals its parts' sum.
fn check_sums(part: &Value) -> f64 {
    let value = part["value"].as_f64().unwrap();
    if let Some(parts) = part["parts"].as_array() {
        let sum: f64 = parts.iter().map(check_sums).sum();
        assert!((sum - value).abs() <= 1e-3 * value.abs().max(1.0), "{part}");
    }
    value
}

#[test]
fn explain_takes_each_score_apart_into_parts_that_sum_to_it() {
    let desk = Desk::new(&[
        (
            "oil.txt",
            "Opec Output Talks\n\nOil prices rose as OPEC weighed an output cut.\n\nOil ministers meet on Monday.",
        ),
        (
            "gas.txt",
            "Gas Prices\n\nNatural gas prices fell while oil held steady.",
        ),
        (
            "grain.txt",
            "Grain Exports\n\nWheat exports rose to record levels.",
        ),
    ]);
    for args in [
        vec!["oil prices opec output", "--explain"],
        vec!["oil prices opec output", "--explain", "--articles"],
        vec!["\"oil prices\" OR gas", "--explain"],
    ] {
        let hits = desk.hits(&args);
        assert!(!hits.is_empty(), "{args:?}");
        for hit in &hits {
            let explanation = &hit["explanation"];
            let total = check_sums(explanation);
            let score = hit["score"].as_f64().unwrap();
            assert!(
                (total - score).abs() <= 1e-3 * score,
                "{args:?}: {total} vs {score}"
            );
        }
    }
    let hits = desk.hits(&["oil prices opec output", "--explain"]);
    let parts: Vec<&str> = hits[0]["explanation"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|part| part["what"].as_str().unwrap())
        .collect();
    assert!(parts.contains(&"BM25F over title and body"), "{parts:?}");
    assert!(parts.contains(&"query words near each other"), "{parts:?}");
    assert!(
        desk.hits(&["oil"])
            .iter()
            .all(|hit| hit.get("explanation").is_none())
    );
}

#[test]
fn stats_says_what_the_index_holds() {
    let desk = Desk::new(&[
        (
            "2019/10/23/a.txt",
            &format!("Yen Story\n\nTOKYO (Reuters) - {YEN}"),
        ),
        (
            "2019/10/24/b.txt",
            &format!("Yen Story Resent\n\nTOKYO (Reuters) - {YEN}"),
        ),
        (
            "c.txt",
            "Coffee\n\nLONDON, Oct 19 (AP) -- Coffee prices rose.\n\nTraders said so.",
        ),
    ]);
    let out = desk.run(&["stats", "--index", "idx", "--json"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["articles"], 3);
    assert_eq!(stats["passages"], 4);
    assert_eq!(stats["stories"], 2);
    assert_eq!(stats["first_date"], "2019-10-23");
    assert_eq!(stats["dated_by"]["path"], 2);
    assert_eq!(stats["dated_by"]["file-year"], 1);
    assert_eq!(stats["places"][0], serde_json::json!(["tokyo", 2]));
    assert_eq!(stats["agencies"][0], serde_json::json!(["reuters", 2]));
    assert_eq!(stats["format"], newsdex::open::FORMAT_VERSION);
    let human = desk.run(&["stats", "--index", "idx"]);
    assert!(
        String::from_utf8_lossy(&human.stdout).contains("stories    2 (near-duplicates as one)")
    );
}

/// The facets line of `search --json --facets ARGS…`.
fn facets(desk: &Desk, args: &[&str]) -> Value {
    let mut all = vec!["--facets"];
    all.extend_from_slice(args);
    let lines = desk.hits(&all);
    let last = lines.last().expect("a facets line");
    last["facets"].clone()
}

#[test]
fn each_facet_counts_the_stories_its_filter_returns() {
    let resent = YEN.replace("a leading", "a prominent");
    let desk = Desk::new(&[
        (
            "1987/03/02/a.txt",
            &format!("Yen Outlook\n\nTOKYO, March 2 (Reuters) - {YEN}"),
        ),
        (
            "1987/03/02/b.txt",
            &format!("Yen Outlook Resent\n\nTOKYO, March 2 (Reuters) - {resent}"),
        ),
        (
            "1987/03/09/c.txt",
            "Yen Talks\n\nLONDON, March 9 (AP) - Dealers said the yen rose against sterling in quiet trade.",
        ),
        (
            "1987/04/20/d.txt",
            "New York Yen\n\nNEW YORK, April 20 (Reuters) - The yen closed higher in New York as dealers sold dollars.",
        ),
        (
            "1987/04/21/e.txt",
            "Coffee\n\nNEW YORK, April 21 (Reuters) - Coffee futures fell on heavy selling.",
        ),
    ]);
    let all = facets(&desk, &["yen"]);
    // Four articles match; the resent copy is the same story.
    assert_eq!(all["stories"], 3, "{all}");
    let mut checked = 0;
    for (kind, list) in [("place", &all["places"]), ("agency", &all["agencies"])] {
        for count in list.as_array().unwrap() {
            let value = count["value"].as_str().unwrap();
            let filtered = facets(&desk, &[&format!("+yen +{kind}:\"{value}\"")]);
            assert_eq!(filtered["stories"], count["stories"], "{kind}:{value}");
            // The page's filter, beside the query rather than in it, keeps the same stories.
            let flag = format!("--{kind}");
            let beside = facets(&desk, &["yen", &flag, value]);
            assert_eq!(beside["stories"], count["stories"], "{flag} {value}");
            checked += 1;
        }
    }
    assert!(checked >= 4, "{all}");
    let bars = all["dates"].as_array().unwrap();
    assert!(!bars.is_empty());
    for bar in bars {
        let (since, until) = (
            bar["since"].as_str().unwrap(),
            bar["until"].as_str().unwrap(),
        );
        let filtered = facets(&desk, &["yen", "--since", since, "--until", until]);
        assert_eq!(filtered["stories"], bar["stories"], "{since}..{until}");
    }
    // The facets count every match, not the page.
    assert_eq!(facets(&desk, &["yen", "--limit", "1"])["stories"], 3);
}

#[test]
fn a_search_whose_answer_is_no_longer_wanted_stops_counting_facets() {
    let desk = Desk::new(&[
        (
            "a.txt",
            "Yen Rises\n\nTOKYO, March 2 (Reuters) - The yen rose.",
        ),
        ("b.txt", "Yen Falls\n\nLONDON, March 3 (AP) - The yen fell."),
    ]);
    let mut engine = Engine::open(&desk.path("idx")).expect("open the index");
    let wanted = Request {
        facets: true,
        ..Request::new("yen")
    };
    let counted = engine.search(&wanted).expect("a search");
    assert_eq!(counted.facets.map(|facets| facets.stories), Some(2));
    // A server sets the flag when its client leaves: the search ends without its facets.
    let gone = AtomicBool::new(true);
    let unwanted = Request {
        stop: Some(&gone),
        ..wanted
    };
    assert!(matches!(
        engine.search(&unwanted),
        Err(SearchError::Stopped)
    ));
    // Without facets a search is short, and the flag is not looked at.
    let plain = Request {
        facets: false,
        ..unwanted
    };
    assert_eq!(engine.search(&plain).expect("a search").hits.len(), 2);
}

#[test]
fn a_window_that_leaves_nothing_says_how_many_match_outside_it() {
    let desk = Desk::new(&[
        ("1987/03/02/a.txt", "Oil\n\nOPEC ministers met on output."),
        (
            "1987/03/09/b.txt",
            "Oil Again\n\nOPEC output rose in March.",
        ),
    ]);
    let out = desk.run(&[
        "search",
        "--index",
        "idx",
        "--color",
        "never",
        "opec",
        "--since",
        "1987-10-01",
        "--until",
        "1987-10-15",
    ]);
    assert_eq!(exit_code(&out), 1);
    assert_eq!(
        stderr(&out).trim(),
        "newsdex: 2 passages match `opec` outside 1987-10-01..1987-10-15"
    );
    // A window that holds a match says nothing of the rest.
    let out = desk.run(&["search", "--index", "idx", "opec", "--since", "1987-03-05"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert!(!stderr(&out).contains("outside"), "{}", stderr(&out));
}
