//! XML → a small element tree the XML readers (NITF, NewsML-G2, RSS, Atom) walk, read safely.
//!
//! Safe means: a document that declares entities (`<!DOCTYPE … [<!ENTITY …>]>`, the billion
//! laughs and external-entity attacks) is refused whole, with an error; a DTD the document
//! names (`<!DOCTYPE nitf SYSTEM "nitf.dtd">`, common in NITF) is never fetched; only XML's
//! five entities, character references and HTML's named entities (a fixed table) are
//! resolved, and anything else stays as written. Nesting deeper than [`MAX_DEPTH`] is
//! flattened, so walking a tree never recurses without bound.
//!
//! Broken XML is read as far as it goes: a mismatched end tag closes what it can, an error
//! names the line, and the elements read before a fatal error are kept, so the articles
//! before it still come out.

use std::borrow::Cow;

use quick_xml::escape::{resolve_html5_entity, resolve_predefined_entity};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::FormatError;
use super::text::tidy;

/// Elements nested deeper than this are read as part of their ancestor at this depth.
pub const MAX_DEPTH: usize = 200;

/// After this many errors a document is given up: it is not XML worth reading on.
const MAX_ERRORS: usize = 50;

/// An XML element, with its children and the line it starts on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// The name as written, prefix and all (`content:encoded`).
    pub name: String,
    attributes: Vec<(String, String)>,
    pub children: Vec<Node>,
    pub line: u64,
}

/// What an element holds: elements and text, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// A parsed document: its root element (if one was read) and what went wrong.
#[derive(Debug, Default)]
pub struct Document {
    pub root: Option<Element>,
    pub errors: Vec<FormatError>,
}

impl Element {
    /// The name without its prefix (`encoded` for `content:encoded`).
    pub fn local(&self) -> &str {
        local_name(&self.name)
    }

    /// An attribute's value by its local name.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(name, _)| local_name(name) == local)
            .map(|(_, value)| value.as_str())
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// The child elements with a local name.
    pub fn children_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a Element> {
        self.elements().filter(move |child| child.local() == local)
    }

    /// The first child element with a local name.
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.elements().find(|child| child.local() == local)
    }

    /// The element reached by a path of child names (`["head", "docdata", "doc-id"]`).
    pub fn path(&self, path: &[&str]) -> Option<&Element> {
        path.iter()
            .try_fold(self, |element, local| element.child(local))
    }

    /// The first descendant (in document order) with a local name.
    pub fn descendant(&self, local: &str) -> Option<&Element> {
        self.elements().find_map(|child| {
            if child.local() == local {
                Some(child)
            } else {
                child.descendant(local)
            }
        })
    }

    /// All the text inside, as written (line breaks kept).
    pub fn raw_text(&self) -> String {
        let mut text = String::new();
        self.collect_text(&mut text);
        text
    }

    /// All the text inside on one line, whitespace collapsed.
    pub fn text(&self) -> String {
        tidy(&self.raw_text())
    }

    fn collect_text(&self, text: &mut String) {
        for node in &self.children {
            match node {
                Node::Text(piece) => text.push_str(piece),
                Node::Element(element) => element.collect_text(text),
            }
        }
    }
}

fn local_name(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, local)| local)
}

/// Parses a document; never panics, never expands a declared entity, never fetches.
pub fn read(text: &str) -> Document {
    let mut builder = Builder::new(text);
    builder.run();
    builder.finish()
}

struct Builder<'a> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    lines: LineCounter<'a>,
    open: Vec<Element>,
    /// Start tags read below [`MAX_DEPTH`] whose elements were flattened into their ancestor.
    flattened: usize,
    root: Option<Element>,
    errors: Vec<FormatError>,
    reported_unknown_entity: bool,
    reported_trailing_text: bool,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str) -> Builder<'a> {
        let mut reader = Reader::from_reader(text.as_bytes());
        let config = reader.config_mut();
        // Lenient where leniency keeps articles: mismatched or stray end tags are mended
        // here (see `end`) instead of stopping the reader.
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        config.allow_dangling_amp = true;
        Builder {
            text,
            reader,
            lines: LineCounter::new(text),
            open: Vec::new(),
            flattened: 0,
            root: None,
            errors: Vec::new(),
            reported_unknown_entity: false,
            reported_trailing_text: false,
        }
    }

    fn run(&mut self) {
        loop {
            let before = self.reader.buffer_position();
            let line = self.lines.line_at(before);
            match self.reader.read_event() {
                Ok(Event::Eof) => return,
                Ok(Event::Start(start)) => self.start(&start, line, false),
                Ok(Event::Empty(start)) => self.start(&start, line, true),
                Ok(Event::End(end)) => {
                    let name = end.name().as_ref().to_string();
                    self.end(&name, line);
                }
                Ok(Event::Text(text)) => self.text(&text.xml10_content()),
                Ok(Event::CData(data)) => self.text(&data.xml10_content()),
                Ok(Event::GeneralRef(reference)) => {
                    let resolved = if reference.is_char_ref() {
                        match reference.resolve_char_ref() {
                            Ok(Some(c)) => Cow::Owned(c.to_string()),
                            _ => Cow::Borrowed(""),
                        }
                    } else {
                        let name = reference.xml10_content();
                        self.entity(&name, line)
                    };
                    self.text(&resolved);
                }
                Ok(Event::DocType(doctype)) => {
                    let declaration = doctype.xml10_content();
                    if declares_entities(&declaration) {
                        self.errors.push(FormatError::at(
                            line,
                            "the document declares entities (<!ENTITY …>), which newsdex \
                             never expands or fetches (they are how billion-laughs and \
                             external-entity attacks work); the document is not read",
                        ));
                        self.open.clear();
                        self.root = None;
                        self.reader = Reader::from_reader(&[]);
                        return;
                    }
                }
                Ok(Event::Decl(_) | Event::PI(_) | Event::Comment(_)) => {}
                Err(error) => {
                    let at = self.reader.error_position();
                    let line = self.lines.line_of_any(at);
                    self.errors
                        .push(FormatError::at(line, format!("malformed XML: {error}")));
                    let stuck = self.reader.buffer_position() <= before;
                    if stuck || self.errors.len() >= MAX_ERRORS {
                        return;
                    }
                }
            }
        }
    }

    fn start(&mut self, start: &BytesStart<'_>, line: u64, empty: bool) {
        if self.open.is_empty() && self.root.is_some() {
            self.errors.push(FormatError::at(
                line,
                "an element after the root element is not read",
            ));
            self.reader = Reader::from_reader(&[]);
            return;
        }
        if self.open.len() >= MAX_DEPTH {
            if !empty {
                if self.flattened == 0 {
                    self.errors.push(FormatError::at(
                        line,
                        format!("elements nested over {MAX_DEPTH} deep are read as text"),
                    ));
                }
                self.flattened += 1;
            }
            return;
        }
        let element = Element {
            name: start.name().as_ref().to_string(),
            attributes: attributes(start),
            children: Vec::new(),
            line,
        };
        if empty {
            self.attach(element);
        } else {
            self.open.push(element);
        }
    }

    fn end(&mut self, name: &str, line: u64) {
        if self.flattened > 0 {
            self.flattened -= 1;
            return;
        }
        let Some(at) = self.open.iter().rposition(|open| open.name == name) else {
            self.errors.push(FormatError::at(
                line,
                format!("end tag </{name}> closes no open element"),
            ));
            return;
        };
        if at + 1 < self.open.len() {
            let unclosed = &self.open[at + 1];
            self.errors.push(FormatError::at(
                unclosed.line,
                format!("<{}> is not closed before </{name}>", unclosed.name),
            ));
        }
        while self.open.len() > at {
            if let Some(element) = self.open.pop() {
                self.attach(element);
            }
        }
    }

    fn text(&mut self, text: &str) {
        let Some(parent) = self.open.last_mut() else {
            if self.root.is_some() && !text.trim().is_empty() && !self.reported_trailing_text {
                self.reported_trailing_text = true;
                let line = self.lines.line_at(self.reader.buffer_position());
                self.errors.push(FormatError::at(
                    line,
                    "text after the root element is not read",
                ));
            }
            return;
        };
        if let Some(Node::Text(last)) = parent.children.last_mut() {
            last.push_str(text);
        } else if !text.is_empty() {
            parent.children.push(Node::Text(text.to_string()));
        }
    }

    /// A named entity: XML's five, HTML's table, else kept as written (never expanded).
    fn entity(&mut self, name: &str, line: u64) -> Cow<'static, str> {
        if let Some(value) = resolve_predefined_entity(name).or_else(|| resolve_html5_entity(name))
        {
            return Cow::Borrowed(value);
        }
        if !self.reported_unknown_entity {
            self.reported_unknown_entity = true;
            self.errors.push(FormatError::at(
                line,
                format!("unknown entity &{name}; is kept as written"),
            ));
        }
        Cow::Owned(format!("&{name};"))
    }

    fn attach(&mut self, element: Element) {
        match self.open.last_mut() {
            Some(parent) => parent.children.push(Node::Element(element)),
            None => {
                if self.root.is_none() {
                    self.root = Some(element);
                }
            }
        }
    }

    fn finish(mut self) -> Document {
        if let Some(unclosed) = self.open.first() {
            self.errors.push(FormatError::at(
                unclosed.line,
                format!("<{}> is never closed (the file ends first)", unclosed.name),
            ));
        }
        while let Some(element) = self.open.pop() {
            self.attach(element);
        }
        if self.root.is_none() && self.errors.is_empty() && !self.text.trim().is_empty() {
            self.errors
                .push(FormatError::at(None, "no XML element found"));
        }
        Document {
            root: self.root,
            errors: self.errors,
        }
    }
}

/// Whether a DOCTYPE's internal subset declares an entity (`<!ENTITY`), in any case.
fn declares_entities(doctype: &str) -> bool {
    doctype
        .as_bytes()
        .windows(8)
        .any(|window| window.eq_ignore_ascii_case(b"<!ENTITY"))
}

fn attributes(start: &BytesStart<'_>) -> Vec<(String, String)> {
    let mut attributes = Vec::new();
    for attribute in start.html_attributes().with_checks(false).flatten() {
        let key = attribute.key.as_ref().to_string();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let value = attribute
            .normalized_value_with(XmlVersion::Implicit1_0, 1, |name| {
                resolve_predefined_entity(name).or_else(|| resolve_html5_entity(name))
            })
            .map(Cow::into_owned)
            .unwrap_or_else(|_| attribute.value.to_string());
        attributes.push((key, value));
    }
    attributes
}

/// Line numbers of byte offsets, counted as the reader moves forward (no index kept).
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter {
            bytes: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The line of an offset at or after the last one asked about.
    fn line_at(&mut self, offset: u64) -> u64 {
        let offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        if offset >= self.offset {
            self.line += count_newlines(&self.bytes[self.offset..offset]);
            self.offset = offset;
            self.line
        } else {
            self.line_of_any(offset as u64)
        }
    }

    /// The line of any offset, counted from the start.
    fn line_of_any(&self, offset: u64) -> u64 {
        let offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        1 + count_newlines(&self.bytes[..offset])
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Element {
        read(text).root.unwrap()
    }

    #[test]
    fn reads_elements_attributes_text_and_lines() {
        let doc = read(
            "<?xml version=\"1.0\"?>\n<a x=\"1 &amp; 2\">\n <b:c>one &lt;two&gt; &eacute;&#233;<![CDATA[<p>]]></b:c>\n</a>\n",
        );
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let a = doc.root.unwrap();
        assert_eq!((a.local(), a.attr("x"), a.line), ("a", Some("1 & 2"), 2));
        let c = a.child("c").unwrap();
        assert_eq!((c.name.as_str(), c.line), ("b:c", 3));
        assert_eq!(c.text(), "one <two> éé<p>");
    }

    #[test]
    fn paths_and_descendants() {
        let a = root("<a><b><c>x</c></b><c>y</c></a>");
        assert_eq!(a.path(&["b", "c"]).unwrap().text(), "x");
        assert_eq!(a.descendant("c").unwrap().text(), "x");
        assert_eq!(a.children_named("c").count(), 1);
        assert!(a.path(&["b", "d"]).is_none());
    }

    #[test]
    fn billion_laughs_is_refused_not_expanded() {
        let mut doc =
            String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        for level in 1..10 {
            let previous = if level == 1 {
                "lol".to_string()
            } else {
                format!("lol{}", level - 1)
            };
            doc.push_str(&format!(
                " <!ENTITY lol{level} \"{}\">\n",
                format!("&{previous};").repeat(10)
            ));
        }
        doc.push_str("]>\n<lolz>&lol9;</lolz>\n");
        let started = std::time::Instant::now();
        let parsed = read(&doc);
        assert!(started.elapsed().as_secs() < 5);
        assert!(parsed.root.is_none());
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].line, Some(2));
        assert!(parsed.errors[0].message.contains("declares entities"));
    }

    #[test]
    fn external_entities_are_refused_and_a_named_dtd_is_not_fetched() {
        let doc = read("<!DOCTYPE a [<!entity xxe SYSTEM \"file:///etc/passwd\">]><a>&xxe;</a>");
        assert!(doc.root.is_none());
        assert!(doc.errors[0].message.contains("declares entities"));
        let doc =
            read("<!DOCTYPE nitf SYSTEM \"http://example.com/nitf.dtd\"><nitf>x &xxe;</nitf>");
        assert_eq!(doc.root.unwrap().text(), "x &xxe;");
        assert!(doc.errors[0].message.contains("unknown entity &xxe;"));
    }

    #[test]
    fn broken_xml_keeps_what_was_read_and_names_the_line() {
        let doc = read("<a>\n<b>one</b>\n<c>two</d>\n<b>three</b>\n</a>");
        let a = doc.root.unwrap();
        assert_eq!(a.children_named("b").count(), 1);
        assert_eq!(doc.errors[0].line, Some(3));
        let doc = read("<a>\n<b>one</b>\n<b>two");
        assert_eq!(doc.root.unwrap().children_named("b").count(), 2);
        assert!(doc.errors.iter().any(|e| e.line == Some(1)));
        let doc = read("<a>\n<b x=\"1></b></a>");
        assert!(!doc.errors.is_empty());
    }

    #[test]
    fn deep_nesting_is_flattened() {
        let depth = 100_000;
        let doc = format!("{}x{}", "<d>".repeat(depth), "</d>".repeat(depth));
        let parsed = read(&doc);
        assert_eq!(parsed.root.unwrap().text(), "x");
        assert_eq!(parsed.errors.len(), 1);
    }
}
