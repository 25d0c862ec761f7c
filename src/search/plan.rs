//! Query planning: a parsed query → the first pass's tantivy query, the leaves passages are
//! scored by, what to highlight, and the keywords the ranking's signals score.
//!
//! Owns how words become index terms at query time (the same chain as indexing), which fields
//! a word is searched in and with what boost, spellings and prefixes (through `vocabulary`),
//! and dropping the stop words of long queries. It runs no search and scores nothing.

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Term};

use super::highlight::{Highlighting, Pattern};
use super::{IndexView, Request, SearchError, vocabulary};
use crate::analysis::{Analyzer, Word, is_stop_word};
use crate::dates::{self, Day};
use crate::query::{self, Node};
use crate::schema::{AGENCY, BODY, DATELINE, Fields, PLACE, TITLE};
use tantivy::query::Bm25StatisticsProvider;

/// How a title or dateline match counts against a body match, field by field (tuned on the
/// test collections, docs/relevance.md).
pub const TITLE_BOOST: f32 = 1.0;
pub const DATELINE_BOOST: f32 = 0.5;

/// How many characters stemming may cut from a word that a prefix query still reaches.
const STEM_CUT: usize = 2;
/// Prefixes are not cut below this many bytes (`cat*` must not find `ca`).
const MIN_STEM_PREFIX: usize = 4;

/// Queries with this many words or more lose their stop words: in a long natural-language
/// query they only add noise; in a short one they may be the point (`the who`).
const LONG_QUERY_WORDS: usize = 5;

/// Most words a query is searched with: the rest of a longer one are dropped, with a note.
/// Every word costs its compound checks, postings and proximity pairs: a query of 5,000 words
/// took 19 s. Natural-language queries run to a few dozen words (TREC's longest topic
/// descriptions about 60).
pub const MAX_QUERY_WORDS: usize = 100;

/// A term or a phrase the query looks for in one field, weighed by `boost`: a clause of the
/// first pass's query, and what a passage is matched and scored by (see `ranking::words`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Leaf {
    pub field: Field,
    /// One index term, or a phrase of several.
    pub terms: Vec<String>,
    pub boost: f32,
    /// Whether it adds to a score: a word the query excludes, and a filter (`place:`,
    /// `agency:`), only decide what matches.
    pub scored: bool,
}

/// What building a node gives: the first pass's query (exclusions left out), the query of
/// the articles that match it as a whole, and the condition its passages meet.
struct Built {
    first_pass: Box<dyn Query>,
    whole: Box<dyn Query>,
    condition: Condition,
}

impl Built {
    /// A leaf's queries: the same for the first pass and the whole.
    fn leaf(query: Box<dyn Query>, condition: Condition) -> Built {
        Built {
            first_pass: query.box_clone(),
            whole: query,
            condition,
        }
    }
}

/// Which passages a query matches: its boolean shape over its leaves (numbered as in
/// `Plan::leaves`), matched as tantivy matches a document, the passage standing for one (with
/// its article's title and dateline, for a first passage). A passage is the unit a user reads,
/// so `syria NOT russia` finds the passages about Syria that do not name Russia, wherever else
/// their article does.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Condition {
    /// Any of these leaves occurs (a word in its spellings and fields, a prefix's expansions).
    Any(Vec<usize>),
    /// Every `Must` clause holds and no `MustNot` one does; without a `Must`, some `Should`
    /// holds.
    Bool(Vec<(query::Occur, Condition)>),
}

impl Condition {
    /// Whether the condition holds whenever any leaf occurs: a union of leaves, with no
    /// required or excluded part (every keyword query).
    pub fn is_union(&self) -> bool {
        match self {
            Condition::Any(_) => true,
            Condition::Bool(clauses) => clauses
                .iter()
                .all(|(occur, condition)| *occur == query::Occur::Should && condition.is_union()),
        }
    }

    /// Whether the condition leaves something out (`NOT`, `-`).
    pub fn excludes(&self) -> bool {
        match self {
            Condition::Any(_) => false,
            Condition::Bool(clauses) => clauses
                .iter()
                .any(|(occur, condition)| *occur == query::Occur::MustNot || condition.excludes()),
        }
    }

    /// Whether the condition holds, given which leaves occur.
    pub fn holds(&self, occurs: &dyn Fn(usize) -> bool) -> bool {
        match self {
            Condition::Any(leaves) => leaves.iter().any(|&leaf| occurs(leaf)),
            Condition::Bool(clauses) => {
                let (mut must, mut should, mut any_should) = (false, false, false);
                for (occur, condition) in clauses {
                    match occur {
                        query::Occur::Must => {
                            must = true;
                            if !condition.holds(occurs) {
                                return false;
                            }
                        }
                        query::Occur::MustNot => {
                            if condition.holds(occurs) {
                                return false;
                            }
                        }
                        query::Occur::Should => {
                            should = true;
                            any_should = any_should || condition.holds(occurs);
                        }
                    }
                }
                must || (should && any_should)
            }
        }
    }
}

/// What a search runs.
pub(super) struct Plan {
    /// The first pass: the articles it matches are the candidates. Excluded words are left
    /// out of it: an article that names one may still hold passages that do not.
    pub query: Box<dyn Query>,
    /// The articles that match the query as a whole, its exclusions too: what facets count.
    pub whole: Box<dyn Query>,
    /// The query's terms and phrases, field by field, as its passages are matched and scored.
    pub leaves: Vec<Leaf>,
    /// Which passages match.
    pub condition: Condition,
    /// What to mark in a hit.
    pub highlighting: Highlighting,
    /// A keyword query's words (only bare words, OR'd), each analysed: the ranking's signals
    /// score them. Empty when the query has phrases, fields, operators or prefixes, which are taken
    /// literally.
    pub keywords: Vec<Vec<Word>>,
    /// The query's words that match nothing in the index, as typed.
    pub unmatched: Vec<String>,
    /// How many words the query had, when it had more than `MAX_QUERY_WORDS`.
    pub cut_from: Option<usize>,
}

impl Plan {
    pub fn new(
        index: &IndexView,
        analyzer: &mut Analyzer,
        request: &Request,
    ) -> Result<Plan, SearchError> {
        let (text, cut_from) = first_words(request.query, MAX_QUERY_WORDS);
        let fields = [TITLE, DATELINE, BODY, PLACE, AGENCY];
        let node = query::parse(text, request.syntax, &fields).ok_or(SearchError::EmptyQuery)?;
        let node = drop_stop_words(node);
        let mut found = Found::default();
        let mut builder = Builder {
            index,
            analyzer,
            leaves: Vec::new(),
            excluded: false,
        };
        let built = builder.build(&node, None, &mut found);
        let leaves = builder.leaves;
        let fields = &index.open.fields;
        for (field, value) in [
            (fields.place, request.place),
            (fields.agency, request.agency),
        ] {
            if let Some(value) = value
                && !vocabulary::holds(index, field, &filter_term(value))
            {
                found
                    .unmatched
                    .push(format!("{}:{}", fields.user_name(field), value.trim()));
            }
        }
        let query = narrowed(fields, flatten(built.first_pass), request);
        let whole = narrowed(fields, built.whole, request);
        let keywords = keywords(&node)
            .iter()
            .map(|keyword| analyzer.words(keyword))
            .collect();
        found.unmatched.dedup();
        Ok(Plan {
            query,
            whole,
            leaves,
            condition: built.condition,
            highlighting: found.highlighting,
            keywords,
            unmatched: found.unmatched,
            cut_from,
        })
    }
}

impl Plan {
    /// Whether the query excludes words (`NOT`, `-`).
    pub fn excludes(&self) -> bool {
        self.condition.excludes()
    }
}

/// `query`, kept to the articles the request's filters leave: dated within its `since` and
/// `until` (a range over the date column), filed from its place, by its agency (a term each,
/// as `place:` and `agency:` find). Each is required and scores nothing, so scores stay those
/// of the words, and the query keeps its own shape: a keyword query stays one, ranked by the
/// signals only keyword queries get.
fn narrowed(fields: &Fields, query: Box<dyn Query>, request: &Request) -> Box<dyn Query> {
    let unscored = |query: Box<dyn Query>| -> (Occur, Box<dyn Query>) {
        (Occur::Must, Box::new(BoostQuery::new(query, 0.0)))
    };
    let mut filters = Vec::new();
    for (field, value) in [
        (fields.place, request.place),
        (fields.agency, request.agency),
    ] {
        if let Some(value) = value {
            let term = Term::from_field_text(field, &filter_term(value));
            filters.push(unscored(Box::new(TermQuery::new(
                term,
                IndexRecordOption::Basic,
            ))));
        }
    }
    if request.since.is_some() || request.until.is_some() {
        let bound = |day: Option<Day>, first: bool| match day {
            Some(day) => {
                let (lowest, highest) = dates::day_values(day);
                Bound::Included(Term::from_field_u64(
                    fields.date,
                    if first { lowest } else { highest },
                ))
            }
            None => Bound::Unbounded,
        };
        let range = RangeQuery::new(bound(request.since, true), bound(request.until, false));
        filters.push(unscored(Box::new(range)));
    }
    if filters.is_empty() {
        return query;
    }
    filters.insert(0, (Occur::Must, query));
    Box::new(BooleanQuery::new(filters))
}

/// A place or agency as the index keeps it: lower-cased, whole.
fn filter_term(text: &str) -> String {
    text.trim().to_lowercase()
}

/// The first `max` whitespace-separated words of `text`, and how many it had when that was
/// more.
fn first_words(text: &str, max: usize) -> (&str, Option<usize>) {
    let count = text.split_whitespace().count();
    if count <= max {
        return (text, None);
    }
    let end = text.split_whitespace().nth(max).map_or(text.len(), |word| {
        word.as_ptr() as usize - text.as_ptr() as usize
    });
    (&text[..end], Some(count))
}

/// The fields searched when the user names none, with their boosts.
pub(super) fn default_fields(fields: &Fields) -> [(Field, f32); 3] {
    [
        (fields.body, 1.0),
        (fields.title, TITLE_BOOST),
        (fields.dateline, DATELINE_BOOST),
    ]
}

/// What building the query learns on the way: what to highlight, and which words the index
/// does not hold.
#[derive(Default)]
struct Found {
    highlighting: Highlighting,
    unmatched: Vec<String>,
}

impl Found {
    /// Records a pattern for the texts that `field` (or, for `None`, every default field)
    /// is shown in: the body and the title; the dateline is not highlighted.
    fn pattern(&mut self, fields: &Fields, field: Option<Field>, pattern: Pattern) {
        if field.is_none_or(|field| field == fields.title) {
            self.highlighting.title.push(pattern.clone());
        }
        if field.is_none_or(|field| field == fields.body) {
            self.highlighting.body.push(pattern);
        }
    }
}

/// Turns a parsed query into tantivy queries and leaves, asking the index's vocabulary for
/// spellings.
struct Builder<'a> {
    index: &'a IndexView,
    analyzer: &'a mut Analyzer,
    /// Every leaf built so far.
    leaves: Vec<Leaf>,
    /// Whether the node being built is excluded (under a `NOT`).
    excluded: bool,
}

impl Builder<'_> {
    /// Turns a parsed node into a tantivy query over one field or all, and the condition its
    /// passages meet, recording its leaves, what to highlight and which words the index
    /// lacks.
    fn build(&mut self, node: &Node, field: Option<Field>, found: &mut Found) -> Built {
        let first = self.leaves.len();
        match node {
            Node::Word {
                field: name,
                text,
                prefix,
            } => {
                let field = self.field(name.as_deref()).or(field);
                let query = match field {
                    Some(filter) if self.is_filter(filter) => self.filter(filter, text, found),
                    _ if *prefix => self.prefix_query(text, field, found),
                    _ => self.words_query(text, field, found),
                };
                Built::leaf(query, Condition::Any((first..self.leaves.len()).collect()))
            }
            Node::Phrase { field: name, text } => {
                let field = self.field(name.as_deref()).or(field);
                let query = match field {
                    Some(filter) if self.is_filter(filter) => self.filter(filter, text, found),
                    _ => self.words_query(text, field, found),
                };
                Built::leaf(query, Condition::Any((first..self.leaves.len()).collect()))
            }
            Node::Bool(clauses) => {
                let (mut first_pass, mut whole) = (Vec::new(), Vec::new());
                let mut conditions = Vec::new();
                for (occur, node) in clauses {
                    if *occur == query::Occur::MustNot {
                        // Excluded words are neither highlighted nor reported as missing, and
                        // no article is left out of the first pass for them.
                        let was = std::mem::replace(&mut self.excluded, true);
                        let built = self.build(node, field, &mut Found::default());
                        self.excluded = was;
                        whole.push((Occur::MustNot, built.whole));
                        conditions.push((*occur, built.condition));
                    } else {
                        let built = self.build(node, field, found);
                        first_pass.push((tantivy_occur(*occur), built.first_pass));
                        whole.push((tantivy_occur(*occur), built.whole));
                        conditions.push((*occur, built.condition));
                    }
                }
                Built {
                    first_pass: Box::new(BooleanQuery::new(first_pass)),
                    whole: Box::new(BooleanQuery::new(whole)),
                    condition: Condition::Bool(conditions),
                }
            }
        }
    }

    /// Whether `field` is a filter's: a dateline's place or agency, one term an article.
    fn is_filter(&self, field: Field) -> bool {
        let fields = &self.index.open.fields;
        field == fields.place || field == fields.agency
    }

    /// `place:london`, `agency:"ap"`: the articles whose dateline names it, as the index keeps
    /// it (lower-cased, whole). It matches every passage of those articles and scores nothing:
    /// a filter narrows, it does not rank.
    fn filter(&mut self, field: Field, text: &str, found: &mut Found) -> Box<dyn Query> {
        let value = filter_term(text);
        let name = self.index.open.fields.user_name(field);
        if !vocabulary::holds(self.index, field, &value) {
            found.unmatched.push(format!("{name}:{}", text.trim()));
        }
        self.leaves.push(Leaf {
            field,
            terms: vec![value.clone()],
            boost: 0.0,
            scored: false,
        });
        let term = Term::from_field_text(field, &value);
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        Box::new(BoostQuery::new(Box::new(query), 0.0))
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

    /// Whether an article has `word` in one of `fields`: its term must be there and, where
    /// the index keeps a lexicon, the word as written too (`goverment` stems to `gover`, as
    /// `governess` does, but no article writes it).
    fn written(&self, word: &Word, fields: &[(Field, f32)]) -> bool {
        let held = fields
            .iter()
            .any(|&(field, _)| vocabulary::holds(self.index, field, &word.term));
        let lexicon = self.index.lexicon.as_ref();
        let has_letter = word.word.chars().any(char::is_alphabetic);
        held && lexicon.is_none_or(|lexicon| !has_letter || lexicon.articles(&word.word) > 0)
    }

    /// A word or phrase in every spelling the index holds, over the given fields.
    fn words_query(
        &mut self,
        text: &str,
        field: Option<Field>,
        found: &mut Found,
    ) -> Box<dyn Query> {
        let words = self.analyzer.words(text);
        if words.is_empty() {
            return Box::new(EmptyQuery);
        }
        let (spellings, covered) = vocabulary::spellings(self.index, self.analyzer, &words);
        let fields = self.fields_for(field);
        for (word, covered) in words.iter().zip(covered) {
            if !covered && !self.written(word, &fields) {
                found.unmatched.push(text[word.start..word.end].to_string());
            }
        }
        let lone_stop_word = words.len() == 1 && is_stop_word(&words[0].word);
        for terms in &spellings {
            let pattern = if lone_stop_word {
                Pattern::StopWord(terms[0].clone())
            } else {
                Pattern::Terms(terms.clone())
            };
            found.pattern(&self.index.open.fields, field, pattern);
        }
        let scored = !self.excluded;
        let per_field = fields
            .into_iter()
            .map(|(field, boost)| {
                self.leaves.extend(spellings.iter().map(|terms| Leaf {
                    field,
                    terms: terms.clone(),
                    boost,
                    scored,
                }));
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

    /// `word*`: the index terms of words that start with the word as typed. Each expansion
    /// scores as one occurrence of the prefix would, whichever word it is (its BM25 weight
    /// takes the idf of all the expansions together, as Lucene's blended terms do), times how
    /// common it is among them, so that a rare misspelling (`bankinng`) cannot outrank the
    /// words everyone writes on the strength of its rarity.
    fn prefix_query(
        &mut self,
        text: &str,
        field: Option<Field>,
        found: &mut Found,
    ) -> Box<dyn Query> {
        let words = self.analyzer.words(text);
        let Some(last) = words.last() else {
            return Box::new(EmptyQuery);
        };
        // Index terms are stems, which may be shorter than the typed prefix: `negotiations` is
        // indexed as `negoti`, which `negotia*` must find. So the terms looked at start with
        // the prefix's own stem cut by `STEM_CUT` characters, and a term matches when it starts
        // with the prefix as typed, or is the stem of the prefix completed by a common ending
        // (see `stem_of_completion`).
        let typed = last.word.clone();
        let prefix = common_prefix(&typed, &last.term).to_string();
        let shortest = prefix
            .len()
            .saturating_sub(STEM_CUT)
            .max(MIN_STEM_PREFIX)
            .min(prefix.len());
        found.pattern(
            &self.index.open.fields,
            field,
            Pattern::Prefix(typed.clone()),
        );
        let total_articles = self.index.segments.searcher.total_num_docs().unwrap_or(0);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost) in self.fields_for(field) {
            let analyzer = &mut *self.analyzer;
            let expansions = vocabulary::terms_with_prefix(
                self.index,
                field,
                &prefix[..prefix.floor_char_boundary(shortest)],
                |term| {
                    term.starts_with(typed.as_str())
                        || (typed.starts_with(term) && stem_of_completion(analyzer, &typed, term))
                },
            );
            for (term, weight) in expansion_weights(boost, &expansions, total_articles) {
                self.leaves.push(Leaf {
                    field,
                    terms: vec![term.clone()],
                    boost: weight,
                    scored: !self.excluded,
                });
                let query = TermQuery::new(
                    Term::from_field_text(field, &term),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((Occur::Should, boosted(Box::new(query), weight)));
            }
        }
        if clauses.is_empty() {
            found
                .unmatched
                .push(format!("{}*", text.trim_end_matches('*')));
            return Box::new(EmptyQuery);
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

/// Endings that English words take after a stem: `negotia` + `tions` is `negotiations`. A
/// term shorter than a typed prefix is one of its words' stems only if the prefix, completed
/// by one of these, stems to it.
const ENDINGS: [&str; 24] = [
    "", "s", "e", "es", "ed", "ing", "ion", "ions", "ate", "ated", "ates", "ating", "ation",
    "ations", "tion", "tions", "al", "ally", "ment", "ments", "or", "ors", "er", "ers",
];

/// Whether `term`, shorter than `typed`, is the stem of `typed` completed by a common ending:
/// `negoti` is (`negotiations`), `negot` is not (only misspellings such as `negotations`
/// stem to it).
fn stem_of_completion(analyzer: &mut Analyzer, typed: &str, term: &str) -> bool {
    ENDINGS
        .iter()
        .any(|ending| analyzer.term(&format!("{typed}{ending}")) == term)
}

/// The weight of each expansion of a prefix in a field: scored as a term whose idf is that of
/// all the expansions together, weighted by how common the expansion is among them.
fn expansion_weights(
    boost: f32,
    expansions: &[(String, u64)],
    total_articles: u64,
) -> Vec<(String, f32)> {
    let idf = |articles: u64| {
        let articles = articles.min(total_articles);
        let odds = (total_articles - articles) as f32 + 0.5;
        (1.0 + odds / (articles as f32 + 0.5)).ln()
    };
    let together = idf(expansions.iter().map(|(_, articles)| articles).sum());
    let commonest = expansions.first().map_or(1, |(_, articles)| *articles);
    expansions
        .iter()
        .map(|(term, articles)| {
            let share = (1.0 + *articles as f32).ln() / (1.0 + commonest as f32).ln();
            let weight = boost * together / idf(*articles).max(f32::EPSILON) * share;
            (term.clone(), weight)
        })
        .collect()
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
/// answer with block-max WAND, skipping blocks of articles that cannot reach the top.
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
