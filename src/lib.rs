//! newsdex: full-text search over a folder of news articles, ranking passages.
//!
//! The pipeline, one module a stage: [`corpus`] finds and decodes article files, [`article`]
//! parses them into title, dateline and paragraphs, [`analysis`] turns text into terms,
//! [`schema`] defines the passage documents, [`indexer`] keeps the index in step with the
//! folder (reading its segments through [`pread`]), [`query`] and [`search`] answer queries
//! ([`bm25f`] rescores the first pass's candidates), and [`output`] prints hits.

pub mod analysis;
pub mod article;
pub mod bm25f;
pub mod corpus;
pub mod eval;
pub mod indexer;
pub mod output;
pub mod pread;
pub mod query;
pub mod readonly;
pub mod schema;
pub mod search;
