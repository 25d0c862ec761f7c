//! JSON Lines → an article a line: by default `title`, `dateline`, `body` or `text`, `date`,
//! `id`; [`Options`] maps other keys (`headline=title`).
//!
//! A body is a string (paragraphs split on blank lines, else one a line) or an array of
//! strings (one a paragraph). A date is ISO 8601, RFC 822 or Reuters' style, or a number of
//! seconds (or milliseconds) since 1970. A line that is not a JSON object is an error naming
//! it, and the next line is read as usual.

use serde_json::{Map, Value};

use super::dates;
use super::text::{Dateline, assemble, plain_paragraphs};
use super::{Draft, Field, FormatError, Items, Options};

/// Reads one line (its 1-based line number and record number given); blank lines are none.
pub fn line(text: &str, line: u64, number: u64, options: &Options, items: &mut Items) {
    let object = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => object,
        Ok(_) => {
            items.error(FormatError::at(line, "not a JSON object"));
            return;
        }
        Err(error) => {
            items.error(FormatError::at(line, format!("malformed JSON: {error}")));
            return;
        }
    };
    let value = |field| {
        options
            .keys_for(field)
            .find_map(|key| object.get(key).filter(|value| !value.is_null()))
    };
    let string = |field| value(field).and_then(scalar_text);
    let title = string(Field::Title).unwrap_or_default();
    let dateline = string(Field::Dateline);
    let paragraphs = value(Field::Body).map(body).unwrap_or_default();
    let date = date(&object, options);
    match assemble(&title, Dateline::given(dateline), paragraphs) {
        Some(article) => items.article(Draft {
            id: string(Field::Id),
            number,
            line: Some(line),
            article,
            date,
        }),
        None => items.pass_over(format!("line {line} with no title or text"), Some(line)),
    }
}

/// A string as it is, a number as written; anything else is not text.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn body(value: &Value) -> Vec<String> {
    match value {
        Value::String(text) => plain_paragraphs(text),
        Value::Array(list) => list.iter().filter_map(scalar_text).collect(),
        _ => Vec::new(),
    }
}

/// The date and the key it came from, which is one of the option's own strings; dates are
/// tagged with a `'static` name, so a mapped key reads as `"date"`.
fn date(
    object: &Map<String, Value>,
    options: &Options,
) -> Option<(crate::dates::Day, &'static str)> {
    options.keys_for(Field::Date).find_map(|key| {
        let day = match object.get(key)? {
            Value::String(text) => dates::any(text),
            Value::Number(number) => dates::epoch(number.as_f64()?),
            _ => None,
        }?;
        Some((day, "date"))
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Options, Parsed, parse, parse_as};

    fn read(text: &str, options: &Options) -> Parsed {
        parse_as(Format::JsonLines, text, options)
    }

    #[test]
    fn lines_with_the_default_keys() {
        let text = r#"{"id": "a1", "title": "Harbour reopens", "dateline": "PORTHAVEN", "body": "PORTHAVEN - Boats left.\n\nCrowds watched.", "date": "2021-03-04T09:30:00Z"}
{"title": "Array body", "text": ["One.", "Two."], "date": 1614850200, "id": 7}

{"title": "Title only"}
"#;
        let parsed = read(text, &Options::default());
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let [first, second, third] = &parsed.articles[..] else {
            panic!("{parsed:?}")
        };
        assert_eq!(first.id, "a1");
        assert_eq!(first.article.dateline, "PORTHAVEN");
        assert_eq!(first.article.paragraphs, ["Boats left.", "Crowds watched."]);
        assert_eq!(first.date.unwrap().0.to_string(), "2021-03-04");
        assert_eq!(second.id, "7");
        assert_eq!(second.article.paragraphs, ["One.", "Two."]);
        assert_eq!(second.date.unwrap().0.to_string(), "2021-03-04");
        assert_eq!(third.id, "3");
        assert_eq!(third.article.paragraphs, ["Title only"]);
    }

    #[test]
    fn mapped_keys_come_before_the_defaults() {
        let mut options = Options::default();
        options.map_json_key("headline=title").unwrap();
        options.map_json_key("story = body").unwrap();
        options.map_json_key("published=date").unwrap();
        let text = r#"{"headline": "Mapped", "title": "Default", "story": "Story text.", "published": "Thu, 04 Mar 2021 09:30:00 GMT"}"#;
        let article = &read(text, &options).articles[0];
        assert_eq!(article.article.title, "Mapped");
        assert_eq!(article.article.paragraphs, ["Story text."]);
        assert_eq!(article.date.unwrap().0.to_string(), "2021-03-04");
        for bad in ["headline", "headline=summary", "=title"] {
            assert!(options.map_json_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_bad_line_is_an_error_and_the_rest_is_read() {
        let text = "{\"title\": \"One\"}\n{\"title\": oops}\n[1, 2]\n{\"body\": \"\"}\n{\"title\": \"Four\"}\n";
        let parsed = parse(text, "wire.jsonl", &Options::default());
        assert_eq!(parsed.format, Format::JsonLines);
        let titles: Vec<&str> = parsed
            .articles
            .iter()
            .map(|a| a.article.title.as_str())
            .collect();
        assert_eq!(titles, ["One", "Four"]);
        let lines: Vec<Option<u64>> = parsed.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [Some(2), Some(3)]);
        assert!(parsed.errors[0].message.starts_with("malformed JSON"));
        assert_eq!(parsed.passed_over[0].line, Some(4));
    }
}
