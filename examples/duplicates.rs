//! Measures near-duplicate detection on a folder of articles, without an index.
//!
//! `cargo run --release --example duplicates -- CORPUS [THRESHOLD] [SAMPLE]` reads every `*.txt`
//! below CORPUS with `newsdex::article::parse`, signs each body as indexing does, groups the
//! articles whose estimated resemblance reaches THRESHOLD (default: the search's), and prints:
//! the number of groups and copies; the recall against exact duplicates of the body text
//! (every article whose body is byte-identical to another's, after the same word analysis,
//! must share its group); a histogram of the resemblance of candidate pairs; and SAMPLE
//! groups (default 100), picked at random with a fixed seed, each member's file, title and
//! first words, for a person to judge (`borderline` for SAMPLE: every group with a member
//! whose resemblance to the first is below 0.95).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use newsdex::analysis::vocabulary;
use newsdex::article::parse;
use newsdex::corpus::decode;
use newsdex::signature::{Signature, Stories};

fn files(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "txt") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(root) = args.get(1) else {
        eprintln!("usage: duplicates CORPUS [THRESHOLD] [SAMPLE]");
        std::process::exit(2);
    };
    let threshold: f32 = args
        .get(2)
        .and_then(|t| t.parse().ok())
        .unwrap_or(newsdex::signature::SAME_STORY);
    // A number of groups to sample, or `borderline`: every group with a member below 0.95.
    let borderline = args.get(3).is_some_and(|s| s == "borderline");
    let sample: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(100);
    let mut articles = Vec::new();
    for path in files(Path::new(root)) {
        let Ok(bytes) = fs::read(&path) else { continue };
        let Ok(text) = decode(bytes) else { continue };
        let article = parse(&text);
        let terms = vocabulary(&article);
        let body = article.paragraphs.join("\n\n").to_lowercase();
        articles.push((path, article, terms.signature, body));
    }
    let signatures: Vec<Signature> = articles.iter().map(|a| a.2).collect();
    let mut histogram = [0usize; 10];
    let stories = Stories::group_comparing(&signatures, threshold, |a, b| {
        let r = signatures[a].resemblance(&signatures[b]);
        histogram[((r * 10.0) as usize).min(9)] += 1;
    });

    let all_groups = stories.groups();
    let groups: Vec<&Vec<usize>> = all_groups.iter().filter(|g| g.len() > 1).collect();
    let copies: usize = groups.iter().map(|g| g.len() - 1).sum();
    println!(
        "{} articles; {} groups of near-duplicates holding {} copies (resemblance >= {threshold})",
        articles.len(),
        groups.len(),
        copies
    );

    // Recall against exact duplicates of the body.
    let mut by_body: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, article) in articles.iter().enumerate() {
        by_body.entry(&article.3).or_default().push(i);
    }
    let (mut exact_pairs, mut found_pairs) = (0, 0);
    for members in by_body.values().filter(|m| m.len() > 1) {
        for pair in members.windows(2) {
            exact_pairs += 1;
            found_pairs += usize::from(stories.story_of(pair[0]) == stories.story_of(pair[1]));
        }
    }
    println!("exact body duplicates: {exact_pairs} linked pairs, {found_pairs} in one group");

    println!("candidate pairs by resemblance (0.0-0.1 ... 0.9-1.0): {histogram:?}");

    // A fixed-seed sample of groups for a person to judge.
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut order: Vec<usize> = (0..groups.len()).collect();
    for i in (1..order.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        order.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    let shown: Vec<usize> = if borderline {
        (0..groups.len())
            .filter(|&g| {
                let first = groups[g][0];
                groups[g]
                    .iter()
                    .any(|&m| signatures[first].resemblance(&signatures[m]) < 0.95)
            })
            .collect()
    } else {
        order.into_iter().take(sample).collect()
    };
    for (n, &g) in shown.iter().enumerate() {
        let members = groups[g];
        let first = members[0];
        println!("\n## group {} ({} articles)", n + 1, members.len());
        for &m in members {
            let (path, article, signature, _) = &articles[m];
            let words: Vec<&str> = article
                .paragraphs
                .iter()
                .flat_map(|p| p.split_whitespace())
                .take(40)
                .collect();
            println!(
                "- {} [{:.2}] {} | {} | {}…",
                path.file_name().unwrap_or_default().to_string_lossy(),
                signatures[first].resemblance(signature),
                article.title,
                article.dateline,
                words.join(" ")
            );
        }
    }
}
