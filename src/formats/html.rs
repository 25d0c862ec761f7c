//! HTML pages → one article: the article's heading (else the page title) and the article's
//! paragraphs, without the page around it.
//!
//! The article is the page's first `<article>`, else its `<main>` (or `role="main"`), else
//! its `<body>`; inside it [`markup`](super::markup) leaves out navigation, scripts, styles,
//! forms, menus, footers, asides and comments, and this reader also leaves out `<header>`s
//! (the title it took, bylines, a site's banner). Parsing is html5ever's, through `scraper`:
//! it reads any byte soup the way browsers do.

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
    let content = first_named(page_root, "article")
        .or_else(|| first_named(page_root, "main"))
        .or_else(|| {
            page_root
                .descendent_elements()
                .find(|element| element.value().attr("role") == Some("main"))
        })
        .or_else(|| first_named(page_root, "body"))
        .unwrap_or(page_root);
    let in_content = content.value().name() != "body" && content != page_root;
    let heading = in_content
        .then(|| first_named(content, "h1"))
        .flatten()
        .filter(|h1| !element_text(*h1).is_empty());
    let page_title = first_named(page_root, "title").map(element_text);
    let heading = heading.or_else(|| {
        page_title
            .as_ref()
            .is_none_or(String::is_empty)
            .then(|| first_named(content, "h1"))
            .flatten()
    });
    let title = match heading {
        Some(h1) => element_text(h1),
        None => page_title.unwrap_or_default(),
    };
    let paragraphs = html_paragraphs(content, |element| {
        Some(element) == heading || element.value().name() == "header"
    });
    let date = published_date(page_root, content);
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

fn first_named<'a>(root: ElementRef<'a>, name: &str) -> Option<ElementRef<'a>> {
    root.descendent_elements()
        .find(|element| element.value().name() == name)
}

fn element_text(element: ElementRef<'_>) -> String {
    tidy(&element.text().collect::<String>())
}

/// The page's `article:published_time` (Open Graph), else the article's first `<time datetime>`.
fn published_date(
    page: ElementRef<'_>,
    content: ElementRef<'_>,
) -> Option<(crate::dates::Day, &'static str)> {
    let meta = page
        .descendent_elements()
        .filter(|element| element.value().name() == "meta")
        .find(|meta| meta.value().attr("property") == Some("article:published_time"))
        .and_then(|meta| meta.value().attr("content"))
        .and_then(dates::iso8601)
        .map(|day| (day, "article:published_time"));
    meta.or_else(|| {
        content
            .descendent_elements()
            .filter(|element| element.value().name() == "time")
            .find_map(|time| time.value().attr("datetime").and_then(dates::iso8601))
            .map(|day| (day, "time"))
    })
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
