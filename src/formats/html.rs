//! HTML pages → one article: the article's heading (else the page title) and the article's
//! paragraphs, without the page around it.
//!
//! The article is the page's first `<article>`, else its `<main>` (or `role="main"`), else
//! the element whose paragraphs hold the most text (pages that mark nothing open with cookie
//! notices and menus) when that is most of the page's text, else its `<body>`; inside it [`markup`](super::markup) leaves out
//! navigation, scripts, styles, forms, menus, headers, footers, asides and comments. Parsing
//! is html5ever's, through `scraper`: it reads any byte soup the way browsers do.

use std::collections::BTreeMap;

use ego_tree::NodeId;
use scraper::ElementRef;

use super::dates;
use super::markup::{html_paragraphs, parse_html};
use super::text::{Dateline, assemble, tidy};
use super::{Draft, Items};

pub fn read(text: &str, items: &mut Items) {
    let page = match parse_html(text, false) {
        Ok(page) => page,
        Err(error) => return items.error(error),
    };
    let page_root = page.root_element();
    let marked = first_named(page_root, "article")
        .or_else(|| first_named(page_root, "main"))
        .or_else(|| {
            page_root
                .descendent_elements()
                .find(|element| element.value().attr("role") == Some("main"))
        });
    let body = first_named(page_root, "body").unwrap_or(page_root);
    let content = marked
        .or_else(|| densest_block(page_root).filter(|block| holds_most_text(*block, body)))
        .unwrap_or(body);
    // The marked article's own heading, else the page's Open Graph title (a headline without
    // the site's name that `<title>` adds), its `<title>`, its first `<h1>`.
    let heading = marked
        .and_then(|article| first_named(article, "h1"))
        .filter(|h1| !element_text(*h1).is_empty());
    let title = heading
        .map(element_text)
        .or_else(|| meta_content(page_root, "og:title").map(tidy))
        .or_else(|| first_named(page_root, "title").map(element_text))
        .filter(|title| !title.is_empty())
        .or_else(|| first_named(content, "h1").map(element_text))
        .unwrap_or_default();
    let paragraphs = html_paragraphs(content, |element| Some(element) == heading);
    let date = meta_content(page_root, "article:published_time")
        .and_then(dates::iso8601)
        .map(|day| (day, "article:published_time"))
        .or_else(|| time_element_date(content));
    match assemble(&title, Dateline::default(), paragraphs) {
        Some(article) => items.article(Draft {
            id: None,
            number: 1,
            line: None,
            article,
            date,
        }),
        None => items.pass_over("a page with no text", None),
    }
}

/// A page that marks no article: the element whose paragraphs hold the most text (half of a
/// paragraph's text also counts for its grandparent, so a story split over sibling `<div>`s
/// wins over each one), if it holds a story's worth.
fn densest_block(page_root: ElementRef<'_>) -> Option<ElementRef<'_>> {
    const STORY_BYTES: usize = 200;
    let mut scores: BTreeMap<NodeId, usize> = BTreeMap::new();
    for paragraph in page_root
        .descendent_elements()
        .filter(|element| element.value().name() == "p")
    {
        let length = element_text(paragraph).len();
        let parent = paragraph.parent();
        if let Some(parent) = parent {
            *scores.entry(parent.id()).or_default() += length;
        }
        if let Some(grandparent) = parent.and_then(|parent| parent.parent()) {
            *scores.entry(grandparent.id()).or_default() += length / 2;
        }
    }
    // On a tie the element met first wins: the ancestor, holding both halves of the story.
    let (best, score) = scores
        .into_iter()
        .max_by_key(|(id, score)| (*score, std::cmp::Reverse(*id)))?;
    if score < STORY_BYTES {
        return None;
    }
    page_root.tree().get(best).and_then(ElementRef::wrap)
}

fn first_named<'a>(root: ElementRef<'a>, name: &str) -> Option<ElementRef<'a>> {
    root.descendent_elements()
        .find(|element| element.value().name() == name)
}

fn element_text(element: ElementRef<'_>) -> String {
    tidy(&element.text().collect::<String>())
}

/// Whether a block holds at least a third of the page's text: a page whose story is not
/// written in `<p>`s (SCMP's) would otherwise be read as its densest `<p>`s, an author's bio.
fn holds_most_text(block: ElementRef<'_>, body: ElementRef<'_>) -> bool {
    let text_bytes = |root| -> usize {
        html_paragraphs(root, |_| false)
            .iter()
            .map(String::len)
            .sum()
    };
    text_bytes(block) * 3 >= text_bytes(body)
}

/// The `content` of a `<meta property=…>` (Open Graph) or `<meta name=…>`.
fn meta_content<'a>(page: ElementRef<'a>, property: &str) -> Option<&'a str> {
    page.descendent_elements()
        .filter(|element| element.value().name() == "meta")
        .find(|meta| {
            let value = meta.value();
            value.attr("property") == Some(property) || value.attr("name") == Some(property)
        })
        .and_then(|meta| meta.value().attr("content"))
}

/// The article's first `<time datetime>` that reads as a date.
fn time_element_date(content: ElementRef<'_>) -> Option<(crate::dates::Day, &'static str)> {
    content
        .descendent_elements()
        .filter(|element| element.value().name() == "time")
        .find_map(|time| time.value().attr("datetime").and_then(dates::iso8601))
        .map(|day| (day, "time"))
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Options, parse_as};

    const PAGE: &str = r#"<!DOCTYPE html>
<html><head><title>Harbour Reopens | The Daily Gull</title>
<meta property="article:published_time" content="2021-03-04T08:00:00+01:00">
<style>p { color: red }</style><script>track();</script></head>
<body>
<header><a href="/">The Daily Gull</a><nav><a href="/a">World</a></nav></header>
<aside>Most read: Other story</aside>
<article>
  <header><h1>Harbour reopens after storm</h1><p class="byline">By A. Writer</p></header>
  <p>PORTHAVEN, March 4 (Gull) - The harbour reopened on Thursday.</p>
  <!-- ad slot -->
  <form><input name="email"> Subscribe</form>
  <p>Boats left at <b>dawn</b>,
     the harbour master said.</p>
  <footer>Share this story</footer>
</article>
<footer>© The Daily Gull</footer>
</body></html>"#;

    #[test]
    fn a_page_gives_its_articles_heading_and_paragraphs_only() {
        let parsed = parse_as(Format::Html, PAGE, &Options::default());
        assert!(parsed.errors.is_empty());
        let [article] = &parsed.articles[..] else {
            panic!("{parsed:?}")
        };
        assert_eq!(article.id, "1");
        assert_eq!(article.article.title, "Harbour reopens after storm");
        assert_eq!(article.article.dateline, "PORTHAVEN, March 4 (Gull)");
        assert_eq!(
            article.article.paragraphs,
            [
                "The harbour reopened on Thursday.",
                "Boats left at dawn, the harbour master said."
            ]
        );
        let (day, source) = article.date.unwrap();
        assert_eq!(
            (day.to_string().as_str(), source),
            ("2021-03-04", "article:published_time")
        );
    }

    #[test]
    fn a_page_without_article_uses_main_then_body_and_the_page_title() {
        let page = "<title>Notes</title><body><nav>Menu</nav><main><p>Kept.</p></main>\
                    <p>Outside main.</p></body>";
        let parsed = parse_as(Format::Html, page, &Options::default());
        assert_eq!(parsed.articles[0].article.title, "Notes");
        assert_eq!(parsed.articles[0].article.paragraphs, ["Kept."]);
        let page = "<html><body><h1>Only heading</h1><div>Text <br><br> more</div></body></html>";
        let parsed = parse_as(Format::Html, page, &Options::default());
        assert_eq!(parsed.articles[0].article.title, "Only heading");
        assert_eq!(parsed.articles[0].article.paragraphs, ["Text", "more"]);
    }

    #[test]
    fn a_page_that_marks_nothing_uses_its_densest_paragraphs_and_og_title() {
        let story =
            "Boats left the harbour at dawn after a week of storms, wardens said. ".repeat(3);
        let page = format!(
            "<html><head><title>Harbour | Gull</title><meta property=\"og:title\" content=\"Harbour reopens\"></head>\
             <body><div id=\"cookies\"><p>We use cookies.</p></div><div><div><h1>Harbour reopens</h1>\
             <div><p>{story}</p></div><div><p>{story}</p></div></div></div><p>Footer line.</p></body></html>"
        );
        let parsed = parse_as(Format::Html, &page, &Options::default());
        let article = &parsed.articles[0].article;
        assert_eq!(article.title, "Harbour reopens");
        assert_eq!(article.paragraphs.len(), 2, "{article:?}");
        assert!(article.paragraphs[0].starts_with("Boats left"));
    }

    #[test]
    fn a_story_not_written_in_paragraphs_is_not_traded_for_a_bio() {
        let story =
            "Boats left the harbour at dawn after a week of storms, wardens said. ".repeat(12);
        let bio = "A. Writer has covered the harbour and its gulls for twenty years. ".repeat(4);
        let page = format!(
            "<html><body><div class=\"story\">{story}</div><div class=\"bio\"><p>{bio}</p></div></body></html>"
        );
        let article = &parse_as(Format::Html, &page, &Options::default()).articles[0].article;
        assert_eq!(article.paragraphs.len(), 2, "{article:?}");
        assert!(article.paragraphs[0].starts_with("Boats left"));
    }

    #[test]
    fn an_empty_page_is_passed_over() {
        let parsed = parse_as(
            Format::Html,
            "<html><body><nav>x</nav></body></html>",
            &Options::default(),
        );
        assert!(parsed.articles.is_empty());
        assert_eq!(parsed.passed_over[0].what, "a page with no text");
    }
}
