//! Fuzz target: any string as a query, in either syntax and either ranking mode, against a
//! small index built once from the sample corpus, never panics; highlights stay inside the
//! passage on character boundaries. The first byte picks the syntax and the mode, so one
//! execution runs one search and the fuzzer explores all four combinations.
#![no_main]

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use newsdex::indexer::{index_corpus, IndexConfig};
use newsdex::query::Syntax;
use newsdex::search::{Engine, Request};

fn engine() -> &'static Mutex<Engine> {
    static ENGINE: OnceLock<Mutex<Engine>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let index_dir = std::env::temp_dir().join(format!("newsdex-fuzz-{}", std::process::id()));
        index_corpus(&IndexConfig {
            corpus: Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus"),
            index_dir: index_dir.clone(),
            extensions: None,
            progress: false,
            memory_budget: 50 * 1024 * 1024,
        })
        .expect("index the sample corpus");
        Mutex::new(Engine::open(&index_dir).expect("open the index"))
    })
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&mode, query)) = bytes.split_first() else {
        return;
    };
    let Ok(query) = std::str::from_utf8(query) else {
        return;
    };
    let syntax = if mode & 1 == 0 { Syntax::Full } else { Syntax::Plain };
    let articles = mode & 2 != 0;
    let mut engine = engine().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let request = Request { syntax, limit: 5, articles, ..Request::new(query) };
    if let Ok(results) = engine.search(&request) {
        for hit in results.hits {
            for (text, ranges) in [(&hit.text, &hit.highlights), (&hit.title, &hit.title_highlights)] {
                for &(start, end) in ranges {
                    assert!(start < end && end <= text.len());
                    assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
                }
            }
        }
    }
});
