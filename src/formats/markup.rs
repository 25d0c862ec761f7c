//! Markup → paragraphs: HTML (parsed by html5ever through `scraper`, never by patterns) and
//! the XHTML or NITF inside XML documents, read by one rule.
//!
//! The rule: block elements (`p`, `li`, `h2`, NITF's `hl2`…) end a paragraph; two `<br>`s in
//! a row end one too (feeds separate paragraphs that way); navigation, scripts, styles,
//! forms, menus, headers, footers, asides and hidden elements are left out whole; comments are
//! never text. Owns which element plays which part; which element holds the article is each
//! reader's business.

use scraper::{ElementRef, Html, Node};

use super::FormatError;
use super::text::{indented_paragraphs, tidy};
use super::xml;

/// The part an element plays in the text around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Left out with everything inside: not the article's text.
    Skip,
    /// Starts and ends a paragraph.
    Block,
    /// A line break: one is a space, two in a row end a paragraph.
    Break,
    /// A table cell: a space between its text and the next cell's.
    Cell,
    /// Text flows through it (`b`, `a`, `span`).
    Inline,
}

/// The role of an element by its local name (lower case for HTML) and attributes.
pub fn role<'a>(name: &str, attr: impl Fn(&str) -> Option<&'a str>) -> Role {
    // `header` holds what is not the story: a site's banner, or an article's kicker, headline
    // and byline (dpa's XHTML bodies carry their slugline there); `title` is a page's name.
    const SKIPPED: [&str; 29] = [
        "script", "style", "noscript", "template", "nav", "footer", "aside", "form", "menu",
        "menuitem", "button", "select", "option", "textarea", "input", "iframe", "object", "embed",
        "svg", "canvas", "video", "audio", "map", "dialog", "head", "media", "math", "header",
        "title",
    ];
    const BLOCKS: [&str; 36] = [
        "p",
        "div",
        "section",
        "article",
        "main",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "caption",
        "figure",
        "figcaption",
        "address",
        "hr",
        "details",
        "summary",
        "center",
        "body",
        "hl1",
        "hl2",
        "block",
    ];
    const SKIPPED_ROLES: [&str; 8] = [
        "navigation",
        "menu",
        "menubar",
        "complementary",
        "contentinfo",
        "banner",
        "search",
        "dialog",
    ];
    let hidden = attr("hidden").is_some()
        || attr("aria-hidden") == Some("true")
        || attr("role").is_some_and(|role| SKIPPED_ROLES.contains(&role));
    if hidden || SKIPPED.contains(&name) {
        Role::Skip
    } else if BLOCKS.contains(&name) {
        Role::Block
    } else if name == "br" {
        Role::Break
    } else if matches!(name, "td" | "th") {
        Role::Cell
    } else {
        Role::Inline
    }
}

/// Text gathered into paragraphs as a walk meets text and element boundaries.
#[derive(Debug, Default)]
pub struct Blocks {
    paragraphs: Vec<String>,
    current: String,
    /// `<br>`s since the last text that was not whitespace.
    breaks: u32,
    /// Wire text wrapped in markup: keep its lines, and split it by the wire rule at the end.
    keep_lines: bool,
}

impl Blocks {
    /// Text as it appears; a blank line inside it (plain text in a feed) ends a paragraph.
    pub fn text(&mut self, text: &str) {
        if self.keep_lines {
            self.current.push_str(text);
            return;
        }
        let mut pieces = text.split("\n\n").peekable();
        while let Some(piece) = pieces.next() {
            if !piece.trim().is_empty() {
                self.breaks = 0;
            }
            self.current.push_str(piece);
            if pieces.peek().is_some() {
                self.end_paragraph();
            }
        }
    }

    /// An element boundary of the given role.
    pub fn boundary(&mut self, role: Role) {
        if self.keep_lines {
            match role {
                Role::Block => self.current.push_str("\n\n"),
                Role::Break => self.current.push('\n'),
                Role::Cell => self.current.push(' '),
                Role::Skip | Role::Inline => {}
            }
            return;
        }
        match role {
            Role::Block => self.end_paragraph(),
            Role::Cell => self.current.push(' '),
            Role::Break => {
                self.breaks += 1;
                if self.breaks >= 2 {
                    self.end_paragraph();
                } else {
                    self.current.push(' ');
                }
            }
            Role::Skip | Role::Inline => {}
        }
    }

    fn end_paragraph(&mut self) {
        let paragraph = tidy(&self.current);
        self.current.clear();
        if !paragraph.is_empty() {
            self.paragraphs.push(paragraph);
        }
    }

    pub fn finish(mut self) -> Vec<String> {
        if self.keep_lines {
            return indented_paragraphs(&self.current);
        }
        self.end_paragraph();
        self.paragraphs
    }
}

/// The paragraphs of an XML element holding XHTML or NITF body markup.
pub fn xml_paragraphs(element: &xml::Element) -> Vec<String> {
    let mut blocks = Blocks::default();
    walk_xml(element, &mut blocks);
    blocks.finish()
}

fn walk_xml(element: &xml::Element, blocks: &mut Blocks) {
    for node in &element.children {
        match node {
            xml::Node::Text(text) => blocks.text(text),
            xml::Node::Element(child) => {
                let role = role(&child.local().to_ascii_lowercase(), |name| child.attr(name));
                if role == Role::Skip {
                    continue;
                }
                blocks.boundary(role);
                // The tree is at most `xml::MAX_DEPTH` deep, so this recursion is bounded.
                walk_xml(child, blocks);
                if role != Role::Break {
                    blocks.boundary(role);
                }
            }
        }
    }
}

/// HTML nested deeper than this is not parsed: html5ever's tree building costs time in
/// proportion to the depth for each tag, so a few hundred kilobytes of nested `<div>`s would
/// take minutes. No real page comes near it.
pub const MAX_HTML_DEPTH: usize = 4096;

/// Parses a page or a fragment with html5ever, unless it nests past [`MAX_HTML_DEPTH`].
pub fn parse_html(text: &str, fragment: bool) -> Result<Html, FormatError> {
    let depth = nesting_estimate(text);
    if depth > MAX_HTML_DEPTH {
        return Err(FormatError::at(
            None,
            format!(
                "the HTML nests elements about {depth} deep (over {MAX_HTML_DEPTH}); it is not read"
            ),
        ));
    }
    Ok(if fragment {
        Html::parse_fragment(text)
    } else {
        Html::parse_document(text)
    })
}

/// How deep the start tags nest, counted as if every element were closed explicitly except
/// those HTML closes itself (`p`, `li`, void elements). An upper bound in practice.
fn nesting_estimate(html: &str) -> usize {
    const SELF_CLOSING: [&str; 22] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "td", "th", "tr", "option", "dt", "dd",
    ];
    let (mut depth, mut deepest) = (0usize, 0usize);
    let bytes = html.as_bytes();
    let mut at = 0;
    while let Some(offset) = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        at += offset + 1;
        let closing = bytes.get(at) == Some(&b'/');
        let name_start = at + usize::from(closing);
        let name_len = bytes.get(name_start..).map_or(0, |rest| {
            rest.iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count()
        });
        if name_len == 0 {
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        if SELF_CLOSING.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// The paragraphs of an HTML fragment (an RSS description, a ninjs `body_html`).
pub fn html_fragment_paragraphs(fragment: &str) -> Result<Vec<String>, FormatError> {
    let html = parse_html(fragment, true)?;
    Ok(html_paragraphs(html.root_element(), |_| false))
}

/// The paragraphs of wire text wrapped in markup (ANSA's `<p>` around a whole story of
/// hard-wrapped, indented lines): tags are dropped, lines kept, and the wire rule of
/// [`indented_paragraphs`] splits it.
pub fn html_fragment_wire_paragraphs(fragment: &str) -> Result<Vec<String>, FormatError> {
    let html = parse_html(fragment, true)?;
    let mut blocks = Blocks {
        keep_lines: true,
        ..Blocks::default()
    };
    walk_html(html.root_element(), |_| false, &mut blocks);
    Ok(blocks.finish())
}

/// The text of an HTML fragment on one line (a feed title that holds markup).
pub fn html_fragment_text(fragment: &str) -> Result<String, FormatError> {
    if !fragment.contains(['<', '&']) {
        return Ok(tidy(fragment));
    }
    Ok(html_fragment_paragraphs(fragment)?.join(" "))
}

/// The paragraphs under an HTML element, leaving out what [`role`] skips and what `leave_out`
/// names (the page reader's title heading). Walks without recursion: html5ever builds trees
/// as deep as the input nests.
pub fn html_paragraphs(
    root: ElementRef<'_>,
    leave_out: impl Fn(ElementRef<'_>) -> bool,
) -> Vec<String> {
    let mut blocks = Blocks::default();
    walk_html(root, leave_out, &mut blocks);
    blocks.finish()
}

fn walk_html(
    root: ElementRef<'_>,
    leave_out: impl Fn(ElementRef<'_>) -> bool,
    blocks: &mut Blocks,
) {
    let mut skipping_depth = 0usize;
    for edge in root.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => {
                if let Some(element) = ElementRef::wrap(node) {
                    if skipping_depth > 0 {
                        skipping_depth += 1;
                        continue;
                    }
                    let value = element.value();
                    let role = role(value.name(), |name| value.attr(name));
                    if role == Role::Skip || leave_out(element) {
                        skipping_depth = 1;
                        continue;
                    }
                    blocks.boundary(role);
                } else if skipping_depth == 0
                    && let Node::Text(text) = node.value()
                {
                    blocks.text(text);
                }
            }
            ego_tree::iter::Edge::Close(node) => {
                if let Some(element) = ElementRef::wrap(node) {
                    if skipping_depth > 0 {
                        skipping_depth -= 1;
                        continue;
                    }
                    let value = element.value();
                    let role = role(value.name(), |name| value.attr(name));
                    if role != Role::Break {
                        blocks.boundary(role);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_blocks_become_paragraphs_and_chrome_is_left_out() {
        let html = "<p>One <b>bold</b>\n word.</p><script>var x;</script><nav>Home</nav>\
                    <!-- a comment --><ul><li>Item</li></ul><div hidden>gone</div>\
                    <div role=\"navigation\">gone</div><p>Two</p>";
        assert_eq!(
            html_fragment_paragraphs(html).unwrap(),
            ["One bold word.", "Item", "Two"]
        );
    }

    #[test]
    fn two_breaks_end_a_paragraph_and_one_is_a_space() {
        assert_eq!(
            html_fragment_paragraphs("a<br>b<br/>\n<br>c").unwrap(),
            ["a b", "c"]
        );
        assert_eq!(
            html_fragment_paragraphs("one\n\ntwo").unwrap(),
            ["one", "two"]
        );
    }

    #[test]
    fn wire_text_wrapped_in_markup_keeps_its_indented_paragraphs() {
        let fragment =
            "<p>\n   (Gull) - First para\nwraps here.\n   Second para.\n</p><p>Third.</p>";
        assert_eq!(
            html_fragment_wire_paragraphs(fragment).unwrap(),
            ["(Gull) - First para wraps here.", "Second para.", "Third."]
        );
    }

    #[test]
    fn table_cells_are_spaced_and_rows_are_paragraphs() {
        let html = "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>";
        assert_eq!(html_fragment_paragraphs(html).unwrap(), ["a b", "c"]);
    }

    #[test]
    fn entities_and_fragment_text() {
        assert_eq!(
            html_fragment_text("Caf&eacute; &amp; <i>bar</i>").unwrap(),
            "Café & bar"
        );
        assert_eq!(
            html_fragment_text("  plain  title ").unwrap(),
            "plain title"
        );
    }

    #[test]
    fn xml_markup_uses_the_same_rule() {
        let doc = xml::read(
            "<body.content><p>First\n  line.</p><media><media-caption>no</media-caption></media>\
             <hl2>Sub</hl2><p>Second <em>one</em>.</p></body.content>",
        );
        assert_eq!(
            xml_paragraphs(&doc.root.unwrap()),
            ["First line.", "Sub", "Second one."]
        );
    }

    #[test]
    fn deep_html_is_walked_without_recursion_and_deeper_is_refused() {
        let nested =
            |depth: usize| format!("{}deep{}", "<div>".repeat(depth), "</div>".repeat(depth));
        // Deeper than a recursive walk could go on a test thread's stack.
        assert_eq!(
            html_fragment_paragraphs(&nested(MAX_HTML_DEPTH)).unwrap(),
            ["deep"]
        );
        let error = html_fragment_paragraphs(&nested(100_000)).unwrap_err();
        assert!(error.message.contains("about 100000 deep"), "{error}");
        // Elements HTML closes itself do not count.
        assert_eq!(nesting_estimate(&"<p>a<li>b<br>".repeat(10_000)), 0);
        assert_eq!(nesting_estimate("<div><span></span><div></div></div>"), 2);
    }
}
