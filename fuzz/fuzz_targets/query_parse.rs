//! Fuzz target: the query grammar alone, at full speed: any string in both syntaxes parses
//! without panicking. `query` covers the whole search path, far more slowly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdex::query::{self, Syntax};

const FIELDS: [&str; 3] = ["title", "dateline", "body"];

fuzz_target!(|bytes: &[u8]| {
    if let Ok(input) = std::str::from_utf8(bytes) {
        let _ = query::parse(input, Syntax::Full, &FIELDS);
        let _ = query::parse(input, Syntax::Plain, &FIELDS);
    }
});
