//! Reuters-21578 SGML records (`<REUTERS NEWID="…">…</REUTERS>`, 1,000 a file) → articles.
//!
//! Id `NEWID`; `TITLE`, `DATELINE` and `BODY` from the record's `TEXT`; `DATE`
//! (`26-FEB-1987 15:01:01.79`). A paragraph starts at an indented line; entities (`&lt;`) are
//! decoded and control characters (`&#3;`, the end-of-text mark) dropped. A `TEXT TYPE="BRIEF"`
//! record is title-only; an `UNPROC` one is its `TEXT`'s own text. The `Reuter`/`REUTER`
//! sign-off that ends most bodies is dropped: it is the agency's signature, not the story, and
//! as a passage of its own it would answer every query for "Reuter"; it is always last, so
//! the story's paragraphs keep their numbers.

use super::dates;
use super::sgml::{self, RawRecord, field_text};
use super::text::{Dateline, assemble, indented_paragraphs};
use super::{FormatError, Items};
use crate::article::find_dateline;

pub fn record(raw: &RawRecord, number: u64, items: &mut Items) {
    let (attributes, content) = sgml::split_root(&raw.text);
    let (fields, mut errors) = sgml::fields(content);
    let id = sgml::attribute(attributes, "NEWID").filter(|id| !id.is_empty());
    let date = fields
        .iter()
        .find(|field| field.name == "DATE")
        .and_then(|field| dates::reuters(&field_text(field.body)))
        .map(|day| (day, "DATE"));
    let text = fields.iter().find(|field| field.name == "TEXT");
    let (mut title, mut dateline, mut paragraphs) = (String::new(), None, Vec::new());
    if let Some(text) = text {
        let (parts, part_errors) = sgml::fields(text.body);
        let text_start = (text.body.as_ptr() as usize).saturating_sub(content.as_ptr() as usize);
        errors.extend(
            part_errors
                .into_iter()
                .map(|(offset, message)| (text_start + offset, message)),
        );
        let part = |name: &str| parts.iter().find(|part| part.name == name);
        title = part("TITLE")
            .map(|part| field_text(part.body))
            .unwrap_or_default();
        let (given, spilled) = part("DATELINE")
            .map(|part| split_dateline(&field_text(part.body)))
            .unwrap_or_default();
        dateline = given;
        paragraphs = match part("BODY") {
            Some(body) => without_sign_off(body_paragraphs(body.body)),
            None if sgml::attribute(text.attributes, "TYPE").as_deref() == Some("UNPROC") => {
                without_sign_off(body_paragraphs(text.body))
            }
            None => Vec::new(),
        };
        if let Some(spilled) = spilled {
            match paragraphs.first_mut() {
                Some(first) => *first = format!("{spilled} {first}"),
                None => paragraphs.push(spilled),
            }
        }
    }
    for (offset, message) in errors {
        let line = sgml::line_of(raw, content.get(offset..).unwrap_or(""));
        items.error(FormatError::at(line, message));
    }
    let article = assemble(&title, Dateline::given(dateline), paragraphs);
    items.record("REUTERS", id, number, Some(raw.line), article, date);
}

/// A `DATELINE` field's dateline, and the story's first words when the field holds them
/// too: 1987's markup sometimes closed the field mid-sentence
/// (`RIO DE JANEIRO, Feb 26 - Brazil's "Cruzado" anti-`, the body going on `inflation plan…`).
/// The dateline is what `find_dateline` takes (it also drops priority asterisks, `****`);
/// the words after it go back to the body.
fn split_dateline(field: &str) -> (Option<String>, Option<String>) {
    // The field ends with its separator (`SALVADOR, Feb 26 -`); a space lets it be found.
    let field = format!("{field} ");
    match find_dateline(&field) {
        Some((dateline, rest_at)) => {
            let spilled = field[rest_at..].trim();
            (
                Some(dateline.to_string()),
                (!spilled.is_empty()).then(|| spilled.to_string()),
            )
        }
        None => (Some(field.trim().trim_start_matches('*').to_string()), None),
    }
}

fn body_paragraphs(body: &str) -> Vec<String> {
    indented_paragraphs(&sgml::decode_entities(body))
}

/// Drops the `Reuter` sign-off: a last paragraph of its own, or the last word of the last
/// paragraph when the line was not indented.
fn without_sign_off(mut paragraphs: Vec<String>) -> Vec<String> {
    let is_sign_off = |word: &str| word.eq_ignore_ascii_case("reuter");
    let Some(last) = paragraphs.last_mut() else {
        return paragraphs;
    };
    let trimmed = last.trim_end();
    if is_sign_off(trimmed) {
        paragraphs.pop();
    } else if let Some((before, word)) = trimmed.rsplit_once(' ')
        && is_sign_off(word)
    {
        *last = before.trim_end().to_string();
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Options, Parsed, parse, parse_as};

    fn read(text: &str) -> Parsed {
        parse_as(Format::ReutersSgml, text, &Options::default())
    }

    // Written for these tests in the shape of Reuters-21578's files; no corpus text.
    const FILE: &str = "<!DOCTYPE lewis SYSTEM \"lewis.dtd\">
<REUTERS TOPICS=\"YES\" LEWISSPLIT=\"TRAIN\" CGISPLIT=\"TRAINING-SET\" OLDID=\"5544\" NEWID=\"1\">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TOPICS><D>cocoa</D></TOPICS>
<PLACES><D>el-salvador</D><D>usa</D></PLACES>
<PEOPLE></PEOPLE>
<UNKNOWN> 
&#5;&#5;&#5;C T
&#22;&#22;&#1;f0704&#31;reute
u f BC-GULL-HARBOUR   02-26 0105</UNKNOWN>
<TEXT>&#2;
<TITLE>GULL HARBOUR &lt;GHB> REVIEW</TITLE>
<DATELINE>    PORTHAVEN, Feb 26 - </DATELINE><BODY>Showers continued throughout the week in
the harbour zone, wardens said.
    The dry period means the season will be late.
    Arrivals were 1,200 boats, against 1,100 a year ago.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS=\"NO\" NEWID=\"2\">
<DATE> 2-MAR-1987 08:00:00.00</DATE>
<TEXT TYPE=\"BRIEF\">&#2;
******<TITLE>GULL FLEET SAILS
</TITLE>
&#3;
</TEXT>
</REUTERS>
<REUTERS NEWID=\"3\">
<DATE>3-MAR-1987 09:00:00.00</DATE>
<TEXT TYPE=\"UNPROC\">&#2;
Unprocessed wire text
    with an indented second paragraph. REUTER
&#3;</TEXT>
</REUTERS>
";

    #[test]
    fn reuters_records_give_title_dateline_body_and_date() {
        let parsed = read(FILE);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let [first, brief, unprocessed] = &parsed.articles[..] else {
            panic!("{parsed:?}")
        };
        assert_eq!(first.id, "1");
        assert_eq!(first.article.title, "GULL HARBOUR <GHB> REVIEW");
        assert_eq!(first.article.dateline, "PORTHAVEN, Feb 26");
        assert_eq!(
            first.article.paragraphs,
            [
                "Showers continued throughout the week in the harbour zone, wardens said.",
                "The dry period means the season will be late.",
                "Arrivals were 1,200 boats, against 1,100 a year ago."
            ]
        );
        let (day, source) = first.date.unwrap();
        assert_eq!((day.to_string().as_str(), source), ("1987-02-26", "DATE"));
        assert_eq!(brief.article.title, "GULL FLEET SAILS");
        assert_eq!(brief.article.paragraphs, ["GULL FLEET SAILS"]);
        assert_eq!(brief.date.unwrap().0.to_string(), "1987-03-02");
        assert_eq!(
            unprocessed.article.paragraphs,
            [
                "Unprocessed wire text",
                "with an indented second paragraph."
            ]
        );
    }

    #[test]
    fn a_dateline_field_holding_the_first_words_gives_them_back_to_the_body() {
        use super::split_dateline;
        let cases = [
            ("SALVADOR, Feb 26 -", Some("SALVADOR, Feb 26"), None),
            ("****PORTHAVEN, March 4 -", Some("PORTHAVEN, March 4"), None),
            (
                "PORTHAVEN, Feb 26 - Gull \"harbour\" anti-",
                Some("PORTHAVEN, Feb 26"),
                Some("Gull \"harbour\" anti-"),
            ),
            ("not a dateline at all", Some("not a dateline at all"), None),
        ];
        for (field, dateline, spilled) in cases {
            let (found, rest) = split_dateline(field);
            assert_eq!(
                (found.as_deref(), rest.as_deref()),
                (dateline, spilled),
                "{field}"
            );
        }
        let text = "<REUTERS NEWID=\"5\"><TEXT><TITLE>T</TITLE><DATELINE> PORTHAVEN, Feb 26 - Gull anti- \
                    </DATELINE><BODY>harbour plan\nwas read.\n Reuter\n&#3;</BODY></TEXT></REUTERS>";
        let article = &read(text).articles[0].article;
        assert_eq!(article.dateline, "PORTHAVEN, Feb 26");
        assert_eq!(article.paragraphs, ["Gull anti- harbour plan was read."]);
    }

    #[test]
    fn the_sign_off_is_dropped_on_its_own_line_or_at_the_end() {
        use super::without_sign_off;
        let paragraphs = |list: &[&str]| list.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        assert_eq!(
            without_sign_off(paragraphs(&["Text.", "Reuter"])),
            ["Text."]
        );
        assert_eq!(without_sign_off(paragraphs(&["Text. REUTER"])), ["Text."]);
        assert_eq!(
            without_sign_off(paragraphs(&["Talks with Reuters"])),
            ["Talks with Reuters"]
        );
        assert!(without_sign_off(Vec::new()).is_empty());
    }

    #[test]
    fn detected_by_content_and_read_past_a_broken_record() {
        let text = "<REUTERS NEWID=\"10\">\n<TEXT><TITLE>Unclosed title\n<BODY>Body.</BODY></TEXT>\n</REUTERS>\n\
                    <REUTERS NEWID=\"11\"><TEXT><TITLE>Fine</TITLE><BODY>Text.</BODY></TEXT></REUTERS>\n";
        let parsed = parse(text, "reut2-000.sgm", &Options::default());
        assert_eq!(parsed.format, Format::ReutersSgml);
        let ids: Vec<&str> = parsed.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["10", "11"]);
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].line, Some(2));
        assert!(parsed.errors[0].message.contains("<TITLE> is not closed"));
    }
}
