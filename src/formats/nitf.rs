//! NITF (IPTC's News Industry Text Format) → one article: `hedline/hl1` title, `dateline`,
//! the `<p>`s of `body.content`, `doc-id@id-string` id, `date.issue@norm` date.
//!
//! [`article`] also reads the NITF that a NewsML-G2 item carries in its `inlineXML`.

use super::dates;
use super::markup::xml_paragraphs;
use super::text::tidy;
use super::text::{Dateline, assemble};
use super::xml::{self, Element, Node};
use super::{Draft, FormatError, Items};

pub fn read(text: &str, items: &mut Items) {
    let document = xml::read(text);
    for error in document.errors {
        items.error(error);
    }
    let Some(root) = document.root else {
        return;
    };
    if root.local() != "nitf" {
        items.error(FormatError::at(
            root.line,
            format!("the root element is <{}>, not <nitf>", root.name),
        ));
        return;
    }
    let id = root
        .path(&["head", "docdata", "doc-id"])
        .and_then(|doc_id| doc_id.attr("id-string"))
        .map(str::to_string);
    let date = root
        .path(&["head", "docdata", "date.issue"])
        .and_then(|issue| issue.attr("norm"))
        .and_then(dates::iso8601)
        .map(|day| (day, "date.issue"));
    match article(&root) {
        Some(NitfArticle {
            title,
            dateline,
            paragraphs,
        }) => match assemble(&title, Dateline::given(dateline), paragraphs) {
            Some(article) => items.article(Draft {
                id,
                number: 1,
                line: Some(root.line),
                article,
                date,
            }),
            None => items.pass_over("an NITF document with no text", Some(root.line)),
        },
        None => items.pass_over("an NITF document with no body", Some(root.line)),
    }
}

/// What an NITF document says, before it is assembled into an article.
pub struct NitfArticle {
    pub title: String,
    pub dateline: Option<String>,
    pub paragraphs: Vec<String>,
}

/// Reads the article parts of an `<nitf>` element: the headline (else `head/title`), the
/// `dateline` of `body.head` (else anywhere in the body), and `body.content`'s paragraphs.
pub fn article(nitf: &Element) -> Option<NitfArticle> {
    let body = nitf.child("body")?;
    let title = body
        .path(&["body.head", "hedline", "hl1"])
        .or_else(|| body.descendant("hl1"))
        .or_else(|| nitf.path(&["head", "title"]))
        .map(Element::text)
        .unwrap_or_default();
    let dateline = body
        .path(&["body.head", "dateline"])
        .or_else(|| body.descendant("dateline"))
        .map(dateline_text);
    let paragraphs = body
        .children_named("body.content")
        .flat_map(xml_paragraphs)
        .collect();
    Some(NitfArticle {
        title,
        dateline,
        paragraphs,
    })
}

/// A dateline's text, less a `story.date` that only repeats its machine `norm` (EFE writes
/// `<story.date norm="20170102T222800+0000">20170102T222800+0000</story.date>`).
fn dateline_text(dateline: &Element) -> String {
    let mut text = String::new();
    for node in &dateline.children {
        match node {
            Node::Text(piece) => text.push_str(piece),
            Node::Element(child) => {
                let machine = child.local() == "story.date"
                    && child
                        .attr("norm")
                        .is_some_and(|norm| norm.trim() == child.text());
                if !machine {
                    text.push_str(&child.raw_text());
                }
            }
        }
    }
    tidy(text.trim_end_matches([',', ' ']))
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Options, parse_as};

    const NITF: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nitf SYSTEM "nitf-3-4.dtd">
<nitf>
  <head>
    <title>Ferry strike ends</title>
    <docdata>
      <doc-id id-string="gull-2002-0529-017"/>
      <date.issue norm="20020529T000000-0500"/>
    </docdata>
  </head>
  <body>
    <body.head>
      <hedline><hl1>Ferry strike ends after <em>nine</em> days</hl1><hl2>Crews return</hl2></hedline>
      <byline>By A. Writer</byline>
      <dateline><location><city>PORTHAVEN</city></location>, <story.date>May 29</story.date></dateline>
    </body.head>
    <body.content>
      <p>PORTHAVEN, May 29 -- Ferry crews went back to work
         on Wednesday.</p>
      <media media-type="image"><media-caption>A ferry.</media-caption></media>
      <p>Talks had lasted &quot;all night&quot;.</p>
    </body.content>
    <body.end><tagline>Copyright Gull</tagline></body.end>
  </body>
</nitf>
"#;

    #[test]
    fn nitf_gives_headline_dateline_paragraphs_id_and_issue_date() {
        let parsed = parse_as(Format::Nitf, NITF, &Options::default());
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let article = &parsed.articles[0];
        assert_eq!(article.id, "gull-2002-0529-017");
        assert_eq!(article.article.title, "Ferry strike ends after nine days");
        assert_eq!(article.article.dateline, "PORTHAVEN, May 29");
        assert_eq!(
            article.article.paragraphs,
            [
                "Ferry crews went back to work on Wednesday.",
                "Talks had lasted \"all night\"."
            ]
        );
        let (day, source) = article.date.unwrap();
        assert_eq!(
            (day.to_string().as_str(), source),
            ("2002-05-29", "date.issue")
        );
    }

    #[test]
    fn nitf_without_hedline_or_ids_falls_back() {
        let text = "<nitf><head><title>Head title</title></head><body><body.content>\
                    <p>Only text.</p></body.content></body></nitf>";
        let parsed = parse_as(Format::Nitf, text, &Options::default());
        let article = &parsed.articles[0];
        assert_eq!(
            (article.id.as_str(), article.article.title.as_str()),
            ("1", "Head title")
        );
        assert_eq!(article.date, None);
        let text = "<nitf><body><body.head><dateline><story.date norm=\"20170102T222800+0000\">\
                    20170102T222800+0000</story.date></dateline></body.head><body.content>\
                    <p>Text.</p></body.content></body></nitf>";
        let parsed = parse_as(Format::Nitf, text, &Options::default());
        assert_eq!(parsed.articles[0].article.dateline, "");
    }

    #[test]
    fn broken_nitf_names_the_line_and_keeps_the_text_read() {
        let text = "<nitf>\n<body>\n<body.content>\n<p>Kept.</p>\n<p>Cut";
        let parsed = parse_as(Format::Nitf, text, &Options::default());
        assert_eq!(parsed.articles[0].article.paragraphs, ["Kept.", "Cut"]);
        assert!(parsed.errors.iter().any(|e| e.line == Some(1)));
        let parsed = parse_as(Format::Nitf, "<rss/>", &Options::default());
        assert!(parsed.articles.is_empty());
        assert!(parsed.errors[0].message.contains("not <nitf>"));
    }
}
