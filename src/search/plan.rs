//! Query planning: a parsed query → the first pass's tantivy query, what to highlight, and the
//! keywords the rerank scores.
//!
//! Owns how words become index terms at query time (the same chain as indexing), which fields
//! a word is searched in and with what boost, spellings and prefixes (through `vocabulary`),
//! and dropping the stop words of long queries. It runs no search and scores nothing.

use tantivy::query::{BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Term};

use super::highlight::Pattern;
use super::{IndexView, Request, SearchError, vocabulary};
use crate::analysis::{Analyzer, Word, is_stop_word};
use crate::query::{self, Node};
use crate::schema::{BODY, DATELINE, Fields, TITLE};

/// How a title or dateline match counts against a body match in the first pass, which
/// tantivy scores field by field (tuned on the test collections, see the README).
pub const TITLE_BOOST: f32 = 1.0;
pub const DATELINE_BOOST: f32 = 0.5;

/// How many characters stemming may cut from a word that a prefix query still reaches.
const STEM_CUT: usize = 2;
/// Prefixes are not cut below this many bytes (`cat*` must not find `ca`).
const MIN_STEM_PREFIX: usize = 4;

/// Queries with this many words or more lose their stop words: in a long natural-language
/// query they only add noise; in a short one they may be the point (`the who`).
const LONG_QUERY_WORDS: usize = 5;

/// What a search runs.
pub(super) struct Plan {
    /// The first pass: the passages it matches are the candidates.
    pub query: Box<dyn Query>,
    /// What to highlight in a hit.
    pub patterns: Vec<Pattern>,
    /// A keyword query's words (only bare words, OR'd), each analysed: the rerank scores
    /// them. Empty when the query has phrases, fields, operators or prefixes, which are taken
    /// literally.
    pub keywords: Vec<Vec<Word>>,
}

impl Plan {
    pub fn new(
        index: &IndexView,
        analyzer: &mut Analyzer,
        request: &Request,
    ) -> Result<Plan, SearchError> {
        let fields = [TITLE, DATELINE, BODY];
        let node =
            query::parse(request.query, request.syntax, &fields).ok_or(SearchError::EmptyQuery)?;
        let node = drop_stop_words(node);
        let mut patterns = Vec::new();
        let mut builder = Builder { index, analyzer };
        let query = flatten(builder.build(&node, None, &mut patterns));
        let keywords = keywords(&node)
            .iter()
            .map(|keyword| analyzer.words(keyword))
            .collect();
        Ok(Plan {
            query,
            patterns,
            keywords,
        })
    }
}

/// The fields searched when the user names none, with their boosts.
pub(super) fn default_fields(fields: &Fields) -> [(Field, f32); 3] {
    [
        (fields.body, 1.0),
        (fields.title, TITLE_BOOST),
        (fields.dateline, DATELINE_BOOST),
    ]
}

/// Turns a parsed query into tantivy queries, asking the index's vocabulary for spellings.
struct Builder<'a> {
    index: &'a IndexView,
    analyzer: &'a mut Analyzer,
}

impl Builder<'_> {
    /// Turns a parsed node into a tantivy query over one field or all, recording what to
    /// highlight.
    fn build(
        &mut self,
        node: &Node,
        field: Option<Field>,
        patterns: &mut Vec<Pattern>,
    ) -> Box<dyn Query> {
        match node {
            Node::Word {
                field: name,
                text,
                prefix,
            } => {
                let field = self.field(name.as_deref()).or(field);
                if *prefix {
                    self.prefix_query(text, field, patterns)
                } else {
                    self.words_query(text, field, patterns)
                }
            }
            Node::Phrase { field: name, text } => {
                let field = self.field(name.as_deref()).or(field);
                self.words_query(text, field, patterns)
            }
            Node::Bool(clauses) => {
                let subqueries = clauses
                    .iter()
                    .map(|(occur, node)| {
                        let mut ignored = Vec::new();
                        // Excluded words are not highlighted.
                        let sink = if *occur == query::Occur::MustNot {
                            &mut ignored
                        } else {
                            &mut *patterns
                        };
                        (tantivy_occur(*occur), self.build(node, field, sink))
                    })
                    .collect();
                Box::new(BooleanQuery::new(subqueries))
            }
        }
    }

    fn field(&self, name: Option<&str>) -> Option<Field> {
        name.and_then(|name| self.index.open.fields.by_user_name(name))
    }

    fn fields_for(&self, field: Option<Field>) -> Vec<(Field, f32)> {
        match field {
            Some(field) => vec![(field, 1.0)],
            None => default_fields(&self.index.open.fields).to_vec(),
        }
    }

    /// A word or phrase in every spelling the index holds, over the given fields.
    fn words_query(
        &mut self,
        text: &str,
        field: Option<Field>,
        patterns: &mut Vec<Pattern>,
    ) -> Box<dyn Query> {
        let words = self.analyzer.words(text);
        if words.is_empty() {
            return Box::new(EmptyQuery);
        }
        let spellings = vocabulary::spellings(self.index, self.analyzer, &words);
        patterns.extend(spellings.iter().cloned().map(Pattern::Terms));
        let per_field = self
            .fields_for(field)
            .into_iter()
            .map(|(field, boost)| {
                let alternatives: Vec<(Occur, Box<dyn Query>)> = spellings
                    .iter()
                    .map(|terms| (Occur::Should, boosted(terms_query(field, terms), boost)))
                    .collect();
                (
                    Occur::Should,
                    Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>,
                )
            })
            .collect::<Vec<_>>();
        Box::new(BooleanQuery::new(per_field))
    }

    /// `word*`: every index term that starts with the word, scored as the terms themselves.
    fn prefix_query(
        &mut self,
        text: &str,
        field: Option<Field>,
        patterns: &mut Vec<Pattern>,
    ) -> Box<dyn Query> {
        let words = self.analyzer.words(text);
        let Some(last) = words.last() else {
            return Box::new(EmptyQuery);
        };
        // Index terms are stems, which may be shorter than the typed prefix: `negotiations` is
        // indexed as `negoti`, which `negotia*` must find. So a term matches when it starts
        // with the prefix, or is a stem of it cut by at most `STEM_CUT` characters.
        let prefix = common_prefix(&last.word, &last.term).to_string();
        let shortest = prefix
            .len()
            .saturating_sub(STEM_CUT)
            .max(MIN_STEM_PREFIX)
            .min(prefix.len());
        patterns.push(Pattern::Prefix(prefix.clone()));
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost) in self.fields_for(field) {
            let candidates = vocabulary::terms_with_prefix(
                self.index,
                field,
                &prefix[..prefix.floor_char_boundary(shortest)],
            );
            for term in candidates
                .into_iter()
                .filter(|t| t.starts_with(&prefix) || prefix.starts_with(t.as_str()))
            {
                let query = TermQuery::new(
                    Term::from_field_text(field, &term),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((Occur::Should, boosted(Box::new(query), boost)));
            }
        }
        if clauses.is_empty() {
            return Box::new(EmptyQuery);
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

/// A single term, or a phrase for several.
fn terms_query(field: Field, terms: &[String]) -> Box<dyn Query> {
    let terms: Vec<Term> = terms
        .iter()
        .map(|t| Term::from_field_text(field, t))
        .collect();
    if terms.len() == 1 {
        Box::new(TermQuery::new(
            terms[0].clone(),
            IndexRecordOption::WithFreqs,
        ))
    } else {
        Box::new(PhraseQuery::new(terms))
    }
}

/// A union of unions as one union, all the way down: the same matches and scores (a union
/// scores the sum of its matching clauses), and a flat union of terms is what tantivy can
/// answer with block-max WAND, skipping blocks of passages that cannot reach the top.
fn flatten(query: Box<dyn Query>) -> Box<dyn Query> {
    let Some(union) = query.downcast_ref::<BooleanQuery>().filter(|q| is_union(q)) else {
        return query;
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (_, child) in union.clauses() {
        let child = flatten(child.box_clone());
        match child.downcast_ref::<BooleanQuery>() {
            Some(inner) if is_union(inner) => clauses.extend(
                inner
                    .clauses()
                    .iter()
                    .map(|(occur, query)| (*occur, query.box_clone())),
            ),
            _ => clauses.push((Occur::Should, child)),
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Whether a boolean query is a plain union: only optional clauses, any one enough.
fn is_union(query: &BooleanQuery) -> bool {
    query.get_minimum_number_should_match() <= 1
        && query
            .clauses()
            .iter()
            .all(|(occur, _)| *occur == Occur::Should)
}

/// `query` weighted by `boost` (itself when the boost is 1).
pub(super) fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if boost == 1.0 {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

fn tantivy_occur(occur: query::Occur) -> Occur {
    match occur {
        query::Occur::Should => Occur::Should,
        query::Occur::Must => Occur::Must,
        query::Occur::MustNot => Occur::MustNot,
    }
}

fn common_prefix<'a>(a: &'a str, b: &str) -> &'a str {
    let len = a
        .char_indices()
        .zip(b.chars())
        .take_while(|((_, x), y)| x == y)
        .last()
        .map_or(0, |((at, c), _)| at + c.len_utf8());
    &a[..len]
}

/// The bare words of a keyword query (only bare words, OR'd); empty when the query has
/// phrases, fields, operators or prefixes, which are taken literally.
fn keywords(node: &Node) -> Vec<&str> {
    match node {
        Node::Bool(clauses) => clauses
            .iter()
            .map(|(occur, node)| {
                (*occur == query::Occur::Should)
                    .then(|| bare_word(node))
                    .flatten()
            })
            .collect::<Option<Vec<&str>>>()
            .unwrap_or_default(),
        leaf => bare_word(leaf).into_iter().collect(),
    }
}

fn bare_word(node: &Node) -> Option<&str> {
    match node {
        Node::Word {
            field: None,
            text,
            prefix: false,
        } => Some(text),
        _ => None,
    }
}

/// Leaves out stop-word clauses of a long, plain OR query.
fn drop_stop_words(node: Node) -> Node {
    let Node::Bool(clauses) = &node else {
        return node;
    };
    if clauses.len() < LONG_QUERY_WORDS {
        return node;
    }
    let is_stop = |clause: &(query::Occur, Node)| {
        matches!(clause, (query::Occur::Should, Node::Word { field: None, text, prefix: false })
            if is_stop_word(&text.to_lowercase()))
    };
    if clauses.iter().all(is_stop) {
        return node;
    }
    let kept = clauses.iter().filter(|c| !is_stop(c)).cloned().collect();
    Node::Bool(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};

    fn term(field: Field, text: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))
    }

    fn clause_count(query: &dyn Query) -> Option<usize> {
        query
            .downcast_ref::<BooleanQuery>()
            .map(|q| q.clauses().len())
    }

    #[test]
    fn nested_unions_become_one_and_other_shapes_stay() {
        let field = Schema::builder().add_text_field("body", TEXT);
        let nested = BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, boosted(term(field, "a"), 2.0)),
                    (Occur::Should, term(field, "b")),
                ])),
            ),
            (Occur::Should, term(field, "c")),
        ]);
        assert_eq!(clause_count(flatten(Box::new(nested)).as_ref()), Some(3));

        let required = BooleanQuery::new(vec![
            (Occur::Must, term(field, "a")),
            (
                Occur::Should,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, term(field, "b")),
                    (Occur::Should, term(field, "c")),
                ])),
            ),
        ]);
        assert_eq!(clause_count(flatten(Box::new(required)).as_ref()), Some(2));
    }
}
