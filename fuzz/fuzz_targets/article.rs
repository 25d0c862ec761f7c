//! Fuzz target: any bytes through decoding and article parsing never panic, and a parsed
//! article always keeps a passage.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(text) = newsdex::corpus::decode(bytes.to_vec()) {
        let article = newsdex::article::parse(&text);
        assert!(!article.paragraphs.is_empty());
    }
});
