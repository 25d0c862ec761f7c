//! Fuzz target: any bytes through format detection and every reader never panic, and what
//! comes out keeps the module's promises (a passage per article, ids unique in the file).
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use newsdex::formats::{self, Format, Options};

const ALL: [Format; 10] = [
    Format::Text,
    Format::Nitf,
    Format::NewsMlG2,
    Format::Ninjs,
    Format::Rss,
    Format::Atom,
    Format::Html,
    Format::TrecSgml,
    Format::ReutersSgml,
    Format::JsonLines,
];

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    // The first byte picks a reader too, so each is fuzzed whatever detection says.
    let forced = ALL[usize::from(bytes.first().copied().unwrap_or(0)) % ALL.len()];
    let detected = formats::detect(bytes, "fuzz");
    for format in [detected, forced] {
        let parsed = formats::parse_as(format, &text, &Options::default());
        let mut ids = HashSet::new();
        for found in &parsed.articles {
            assert!(!found.article.paragraphs.is_empty());
            assert!(ids.insert(found.id.clone()), "id {} twice", found.id);
        }
    }
    if forced.streams() {
        for _ in formats::stream(forced, bytes, &Options::default()).into_iter().flatten() {}
    }
});
