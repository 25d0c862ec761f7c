//! NewsML-G2 → one article a text news item, alone or in a `newsMessage`'s `itemSet`.
//!
//! A text item (`itemClass` `ninat:text`, or none) gives `headline`, `dateline` (else
//! `located` as dateline text), its body from `inlineXML` (XHTML or NITF paragraphs) or
//! `inlineData` (plain text: blank lines or indented lines start paragraphs; HTML when marked
//! so; plain text wrapped in tags read as plain text),
//! `versionCreated` (else `firstCreated`, else `contentCreated`) as its date and `guid` as its
//! id. Everything else — pictures, graphics, video, audio, composites, packages, concepts,
//! events, planning and catalog items, or a text item whose text is only remote — is passed
//! over by name and id, so a count of what was not indexed is always at hand.

use super::dates;
use super::markup::{html_fragment_paragraphs, html_fragment_wire_paragraphs, xml_paragraphs};
use super::nitf;
use super::text::{Dateline, assemble, indented_paragraphs};
use super::xml::{self, Element};
use super::{Draft, FormatError, Items};

pub fn read(text: &str, items: &mut Items) {
    let document = xml::read(text);
    for error in document.errors {
        items.error(error);
    }
    let Some(root) = document.root else {
        return;
    };
    match root.local() {
        "newsMessage" => {
            let item_sets = root.children_named("itemSet");
            for (at, item) in item_sets.flat_map(Element::elements).enumerate() {
                read_item(item, at as u64 + 1, items);
            }
        }
        name if name.ends_with("Item") => read_item(&root, 1, items),
        other => items.error(FormatError::at(
            root.line,
            format!("the root element is <{other}>, not a NewsML-G2 item or news message"),
        )),
    }
}

fn read_item(item: &Element, number: u64, items: &mut Items) {
    let guid = item.attr("guid").unwrap_or("(no guid)");
    let line = Some(item.line);
    if item.local() != "newsItem" {
        items.pass_over(format!("{} {guid}", item.local()), line);
        return;
    }
    let class = item
        .path(&["itemMeta", "itemClass"])
        .and_then(|class| class.attr("qcode"))
        .map(|qcode| qcode.rsplit_once(':').map_or(qcode, |(_, name)| name));
    if let Some(class) = class.filter(|class| *class != "text") {
        items.pass_over(format!("{class} item {guid}"), line);
        return;
    }
    let content_meta = item.child("contentMeta");
    let meta_text = |name: &str| {
        content_meta
            .and_then(|meta| meta.child(name))
            .map(Element::text)
            .filter(|text| !text.is_empty())
    };
    let mut title = meta_text("headline").unwrap_or_default();
    let mut dateline = Dateline {
        given: meta_text("dateline"),
        place: content_meta
            .and_then(|meta| meta.child("located"))
            .map(|located| located.child("name").unwrap_or(located).text())
            .filter(|place| !place.is_empty()),
    };
    let content = item.child("contentSet").and_then(body_of);
    let paragraphs = match content {
        Some(Body::Nitf(nitf)) => {
            if title.is_empty() {
                title = nitf.title;
            }
            dateline.given = dateline.given.or(nitf.dateline);
            nitf.paragraphs
        }
        Some(Body::Paragraphs(paragraphs)) => paragraphs,
        Some(Body::Unread(error)) => {
            items.error(FormatError::at(
                line,
                format!("item {guid}: {}", error.message),
            ));
            Vec::new()
        }
        Some(Body::RemoteOnly) => {
            items.pass_over(format!("text item {guid} whose text is remote"), line);
            return;
        }
        None => Vec::new(),
    };
    let item_meta = item.child("itemMeta");
    let date = [
        (item_meta, "versionCreated"),
        (item_meta, "firstCreated"),
        (content_meta, "contentCreated"),
    ]
    .into_iter()
    .find_map(|(parent, name)| {
        let day = dates::iso8601(&parent?.child(name)?.text())?;
        Some((day, name))
    });
    match assemble(&title, dateline, paragraphs) {
        Some(article) => items.article(Draft {
            id: item.attr("guid").map(str::to_string),
            number,
            line,
            article,
            date,
        }),
        None => items.pass_over(format!("text item {guid} with no text"), line),
    }
}

enum Body {
    /// NITF in `inlineXML`: it may bring the headline and dateline too.
    Nitf(nitf::NitfArticle),
    Paragraphs(Vec<String>),
    /// Text that could not be read (HTML nested past what is parsed).
    Unread(FormatError),
    /// Only `remoteContent`: the text lives elsewhere and is not fetched.
    RemoteOnly,
}

/// The first inline text of a content set: `inlineXML` before `inlineData`.
fn body_of(content_set: &Element) -> Option<Body> {
    if let Some(inline) = content_set.child("inlineXML") {
        if let Some(nitf) = inline.child("nitf").and_then(nitf::article) {
            return Some(Body::Nitf(nitf));
        }
        let html_body = inline.descendant("body").unwrap_or(inline);
        return Some(Body::Paragraphs(xml_paragraphs(html_body)));
    }
    if let Some(data) = content_set.child("inlineData") {
        let text = data.raw_text();
        let marked_html = data
            .attr("contenttype")
            .is_some_and(|kind| kind.contains("html"));
        // ANSA sends wire text wrapped in `<p>` as `text/plain`: its tags are dropped and its
        // indented lines still start paragraphs.
        let read = if marked_html {
            html_fragment_paragraphs(&text)
        } else if text.trim_start().starts_with('<') {
            html_fragment_wire_paragraphs(&text)
        } else {
            Ok(indented_paragraphs(&text))
        };
        return Some(match read {
            Ok(paragraphs) => Body::Paragraphs(paragraphs),
            Err(error) => Body::Unread(error),
        });
    }
    content_set.child("remoteContent").map(|_| Body::RemoteOnly)
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Options, Parsed, parse_as};

    fn parse(text: &str) -> Parsed {
        parse_as(Format::NewsMlG2, text, &Options::default())
    }

    const ITEM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:gull.example:20210304:harbour" version="2">
  <itemMeta>
    <itemClass qcode="ninat:text"/>
    <firstCreated>2021-03-03T22:00:00Z</firstCreated>
    <versionCreated>2021-03-04T09:30:00+01:00</versionCreated>
  </itemMeta>
  <contentMeta>
    <located qcode="geo:porthaven"><name>Porthaven</name></located>
    <headline>Harbour reopens</headline>
  </contentMeta>
  <contentSet>
    <inlineXML contenttype="application/xhtml+xml">
      <html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>
      <body><h1>Harbour reopens</h1><p>Boats left at dawn.</p><p>Crowds watched.</p></body></html>
    </inlineXML>
  </contentSet>
</newsItem>"#;

    #[test]
    fn a_text_item_gives_headline_located_xhtml_paragraphs_and_version_date() {
        let parsed = parse(ITEM);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let article = &parsed.articles[0];
        assert_eq!(article.id, "urn:newsml:gull.example:20210304:harbour");
        assert_eq!(article.article.title, "Harbour reopens");
        assert_eq!(article.article.dateline, "Porthaven");
        assert_eq!(
            article.article.paragraphs,
            ["Boats left at dawn.", "Crowds watched."]
        );
        let (day, source) = article.date.unwrap();
        assert_eq!(
            (day.to_string().as_str(), source),
            ("2021-03-04", "versionCreated")
        );
    }

    #[test]
    fn a_news_message_gives_its_text_items_and_passes_over_the_rest() {
        let message = r#"<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">
  <header><sent>2021-03-04T10:00:00Z</sent></header>
  <itemSet>
    <newsItem guid="urn:a">
      <itemMeta><itemClass qcode="ninat:text"/><firstCreated>2021-03-01</firstCreated></itemMeta>
      <contentMeta><headline>First</headline><dateline>PORTHAVEN, March 1</dateline></contentMeta>
      <contentSet><inlineData contenttype="text/plain">PORTHAVEN, March 1 - Plain text
wrapped here.

Second paragraph.</inlineData></contentSet>
    </newsItem>
    <newsItem guid="urn:picture">
      <itemMeta><itemClass qcode="ninat:picture"/></itemMeta>
      <contentSet><remoteContent href="x.jpg"/></contentSet>
    </newsItem>
    <packageItem guid="urn:package"/>
    <conceptItem guid="urn:event"/>
    <newsItem guid="urn:remote">
      <itemMeta><itemClass qcode="ninat:text"/></itemMeta>
      <contentMeta><headline>Remote</headline></contentMeta>
      <contentSet><remoteContent href="x.txt"/></contentSet>
    </newsItem>
    <newsItem>
      <contentMeta><headline>No guid, no body</headline></contentMeta>
    </newsItem>
  </itemSet>
</newsMessage>"#;
        let parsed = parse(message);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let ids: Vec<&str> = parsed.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["urn:a", "6"]);
        let first = &parsed.articles[0];
        assert_eq!(first.article.dateline, "PORTHAVEN, March 1");
        assert_eq!(
            first.article.paragraphs,
            ["Plain text wrapped here.", "Second paragraph."]
        );
        assert_eq!(first.date.unwrap().1, "firstCreated");
        assert_eq!(parsed.articles[1].article.paragraphs, ["No guid, no body"]);
        let passed: Vec<&str> = parsed.passed_over.iter().map(|p| p.what.as_str()).collect();
        assert_eq!(
            passed,
            [
                "picture item urn:picture",
                "packageItem urn:package",
                "conceptItem urn:event",
                "text item urn:remote whose text is remote"
            ]
        );
        assert_eq!(parsed.passed_over[0].line, Some(12));
    }

    #[test]
    fn nitf_inside_inline_xml_brings_headline_and_dateline() {
        let item = r#"<newsItem guid="urn:n"><itemMeta><itemClass qcode="ninat:text"/></itemMeta>
<contentSet><inlineXML contenttype="application/nitf+xml"><nitf><body><body.head>
<hedline><hl1>From NITF</hl1></hedline><dateline>OSLO</dateline></body.head>
<body.content><p>OSLO - Text.</p></body.content></body></nitf></inlineXML></contentSet></newsItem>"#;
        let article = &parse(item).articles[0];
        assert_eq!(
            (
                article.article.title.as_str(),
                article.article.dateline.as_str()
            ),
            ("From NITF", "OSLO")
        );
        assert_eq!(article.article.paragraphs, ["Text."]);
    }

    #[test]
    fn inline_data_holding_markup_is_read_by_what_it_is() {
        let item = |kind: &str, data: &str| {
            format!(
                "<newsItem guid=\"urn:d\"><contentSet><inlineData contenttype=\"{kind}\"><![CDATA[{data}]]>\
                 </inlineData></contentSet></newsItem>"
            )
        };
        let wire = "<p>\n   First para\nwraps.\n   Second.\n</p>";
        let parsed = parse(&item("text/plain", wire));
        assert_eq!(
            parsed.articles[0].article.paragraphs,
            ["First para wraps.", "Second."]
        );
        let parsed = parse(&item("text/html", "<p>One</p><p>Two</p>"));
        assert_eq!(parsed.articles[0].article.paragraphs, ["One", "Two"]);
    }

    #[test]
    fn a_single_non_text_item_and_a_foreign_root() {
        let parsed = parse("<conceptItem guid=\"urn:c\"/>");
        assert_eq!(parsed.passed_over[0].what, "conceptItem urn:c");
        let parsed = parse("<catalog/>");
        assert!(parsed.errors[0].message.contains("not a NewsML-G2 item"));
    }
}
