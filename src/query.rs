//! Query syntax: a user's query string → a tree of words, phrases and boolean operators.
//!
//! The grammar, loosest binding first:
//!
//! ```text
//! query   := and ( ["OR"] and )*          bare juxtaposition means OR
//! and     := unary ( "AND" unary )*
//! unary   := ("NOT" | "-") unary | "+" unary | primary
//! primary := "(" query ")" | [field ":"] ( word ["*"] | "\"" words "\"" )
//! ```
//!
//! Parsing is lenient and never fails on odd input: an unclosed quote runs to the end, an
//! unclosed `(` closes at the end, a stray `)` or `:` is ignored, `foo:bar` with an unknown
//! field is read as the words `foo bar`. Only uppercase `AND`/`OR`/`NOT` are operators, so the
//! lower-cased words of a natural-language query stay words. [`Syntax::Plain`] reads every
//! word as a word and nothing as an operator. This module knows nothing of the index; `search`
//! turns the tree into tantivy queries.

/// How to read a query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Words, phrases, fields, operators, prefixes.
    Full,
    /// Every word is a term; punctuation and operators are just text (natural-language queries).
    Plain,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A word or a hyphenated compound as the user typed it (`cease-fire`), before analysis.
    Word {
        field: Option<String>,
        text: String,
        prefix: bool,
    },
    /// A quoted phrase, before analysis.
    Phrase { field: Option<String>, text: String },
    /// At least one `should` clause must match (unless there are `must` clauses); `must`
    /// clauses all must; `must_not` clauses must not.
    Bool(Vec<(Occur, Node)>),
}

/// How a clause of a `Bool` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    Should,
    Must,
    MustNot,
}

/// Parses a query. Returns `None` when it holds nothing to search for.
pub fn parse(input: &str, syntax: Syntax, fields: &[&str]) -> Option<Node> {
    let tokens = match syntax {
        Syntax::Full => lex(input),
        Syntax::Plain => plain_words(input),
    };
    let mut parser = Parser {
        tokens,
        at: 0,
        fields,
    };
    let node = parser.or_clause();
    node.and_then(simplify)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
    Open,
    Close,
    And,
    Or,
    Not,
    Plus,
    Minus,
    /// `field:` directly before a word or phrase.
    Field(String),
}

fn plain_words(input: &str) -> Vec<Token> {
    input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| Token::Word(word.to_string()))
        .collect()
}

fn lex(input: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        match c {
            '"' | '“' | '”' => {
                chars.next();
                let mut phrase = String::new();
                for (_, c) in chars.by_ref() {
                    if matches!(c, '"' | '“' | '”') {
                        break;
                    }
                    phrase.push(c);
                }
                tokens.push(Token::Quoted(phrase));
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            // At the start of a term only: inside one (`cease-fire`) they are part of the word.
            '+' | '-' => {
                chars.next();
                let next_is_term = chars.peek().is_some_and(|&(_, next)| !next.is_whitespace());
                if next_is_term {
                    tokens.push(if c == '+' { Token::Plus } else { Token::Minus });
                }
            }
            _ => {
                let mut end = start;
                while let Some(&(at, c)) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '"' | '“' | '”' | '(' | ')') {
                        break;
                    }
                    end = at + c.len_utf8();
                    chars.next();
                    if c == ':' {
                        break;
                    }
                }
                let text = &input[start..end];
                tokens.push(word_token(text));
            }
        }
    }
    tokens
}

fn word_token(text: &str) -> Token {
    match text {
        "AND" | "&&" => Token::And,
        "OR" | "||" => Token::Or,
        "NOT" => Token::Not,
        _ => match text.strip_suffix(':') {
            Some(field) if !field.is_empty() => Token::Field(field.to_string()),
            Some(_) => Token::Word(String::new()),
            None => Token::Word(text.to_string()),
        },
    }
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    fields: &'a [&'a str],
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn or_clause(&mut self) -> Option<Node> {
        let mut clauses: Vec<(Occur, Node)> = Vec::new();
        while let Some(token) = self.peek() {
            match token {
                Token::Close => {
                    self.at += 1;
                    if self.depth_closes() {
                        break;
                    }
                }
                Token::Or | Token::And => self.at += 1, // stray operator
                _ => {
                    if let Some(clause) = self.and_clause() {
                        clauses.push(clause);
                    }
                }
            }
        }
        bool_of(clauses)
    }

    /// A `)` ends the group when we are inside one; at top level it is stray and ignored.
    fn depth_closes(&self) -> bool {
        let opens = self.tokens[..self.at]
            .iter()
            .filter(|t| **t == Token::Open)
            .count();
        let closes = self.tokens[..self.at]
            .iter()
            .filter(|t| **t == Token::Close)
            .count();
        closes <= opens
    }

    fn and_clause(&mut self) -> Option<(Occur, Node)> {
        let first = self.unary()?;
        if self.peek() != Some(&Token::And) {
            return Some(first);
        }
        let mut clauses = vec![must(first)];
        while self.peek() == Some(&Token::And) {
            self.at += 1;
            match self.unary() {
                Some(clause) => clauses.push(must(clause)),
                None => break,
            }
        }
        bool_of(clauses).map(|node| (Occur::Should, node))
    }

    fn unary(&mut self) -> Option<(Occur, Node)> {
        match self.peek()? {
            Token::Not | Token::Minus => {
                self.at += 1;
                let (_, node) = self.unary()?;
                Some((Occur::MustNot, node))
            }
            Token::Plus => {
                self.at += 1;
                let (_, node) = self.unary()?;
                Some((Occur::Must, node))
            }
            _ => self.primary().map(|node| (Occur::Should, node)),
        }
    }

    fn primary(&mut self) -> Option<Node> {
        let token = self.peek()?.clone();
        self.at += 1;
        match token {
            Token::Open => self.or_clause(),
            Token::Field(name) => {
                let known = self.fields.iter().any(|f| f.eq_ignore_ascii_case(&name));
                let field = known.then(|| name.to_ascii_lowercase());
                if !known {
                    // `foo:bar` with no field foo: the user meant the words.
                    return Some(word(None, &name));
                }
                match self.peek() {
                    Some(Token::Word(_)) | Some(Token::Quoted(_)) => {
                        let next = self.peek()?.clone();
                        self.at += 1;
                        leaf(field, next)
                    }
                    _ => None, // `title:` with nothing after it
                }
            }
            Token::Word(_) | Token::Quoted(_) => leaf(None, token),
            Token::And | Token::Or | Token::Not | Token::Plus | Token::Minus | Token::Close => None,
        }
    }
}

fn leaf(field: Option<String>, token: Token) -> Option<Node> {
    match token {
        Token::Word(text) => {
            let text = text.trim_matches(':').to_string();
            (!text.is_empty() && text.chars().any(char::is_alphanumeric))
                .then(|| word(field, &text))
        }
        Token::Quoted(text) => {
            (text.chars().any(char::is_alphanumeric)).then_some(Node::Phrase { field, text })
        }
        _ => None,
    }
}

fn word(field: Option<String>, text: &str) -> Node {
    let prefix = text.ends_with('*')
        && text
            .trim_end_matches('*')
            .chars()
            .any(char::is_alphanumeric);
    Node::Word {
        field,
        text: text.trim_end_matches('*').to_string(),
        prefix,
    }
}

fn must((occur, node): (Occur, Node)) -> (Occur, Node) {
    match occur {
        Occur::MustNot => (Occur::MustNot, node),
        _ => (Occur::Must, node),
    }
}

fn bool_of(clauses: Vec<(Occur, Node)>) -> Option<Node> {
    if clauses.is_empty() {
        None
    } else {
        Some(Node::Bool(clauses))
    }
}

/// Unwraps single-clause groups and drops groups that can only exclude.
fn simplify(node: Node) -> Option<Node> {
    match node {
        Node::Bool(clauses) => {
            let clauses: Vec<(Occur, Node)> = clauses
                .into_iter()
                .filter_map(|(occur, node)| simplify(node).map(|node| (occur, node)))
                .collect();
            if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
                return None;
            }
            match clauses.as_slice() {
                [(Occur::Should | Occur::Must, _)] => clauses.into_iter().next().map(|(_, n)| n),
                _ => Some(Node::Bool(clauses)),
            }
        }
        leaf => Some(leaf),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: [&str; 3] = ["title", "dateline", "body"];

    fn full(input: &str) -> Option<Node> {
        parse(input, Syntax::Full, &FIELDS)
    }

    fn w(text: &str) -> Node {
        Node::Word {
            field: None,
            text: text.into(),
            prefix: false,
        }
    }

    fn phrase(text: &str) -> Node {
        Node::Phrase {
            field: None,
            text: text.into(),
        }
    }

    #[test]
    fn bare_words_are_ored() {
        assert_eq!(
            full("oil prices"),
            Some(Node::Bool(vec![
                (Occur::Should, w("oil")),
                (Occur::Should, w("prices"))
            ]))
        );
        assert_eq!(full("cease-fire"), Some(w("cease-fire")));
    }

    #[test]
    fn operators_fields_prefixes_and_phrases() {
        assert_eq!(
            full("a AND -b"),
            Some(Node::Bool(vec![
                (Occur::Must, w("a")),
                (Occur::MustNot, w("b"))
            ]))
        );
        assert_eq!(
            full("title:Syria"),
            Some(Node::Word {
                field: Some("title".into()),
                text: "Syria".into(),
                prefix: false
            })
        );
        assert_eq!(
            full("negotia*"),
            Some(Node::Word {
                field: None,
                text: "negotia".into(),
                prefix: true
            })
        );
        assert_eq!(full("\"cease fire\""), Some(phrase("cease fire")));
        assert_eq!(
            full("dateline:\"new york\""),
            Some(Node::Phrase {
                field: Some("dateline".into()),
                text: "new york".into()
            })
        );
    }

    #[test]
    fn malformed_input_gets_a_sensible_reading() {
        assert_eq!(full("\"cease fire"), Some(phrase("cease fire")));
        assert_eq!(full("(syria"), Some(w("syria")));
        assert_eq!(full("syria)"), Some(w("syria")));
        assert_eq!(full(":"), None);
        assert_eq!(full("title:"), None);
        assert_eq!(full(""), None);
        assert_eq!(full("  \"\" () "), None);
        assert_eq!(full("-syria"), None);
        assert_eq!(full("AND OR NOT"), None);
        assert_eq!(full("*"), None);
    }

    #[test]
    fn unknown_field_is_read_as_words() {
        assert_eq!(
            full("foo:bar"),
            Some(Node::Bool(vec![
                (Occur::Should, w("foo")),
                (Occur::Should, w("bar"))
            ]))
        );
    }

    #[test]
    fn plain_syntax_has_no_operators() {
        assert_eq!(
            parse("WHAT (IS) \"IT\": NOT-this?", Syntax::Plain, &FIELDS),
            Some(Node::Bool(
                ["WHAT", "IS", "IT", "NOT", "this"]
                    .iter()
                    .map(|t| (Occur::Should, w(t)))
                    .collect()
            ))
        );
    }
}
