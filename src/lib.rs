//! newsdex: full-text search over a folder of news articles, ranking passages.
//!
//! The pipeline, one module a stage: [`corpus`] finds and decodes article files, [`article`]
//! parses them into title, dateline and paragraphs, [`analysis`] turns text into terms,
//! [`schema`] defines the article documents, [`open`] opens (or creates) an index folder,
//! [`indexer`] keeps the index in step with the folder (and the [`lexicon`] of its words;
//! [`signature`] and [`dates`] are what it learns of each article), [`query`] parses queries
//! and [`search`] answers them, [`output`] prints hits, [`serve`] answers them over HTTP (a
//! JSON API and a search page), [`stats`] says what an index holds, and [`eval`] scores
//! rankings against relevance judgments; [`watch`] keeps an index up with a folder that keeps
//! changing and follows a standing search as new articles are committed.
//! [`fault`] tells a full disk, a failing one and a damaged index apart; [`numbers`] writes
//! numbers as people read them. [`formats`] reads news formats (NITF, NewsML-G2, ninjs, RSS,
//! Atom, HTML, TREC and Reuters SGML, JSON Lines) into articles; nothing calls it yet.

pub mod analysis;
pub mod article;
pub mod corpus;
pub mod dates;
pub mod eval;
pub mod fault;
pub mod formats;
pub mod indexer;
pub mod lexicon;
pub mod numbers;
pub mod open;
pub mod output;
pub mod query;
pub mod schema;
pub mod search;
pub mod serve;
pub mod signature;
pub mod stats;
pub mod watch;
