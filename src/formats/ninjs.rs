//! ninjs (IPTC's news in JSON, versions 1 to 3) → one article a text item; a file holds one
//! item or an array of them.
//!
//! Title: `headline` (1.x) or the main of `headlines` (2.x+). Body: `body_text` or
//! `body_html` (1.x), else the best of `bodies` (HTML, then NITF, then plain text). Date:
//! `versioncreated`, else `firstcreated`, else `contentcreated` (camel case in ninjs 3).
//! Id: `uri`, else `guid`.
//! Dateline: a wire dateline opening the text, else `located`, else the first `place`/`places`
//! name. Pictures, video, audio, graphics and events are passed over, and so is a composite
//! with no text of its own (IPTC's own composite samples carry the story's `body_text`, so a
//! composite with text is read).

use serde_json::Value;

use super::dates;
use super::markup::html_fragment_paragraphs;
use super::nitf;
use super::text::{Dateline, assemble, plain_paragraphs};
use super::xml;
use super::{Draft, FormatError, Items};

pub fn read(text: &str, items: &mut Items) {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            let line = (error.line() > 0).then(|| error.line() as u64);
            items.error(FormatError::at(line, format!("malformed JSON: {error}")));
            return;
        }
    };
    match value {
        Value::Array(list) => {
            for (at, item) in list.iter().enumerate() {
                read_item(item, at as u64 + 1, items);
            }
        }
        item => read_item(&item, 1, items),
    }
}

fn read_item(item: &Value, number: u64, items: &mut Items) {
    let Value::Object(fields) = item else {
        items.error(FormatError::at(
            None,
            format!("item {number} is not a JSON object"),
        ));
        return;
    };
    let string = |name: &str| fields.get(name).and_then(Value::as_str).map(str::trim);
    let id = string("uri").or_else(|| string("guid")).map(str::to_string);
    let named = id.as_deref().unwrap_or("(no uri)");
    let kind = string("type").unwrap_or("text");
    let body = body(item).unwrap_or_else(|error| {
        items.error(FormatError::at(
            None,
            format!("item {number}: {}", error.message),
        ));
        None
    });
    let has_text = body
        .as_ref()
        .is_some_and(|body| !body.paragraphs.is_empty());
    if kind != "text" && !(kind == "composite" && has_text) {
        items.pass_over(format!("{kind} item {named}"), None);
        return;
    }
    let body = body.unwrap_or_default();
    for problem in &body.problems {
        items.error(FormatError::at(None, format!("item {number}: {problem}")));
    }
    let headline = string("headline")
        .map(str::to_string)
        .or_else(|| main_headline(item))
        .or(body.title)
        .unwrap_or_default();
    let place = string("located")
        .map(str::to_string)
        .or_else(|| first_place_name(item, "place"))
        .or_else(|| first_place_name(item, "places"));
    let dateline = Dateline {
        given: body.dateline,
        place,
    };
    // ninjs 3 writes its names in camel case (`versionCreated`), earlier versions in lower.
    let date = [
        "versioncreated",
        "versionCreated",
        "firstcreated",
        "firstCreated",
        "contentcreated",
        "contentCreated",
    ]
    .into_iter()
    .find_map(|name| Some((dates::iso8601(string(name)?)?, name)));
    match assemble(&headline, dateline, body.paragraphs) {
        Some(article) => items.article(Draft {
            id,
            number,
            line: None,
            article,
            date,
        }),
        None => items.pass_over(format!("{kind} item {named} with no text"), None),
    }
}

/// What an item's body gives; a NITF body may bring its own headline and dateline.
#[derive(Debug, Default)]
struct Body {
    title: Option<String>,
    dateline: Option<String>,
    paragraphs: Vec<String>,
    /// What went wrong reading a NITF body, reported with the item.
    problems: Vec<String>,
}

fn body(item: &Value) -> Result<Option<Body>, FormatError> {
    let plain = |paragraphs| Body {
        paragraphs,
        ..Body::default()
    };
    if let Some(html) = item.get("body_html").and_then(Value::as_str) {
        return Ok(Some(plain(html_fragment_paragraphs(html)?)));
    }
    if let Some(text) = item.get("body_text").and_then(Value::as_str) {
        return Ok(Some(plain(plain_paragraphs(text))));
    }
    let Some(bodies) = item.get("bodies").and_then(Value::as_array) else {
        return Ok(None);
    };
    let content_type = |body: &Value| {
        body.get("contenttype")
            .or_else(|| body.get("contentType"))
            .and_then(Value::as_str)
            .unwrap_or("text/plain")
            .to_ascii_lowercase()
    };
    fn value(body: &Value) -> Option<&str> {
        body.get("value").and_then(Value::as_str)
    }
    let with_type = |wanted: &str| {
        bodies
            .iter()
            .filter(|body| content_type(body).contains(wanted))
            .find_map(value)
    };
    if let Some(html) = with_type("html") {
        return Ok(Some(plain(html_fragment_paragraphs(html)?)));
    }
    if let Some(nitf_text) = with_type("nitf") {
        let document = xml::read(nitf_text);
        let problems = document
            .errors
            .into_iter()
            .map(|error| {
                let at = error
                    .line
                    .map_or(String::new(), |line| format!(" (its line {line})"));
                format!("NITF body{at}: {}", error.message)
            })
            .collect();
        let nitf = document.root.as_ref().and_then(nitf::article);
        return Ok(Some(match nitf {
            Some(nitf) => Body {
                title: Some(nitf.title).filter(|title| !title.is_empty()),
                dateline: nitf.dateline,
                paragraphs: nitf.paragraphs,
                problems,
            },
            None => Body {
                problems,
                ..Body::default()
            },
        }));
    }
    Ok(bodies
        .iter()
        .find_map(value)
        .map(|text| plain(plain_paragraphs(text))))
}

/// ninjs 2.x+: the headline whose role is `main`, else the first.
fn main_headline(item: &Value) -> Option<String> {
    let headlines = item.get("headlines")?.as_array()?;
    let main = headlines
        .iter()
        .find(|headline| headline.get("role").and_then(Value::as_str) == Some("main"))
        .or_else(|| headlines.first())?;
    main.get("value")?.as_str().map(str::to_string)
}

fn first_place_name(item: &Value, key: &str) -> Option<String> {
    item.get(key)?
        .as_array()?
        .iter()
        .find_map(|place| place.get("name")?.as_str().map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Options, Parsed, parse_as};

    fn parse(text: &str) -> Parsed {
        parse_as(Format::Ninjs, text, &Options::default())
    }

    #[test]
    fn ninjs_1_text_item() {
        let parsed = parse(
            r#"{"uri": "urn:gull:1", "type": "text", "headline": "Harbour reopens",
                "located": "Porthaven",
                "body_text": "PORTHAVEN (Gull) -- Boats left.\n\nCrowds watched.",
                "versioncreated": "2021-03-04T09:30:00Z", "firstcreated": "2021-03-03T00:00:00Z"}"#,
        );
        let article = &parsed.articles[0];
        assert_eq!(article.id, "urn:gull:1");
        assert_eq!(article.article.title, "Harbour reopens");
        assert_eq!(article.article.dateline, "PORTHAVEN (Gull)");
        assert_eq!(
            article.article.paragraphs,
            ["Boats left.", "Crowds watched."]
        );
        let (day, source) = article.date.unwrap();
        assert_eq!(
            (day.to_string().as_str(), source),
            ("2021-03-04", "versioncreated")
        );
    }

    #[test]
    fn ninjs_2_headlines_bodies_and_places() {
        let parsed = parse(
            r#"{"uri": "urn:gull:2", "headlines": [{"role": "sub", "value": "Sub"},
                {"role": "main", "value": "Main"}],
                "bodies": [{"role": "text", "contenttype": "text/plain", "value": "Plain"},
                           {"role": "web", "contentType": "text/html", "value": "<p>One</p><p>Two</p>"}],
                "places": [{"name": "Porthaven"}], "firstcreated": "2021-03-03"}"#,
        );
        let article = &parsed.articles[0];
        assert_eq!(article.article.title, "Main");
        assert_eq!(article.article.dateline, "Porthaven");
        assert_eq!(article.article.paragraphs, ["One", "Two"]);
        assert_eq!(article.date.unwrap().1, "firstcreated");
        let parsed = parse(
            r#"{"uri": "u3", "headlines": [{"value": "Three"}], "versionCreated": "2023-10-08T10:00:00Z",
                "bodies": [{"contentType": "text/html", "value": "<html><head><title>Three</title></head><body><h1>Three</h1><p>Body.</p></body></html>"}]}"#,
        );
        let article = &parsed.articles[0];
        assert_eq!(article.article.paragraphs, ["Body."]);
        assert_eq!(article.date.unwrap().1, "versionCreated");
    }

    #[test]
    fn ninjs_nitf_body_and_html_body() {
        let nitf = r#"<nitf><body><body.head><hedline><hl1>From NITF</hl1></hedline></body.head><body.content><p>Text.</p></body.content></body></nitf>"#;
        let item =
            serde_json::json!({"bodies": [{"contentType": "text/vnd.IPTC.NITF", "value": nitf}]});
        let parsed = parse(&item.to_string());
        assert_eq!(parsed.articles[0].article.title, "From NITF");
        assert_eq!(parsed.articles[0].id, "1");
        let parsed =
            parse(r#"{"headline": "H", "body_html": "<p>a</p><script>x</script><p>b</p>"}"#);
        assert_eq!(parsed.articles[0].article.paragraphs, ["a", "b"]);
    }

    #[test]
    fn arrays_pass_over_media_and_composites_without_text() {
        let parsed = parse(
            r#"[{"uri": "urn:p", "type": "picture", "headline": "A photo"},
                {"uri": "urn:c", "type": "composite", "headline": "Package"},
                {"uri": "urn:s", "type": "composite", "headline": "Story", "body_text": "Text."},
                {"uri": "urn:e", "type": "event"},
                {"uri": "urn:t", "type": "text"},
                42]"#,
        );
        let ids: Vec<&str> = parsed.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["urn:s"]);
        let passed: Vec<&str> = parsed.passed_over.iter().map(|p| p.what.as_str()).collect();
        assert_eq!(
            passed,
            [
                "picture item urn:p",
                "composite item urn:c",
                "event item urn:e",
                "text item urn:t with no text"
            ]
        );
        assert_eq!(parsed.errors[0].message, "item 6 is not a JSON object");
    }

    #[test]
    fn malformed_json_names_the_line() {
        let parsed = parse("{\n\"headline\": \"x\",\n\"body_text\": oops\n}");
        assert!(parsed.articles.is_empty());
        assert_eq!(parsed.errors[0].line, Some(3));
    }
}
