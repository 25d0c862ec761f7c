//! TREC SGML records (`<DOC>…</DOC>`, many a file: AP, WSJ, FT, LA Times, FBIS) → articles.
//!
//! Id `DOCNO`; title the first of `HEAD`, `HL`, `HEADLINE`, `TITLE`, `TI`, `H3` with text;
//! `DATELINE`; body the lead paragraph (`LP`) and every `TEXT`, each paragraph a `<P>` or
//! else a blank-line or indented-line run of hard-wrapped lines joined with a space. Date
//! from `DATE` (`880212`, `January 1, 1989`), `DATE1`, `FILEID` (`AP-NR-02-12-88 2344EST`) or
//! `DD` (`11/02/87`), the first that reads as one.

use super::dates;
use super::sgml::{self, Field, RawRecord, field_paragraphs, field_text};
use super::text::{Dateline, assemble};
use super::{FormatError, Items};

const TITLE_FIELDS: [&str; 6] = ["HEAD", "HL", "HEADLINE", "TITLE", "TI", "H3"];
const DATE_FIELDS: [(&str, &str); 4] = [
    ("DATE", "DATE"),
    ("DATE1", "DATE1"),
    ("FILEID", "FILEID"),
    ("DD", "DD"),
];

pub fn record(raw: &RawRecord, number: u64, items: &mut Items) {
    let (_, content) = sgml::split_root(&raw.text);
    let (fields, errors) = sgml::fields(content);
    for (offset, message) in errors {
        let line = sgml::line_of(raw, content.get(offset..).unwrap_or(""));
        items.error(FormatError::at(line, message));
    }
    let text_of = |name: &str| {
        fields
            .iter()
            .filter(|field| field.name == name)
            .map(|field| field_text(field.body))
            .find(|text| !text.is_empty())
    };
    let id = text_of("DOCNO");
    let title = TITLE_FIELDS
        .iter()
        .find_map(|name| text_of(name))
        .unwrap_or_default();
    let paragraphs: Vec<String> = fields
        .iter()
        .filter(|field| field.name == "LP" || field.name == "TEXT")
        .flat_map(|field: &Field<'_>| field_paragraphs(field.body))
        .collect();
    let date = DATE_FIELDS.iter().find_map(|(name, source)| {
        let day = dates::trec(&text_of(name)?)?;
        Some((day, *source))
    });
    let article = assemble(&title, Dateline::given(text_of("DATELINE")), paragraphs);
    items.record("DOC", id, number, Some(raw.line), article, date);
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Options, Parsed, parse, parse_as};

    fn read(text: &str) -> Parsed {
        parse_as(Format::TrecSgml, text, &Options::default())
    }

    // Written for these tests in the shape of TREC's AP files; no corpus text.
    const AP_STYLE: &str = "<DOC>
<DOCNO> AP880212-0001 </DOCNO>
<FILEID>AP-NR-02-12-88 2344EST</FILEID>
<FIRST>r a PM-Gulls 02-12 0321</FIRST>
<HEAD>Gulls Return to Harbour</HEAD>
<HEAD>Eds: Updates with quote</HEAD>
<BYLINE>By A. WRITER</BYLINE>
<DATELINE>PORTHAVEN (AP) </DATELINE>
<TEXT>
   Thousands of gulls came back to the harbour on Friday, a week
after the storm drove them inland, wardens said.
   ``They know when it is safe,'' one warden said &amp; smiled.
</TEXT>
</DOC>
<DOC>
<DOCNO> AP880212-0002 </DOCNO>
<HEAD>Second Story</HEAD>
<TEXT>
One paragraph
hard wrapped.

Another after a blank line.
</TEXT>
</DOC>
";

    #[test]
    fn ap_style_records() {
        let parsed = read(AP_STYLE);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let [first, second] = &parsed.articles[..] else {
            panic!("{parsed:?}")
        };
        assert_eq!(first.id, "AP880212-0001");
        assert_eq!(first.article.title, "Gulls Return to Harbour");
        assert_eq!(first.article.dateline, "PORTHAVEN (AP)");
        assert_eq!(
            first.article.paragraphs,
            [
                "Thousands of gulls came back to the harbour on Friday, a week after the storm drove them inland, wardens said.",
                "``They know when it is safe,'' one warden said & smiled."
            ]
        );
        let (day, source) = first.date.unwrap();
        assert_eq!((day.to_string().as_str(), source), ("1988-02-12", "FILEID"));
        assert_eq!(
            second.article.paragraphs,
            ["One paragraph hard wrapped.", "Another after a blank line."]
        );
        assert_eq!(second.date, None);
    }

    #[test]
    fn a_file_named_like_ap_files_is_detected_by_content() {
        let parsed = parse(AP_STYLE, "AP880212", &Options::default());
        assert_eq!(parsed.format, Format::TrecSgml);
        assert_eq!(parsed.articles.len(), 2);
    }

    #[test]
    fn la_times_style_p_tags_and_spelled_dates() {
        let text = "<DOC>\n<DOCNO> LA010189-0001 </DOCNO>\n<DATE><P>January 1, 1989, Sunday, Home Edition</P></DATE>\n\
                    <HEADLINE><P>HARBOUR REOPENS</P><P>Second deck</P></HEADLINE>\n\
                    <TEXT><P>First\nparagraph.</P><P>Second.</P><!-- note --></TEXT>\n</DOC>\n";
        let article = &read(text).articles[0];
        assert_eq!(article.article.title, "HARBOUR REOPENS Second deck");
        assert_eq!(article.article.paragraphs, ["First paragraph.", "Second."]);
        assert_eq!(article.date.unwrap().1, "DATE");
    }

    #[test]
    fn records_without_docno_or_text() {
        let text = "<DOC><TEXT>Body only.</TEXT></DOC>\n<DOC><DOCNO>X-2</DOCNO></DOC>\n<DOC><DOCNO>X-2</DOCNO><HL>Same id</HL></DOC>\n<DOC><DOCNO>X-2</DOCNO><HL>Again</HL></DOC>\n";
        let parsed = read(text);
        let ids: Vec<&str> = parsed.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["1", "X-2", "X-2#2"]);
        assert_eq!(parsed.articles[0].article.title, "");
        assert_eq!(parsed.passed_over[0].what, "DOC X-2 with no text");
        assert_eq!(parsed.passed_over[0].line, Some(2));
        assert_eq!(parsed.errors[0].line, Some(4));
    }

    #[test]
    fn a_broken_record_does_not_take_the_rest_with_it() {
        let text = "<DOC>\n<DOCNO>A</DOCNO>\n<TEXT>Cut short\n<DOC>\n<DOCNO>B</DOCNO>\n<TEXT>Whole.</TEXT>\n</DOC>\n";
        let parsed = read(text);
        let ids: Vec<&str> = parsed.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["A", "B"]);
        assert_eq!(parsed.articles[0].article.paragraphs, ["Cut short"]);
        let lines: Vec<Option<u64>> = parsed.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [Some(1), Some(3)]);
    }
}
