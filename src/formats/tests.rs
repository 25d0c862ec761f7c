//! Tests across readers: detection feeding the right reader, today's text behaviour, hostile
//! input (entity bombs, garbage) in every format, and what the public types promise.

use std::time::{Duration, Instant};

use super::*;

const ALL: [Format; 10] = [
    Format::Text,
    Format::Nitf,
    Format::NewsMlG2,
    Format::Ninjs,
    Format::Rss,
    Format::Atom,
    Format::Html,
    Format::TrecSgml,
    Format::ReutersSgml,
    Format::JsonLines,
];

#[test]
fn text_files_read_as_today() {
    let text = "Turkey Unhappy\n\nANKARA, Turkey (AP) -- First part\nstill first.\n\nSecond.\n";
    let parsed = parse(text, "news/turkey.txt", &Options::default());
    assert_eq!(parsed.format, Format::Text);
    assert_eq!(parsed.articles.len(), 1);
    assert_eq!(parsed.articles[0].id, "1");
    assert_eq!(parsed.articles[0].article, article::parse(text));
    assert_eq!(parsed.articles[0].date, None);
    let parsed = parse(" \n", "empty.txt", &Options::default());
    assert!(parsed.articles.is_empty());
    assert_eq!(parsed.passed_over[0].what, "an empty file");
    // Unknown XML is passed over, not indexed tags and all; text that merely starts with a
    // tag is still text.
    let parsed = parse(
        "<?xml version=\"1.0\"?>\n<NewsML>\n<x>y</x></NewsML>\n",
        "afp.xml",
        &Options::default(),
    );
    assert!(parsed.articles.is_empty());
    assert_eq!(
        parsed.passed_over[0].what,
        "an XML document of a kind newsdex does not read (<NewsML>)"
    );
    assert_eq!(parsed.passed_over[0].line, Some(2));
    let parsed = parse("<b>Bold</b> title\n\nBody.\n", "a.txt", &Options::default());
    assert_eq!(parsed.format, Format::Text);
    assert_eq!(parsed.articles[0].article.title, "<b>Bold</b> title");
}

/// The classic billion laughs: ten entities, each ten of the one before (10^9 `lol`s, 3 GB).
fn billion_laughs(root: &str) -> String {
    let mut doc = format!("<?xml version=\"1.0\"?>\n<!DOCTYPE {root} [\n<!ENTITY lol0 \"lol\">\n");
    for level in 1..10 {
        let previous = format!("&lol{};", level - 1).repeat(10);
        doc.push_str(&format!("<!ENTITY lol{level} \"{previous}\">\n"));
    }
    doc.push_str(&format!("]>\n<{root}>&lol9;</{root}>\n"));
    doc
}

#[test]
fn billion_laughs_returns_promptly_with_an_error_in_every_xml_format() {
    for (root, format) in [
        ("nitf", Format::Nitf),
        ("newsItem", Format::NewsMlG2),
        ("rss", Format::Rss),
        ("feed", Format::Atom),
    ] {
        let doc = billion_laughs(root);
        let started = Instant::now();
        let parsed = parse(&doc, "bomb.xml", &Options::default());
        assert!(started.elapsed() < Duration::from_secs(2), "{format}");
        assert_eq!(parsed.format, format);
        assert!(parsed.articles.is_empty(), "{format}");
        assert_eq!(parsed.errors.len(), 1, "{format}: {:?}", parsed.errors);
        assert_eq!(parsed.errors[0].line, Some(2));
        assert!(parsed.errors[0].message.contains("declares entities"));
        // Nothing grew: what came back is a few hundred bytes.
        assert!(format!("{parsed:?}").len() < 1_000);
    }
}

#[test]
fn external_entities_are_never_fetched_or_read() {
    let doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n\
               <rss><channel><item><title>&xxe;</title></item></channel></rss>";
    let parsed = parse(doc, "feed.xml", &Options::default());
    assert!(parsed.articles.is_empty());
    assert!(parsed.errors[0].message.contains("declares entities"));
}

#[test]
fn garbage_in_any_format_never_panics_and_keeps_its_promises() {
    let inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"<".to_vec(),
        b"<<<>>>&&&;;;".to_vec(),
        b"<DOC><DOCNO>".to_vec(),
        b"</DOC></DOC><DOC>".to_vec(),
        b"<REUTERS NEWID=\"\"><TEXT><BODY>&#xFFFFFFFF;&#0;</BODY></TEXT></REUTERS>".to_vec(),
        b"{\"title\": [1, {\"a\": null}], \"body\": {\"x\": 1}, \"date\": -1e308}".to_vec(),
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".to_vec(),
        "\u{1b}[\u{0}é\u{10FFFF}\r\n\r\n".as_bytes().to_vec(),
        b"<nitf><body><body.content><p>&#55296;</p>".to_vec(),
        b"<?xml?><newsMessage><itemSet><newsItem/><newsItem guid=\"\"><contentSet><inlineData>\n\n".to_vec(),
        b"<rss><channel><item><description><![CDATA[<p>unclosed".to_vec(),
        format!("<feed>{}", "<entry>".repeat(1000)).into_bytes(),
        vec![0xFF, 0xFE, 0x00, b'<'],
    ];
    for input in &inputs {
        let text = String::from_utf8_lossy(input);
        for format in ALL {
            let parsed = parse_as(format, &text, &Options::default());
            for found in &parsed.articles {
                assert!(!found.article.paragraphs.is_empty(), "{format} {text:?}");
                assert!(!found.id.is_empty());
            }
        }
        parse(&text, "x", &Options::default());
    }
}

#[test]
fn ids_are_unique_within_a_file() {
    let text = "{\"id\": \"a\", \"title\": \"1\"}\n{\"id\": \"a\", \"title\": \"2\"}\n{\"title\": \"3\"}\n{\"id\": \"3\", \"title\": \"4\"}\n";
    let parsed = parse(text, "x.jsonl", &Options::default());
    let ids: Vec<&str> = parsed.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a", "a#2", "3", "3#2"]);
    let lines: Vec<Option<u64>> = parsed.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [Some(2), Some(4)]);
    assert_eq!(
        parsed.errors[0].to_string(),
        "line 2: id `a` is used again; this article is read as `a#2`"
    );
}

#[test]
fn stream_and_parse_agree() {
    let text = "<DOC><DOCNO>1</DOCNO><TEXT>One.</TEXT></DOC>\njunk\n<DOC><DOCNO>1</DOCNO><TEXT>Two.</TEXT></DOC>\n";
    let parsed = parse(text, "x", &Options::default());
    let streamed: Vec<Item> = stream(Format::TrecSgml, text.as_bytes(), &Options::default())
        .into_iter()
        .flatten()
        .collect();
    let articles: Vec<&FormatArticle> = streamed
        .iter()
        .filter_map(|item| match item {
            Item::Article(article) => Some(article),
            _ => None,
        })
        .collect();
    assert_eq!(articles.len(), parsed.articles.len());
    assert_eq!(*articles[1], parsed.articles[1]);
    assert_eq!(parsed.errors.len(), 2, "{:?}", parsed.errors);
}

#[test]
fn format_names_and_streaming() {
    let streaming: Vec<&str> = ALL
        .iter()
        .filter(|format| format.streams())
        .map(|format| format.name())
        .collect();
    assert_eq!(streaming, ["TREC SGML", "Reuters SGML", "JSON Lines"]);
    assert_eq!(Format::NewsMlG2.to_string(), "NewsML-G2");
    assert_eq!(FormatError::at(None, "x").to_string(), "x");
}
