//! Passages found inside articles: a position tells its paragraph, a phrase never runs across
//! a paragraph break, highlights land on the passage's own bytes, and equal scores are ordered
//! by path and paragraph, however the index was built.

mod common;

use common::Desk;
use serde_json::Value;

fn paragraph(hit: &Value) -> u64 {
    hit["paragraph"].as_u64().expect("a paragraph number")
}

fn path(hit: &Value) -> &str {
    hit["path"].as_str().expect("a path")
}

#[test]
fn the_paragraph_that_holds_every_query_word_is_the_passage_found() {
    let desk = Desk::new(&[(
        "a.txt",
        "Harbour Report\n\n\
         Quinces arrived at the harbour on Monday.\n\n\
         Dockers unloaded crates of medlars all week.\n\n\
         The medlars and the quinces were sold at auction on Friday.\n\n\
         Nothing else of note happened.",
    )]);
    let hits = desk.hits(&["medlars quinces", "--per-article", "0"]);
    assert_eq!(paragraph(&hits[0]), 3, "{hits:?}");
    let found: Vec<u64> = hits.iter().map(paragraph).collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(!found.contains(&4), "{found:?}");
    let articles = desk.hits(&["medlars quinces", "--articles"]);
    assert_eq!(articles.len(), 1);
    assert_eq!(paragraph(&articles[0]), 3);
}

#[test]
fn a_phrase_across_a_paragraph_break_is_not_a_match() {
    let desk = Desk::new(&[
        (
            "broken.txt",
            "Border Talks\n\nThe talks ended in a cease\n\nFire broke out near the border.",
        ),
        (
            "whole.txt",
            "Truce Holds\n\nThe cease fire held through the night.",
        ),
    ]);
    let hits = desk.hits(&["\"cease fire\""]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(path(&hits[0]).ends_with("whole.txt"));
    // Next to each other in the query, a paragraph apart in the article: no proximity
    // bonus across the break either.
    let hits = desk.hits(&["cease fire", "--explain", "--per-article", "0"]);
    assert!(path(&hits[0]).ends_with("whole.txt"), "{hits:?}");
    let near = |hit: &Value| hit["explanation"].to_string().contains("near each other");
    assert!(near(&hits[0]));
    let broken: Vec<&Value> = hits
        .iter()
        .filter(|h| path(h).ends_with("broken.txt"))
        .collect();
    assert_eq!(broken.len(), 2, "{hits:?}");
    assert!(!broken.iter().any(|hit| near(hit)), "{broken:?}");
}

#[test]
fn highlights_land_on_the_passage_bytes_in_utf8_text() {
    let desk = Desk::new(&[(
        "zurich.txt",
        "Café Society\n\n\
         São Paulo — the naïve café owners of Zürich met.\n\n\
         Later, Zürich’s café prices rose — cafés doubled them.",
    )]);
    let hits = desk.hits(&["cafe zurich", "--per-article", "0"]);
    assert_eq!(hits.len(), 2, "{hits:?}");
    for hit in &hits {
        let text = hit["text"].as_str().unwrap();
        let marked: Vec<&str> = hit["highlights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|range| {
                let start = range[0].as_u64().unwrap() as usize;
                let end = range[1].as_u64().unwrap() as usize;
                &text[start..end]
            })
            .collect();
        assert!(marked.contains(&"Zürich"), "{marked:?} in {text}");
        assert!(marked.iter().any(|m| m.starts_with("caf")), "{marked:?}");
        assert!(
            marked
                .iter()
                .all(|m| m.to_lowercase().starts_with("caf") || m.starts_with("Zürich")),
            "{marked:?}"
        );
    }
    let title = desk.hits(&["cafe"]);
    let title_text = title[0]["title"].as_str().unwrap();
    let range = &title[0]["title_highlights"][0];
    let (start, end) = (
        range[0].as_u64().unwrap() as usize,
        range[1].as_u64().unwrap() as usize,
    );
    assert_eq!(&title_text[start..end], "Café");
}

#[test]
fn equal_scores_are_ordered_by_path_and_paragraph_however_the_index_was_built() {
    let story = "Grain Shipments\n\nBarley shipments from the port rose.\n\nBarley prices held.";
    let names = ["d.txt", "b.txt", "c.txt", "a.txt"];
    let order = |desk: &Desk| -> Vec<(String, u64)> {
        desk.hits(&["barley", "--all", "--per-article", "0", "--limit", "20"])
            .iter()
            .map(|hit| {
                (
                    path(hit).rsplit('/').next().unwrap().to_string(),
                    paragraph(hit),
                )
            })
            .collect()
    };
    // All at once, and in four runs in another order: other segments, other document ids.
    let at_once = Desk::new(&names.map(|name| (name, story)));
    let in_runs = Desk::new(&[("a.txt", story)]);
    for name in ["c.txt", "d.txt", "b.txt"] {
        in_runs.write(name, story, common::NOON);
        in_runs.index();
    }
    let expected: Vec<(String, u64)> = ["a.txt", "b.txt", "c.txt", "d.txt"]
        .iter()
        .flat_map(|name| [(name.to_string(), 1), (name.to_string(), 2)])
        .collect();
    let mut first = order(&at_once);
    // Scores tie within each paragraph number across the copies; ¶1 and ¶2 differ in score.
    first.sort_by_key(|(_, paragraph)| *paragraph);
    let mut by_paragraph = expected.clone();
    by_paragraph.sort_by_key(|(_, paragraph)| *paragraph);
    assert_eq!(first, by_paragraph);
    assert_eq!(order(&at_once), order(&in_runs));
}
