//! Evaluation: ranking quality on a test collection with human relevance judgments.
//!
//! Owns reading a collection (`corpus/`, `queries.tsv`, `qrels.txt`), running its queries
//! through the same search code users get (plain syntax, article ranking), writing TREC runs
//! and computing trec_eval's measures: nDCG@10 (`ndcg_cut_10`, graded gains), P@10, MAP and
//! Recall@100, averaged over every judged query (a query with no results counts 0).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

/// How deep runs go: trec_eval's default cut-off.
pub const RUN_DEPTH: usize = 1000;

/// Relevance grades per query: qid → docid → grade (≥ 1 relevant).
pub type Qrels = HashMap<String, HashMap<String, u32>>;

/// One query's ranking: (docid, score), in any order; measures sort it as trec_eval does.
pub type Ranking = Vec<(String, f32)>;

/// Averages over the judged queries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub ndcg_at_10: f64,
    pub p_at_10: f64,
    pub map: f64,
    pub recall_at_100: f64,
    pub queries: usize,
}

/// Reads `qid<TAB>text` lines.
pub fn read_queries(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text
        .lines()
        .filter_map(|line| {
            let (qid, query) = line.split_once('\t')?;
            let qid = qid.trim();
            (!qid.is_empty()).then(|| (qid.to_string(), query.to_string()))
        })
        .collect())
}

/// Reads TREC qrels: `qid iteration docid grade`.
pub fn read_qrels(path: &Path) -> anyhow::Result<Qrels> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut qrels = Qrels::new();
    for (number, line) in text.lines().enumerate() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.is_empty() {
            continue;
        }
        let [qid, _, docid, grade] = parts[..] else {
            anyhow::bail!(
                "{}:{}: expected `qid 0 docid grade`",
                path.display(),
                number + 1
            );
        };
        let grade: i64 = grade
            .parse()
            .with_context(|| format!("{}:{}: grade is not a number", path.display(), number + 1))?;
        qrels
            .entry(qid.to_string())
            .or_default()
            .insert(docid.to_string(), grade.max(0) as u32);
    }
    Ok(qrels)
}

/// Sorts as trec_eval does: score descending (as a C float), ties by docid descending; keeps
/// the first `RUN_DEPTH`.
fn trec_order(ranking: &Ranking) -> Vec<&str> {
    let mut sorted: Vec<&(String, f32)> = ranking.iter().collect();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
    sorted.dedup_by(|a, b| a.0 == b.0);
    sorted
        .into_iter()
        .take(RUN_DEPTH)
        .map(|(d, _)| d.as_str())
        .collect()
}

/// The four measures for one query.
fn query_metrics(judged: &HashMap<String, u32>, ranking: &Ranking) -> [f64; 4] {
    let order = trec_order(ranking);
    let grades: Vec<u32> = order
        .iter()
        .map(|d| judged.get(*d).copied().unwrap_or(0))
        .collect();
    let relevant = judged.values().filter(|&&g| g > 0).count() as f64;
    let mut found = 0.0;
    let mut average_precision = 0.0;
    for (i, &grade) in grades.iter().enumerate() {
        if grade > 0 {
            found += 1.0;
            average_precision += found / (i + 1) as f64;
        }
    }
    let dcg = |grades: &mut dyn Iterator<Item = u32>| -> f64 {
        grades
            .take(10)
            .enumerate()
            .map(|(i, g)| f64::from(g) / ((i + 2) as f64).log2())
            .sum()
    };
    let mut ideal: Vec<u32> = judged.values().copied().filter(|&g| g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let ideal_dcg = dcg(&mut ideal.into_iter());
    let ndcg = if ideal_dcg > 0.0 {
        dcg(&mut grades.iter().copied()) / ideal_dcg
    } else {
        0.0
    };
    let hits_at = |k: usize| grades.iter().take(k).filter(|&&g| g > 0).count() as f64;
    [
        ndcg,
        hits_at(10) / 10.0,
        average_precision / relevant,
        hits_at(100) / relevant,
    ]
}

/// Means over every query with at least one relevant document. Queries are summed in qid
/// order, so the same runs give the same figures to the last bit.
pub fn evaluate(qrels: &Qrels, runs: &HashMap<String, Ranking>) -> Metrics {
    let empty = Ranking::new();
    let mut totals = [0.0; 4];
    let mut queries = 0;
    let mut judged_queries: Vec<(&String, &HashMap<String, u32>)> = qrels.iter().collect();
    judged_queries.sort_unstable_by_key(|(qid, _)| *qid);
    for (qid, judged) in judged_queries {
        if !judged.values().any(|&g| g > 0) {
            continue;
        }
        queries += 1;
        let values = query_metrics(judged, runs.get(qid).unwrap_or(&empty));
        for (total, value) in totals.iter_mut().zip(values) {
            *total += value;
        }
    }
    let mean = |total: f64| {
        if queries > 0 {
            total / queries as f64
        } else {
            0.0
        }
    };
    Metrics {
        ndcg_at_10: mean(totals[0]),
        p_at_10: mean(totals[1]),
        map: mean(totals[2]),
        recall_at_100: mean(totals[3]),
        queries,
    }
}

/// A TREC run file: `qid Q0 docid rank score tag`, scores with 9 significant digits.
pub fn trec_run(
    queries: &[(String, String)],
    runs: &HashMap<String, Ranking>,
    tag: &str,
) -> String {
    let mut out = String::new();
    for (qid, _) in queries {
        let Some(ranking) = runs.get(qid) else {
            continue;
        };
        let mut sorted: Vec<&(String, f32)> = ranking.iter().collect();
        sorted.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
        for (rank, (docid, score)) in sorted.iter().take(RUN_DEPTH).enumerate() {
            let _ = writeln!(out, "{qid} Q0 {docid} {} {score:.9e} {tag}", rank + 1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(pairs: &[(&str, u32)]) -> HashMap<String, u32> {
        pairs.iter().map(|(d, g)| (d.to_string(), *g)).collect()
    }

    fn ranking(docs: &[&str]) -> Ranking {
        docs.iter()
            .enumerate()
            .map(|(i, d)| (d.to_string(), 100.0 - i as f32))
            .collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn hand_computed_binary_case() {
        // Relevant: a, c, e (e never retrieved). Ranking: a x c y.
        let judged = judged(&[("a", 1), ("c", 1), ("e", 1), ("x", 0)]);
        let [ndcg, p10, ap, r100] = query_metrics(&judged, &ranking(&["a", "x", "c", "y"]));
        // AP = (1/1 + 2/3) / 3
        assert!(close(ap, (1.0 + 2.0 / 3.0) / 3.0));
        assert!(close(p10, 0.2));
        assert!(close(r100, 2.0 / 3.0));
        // DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3) + 1/log2(4)
        let ideal = 1.0 + 1.0 / 3f64.log2() + 0.5;
        assert!(close(ndcg, 1.5 / ideal));
    }

    #[test]
    fn graded_ndcg_uses_grades_as_gains() {
        let judged = judged(&[("a", 1), ("b", 3)]);
        let [ndcg, ..] = query_metrics(&judged, &ranking(&["a", "b"]));
        let dcg = 1.0 + 3.0 / 3f64.log2();
        let ideal = 3.0 + 1.0 / 3f64.log2();
        assert!(close(ndcg, dcg / ideal));
    }

    #[test]
    fn ties_break_by_docid_descending_like_trec_eval() {
        let judged = judged(&[("a", 1)]);
        let tied: Ranking = vec![("a".into(), 1.0), ("b".into(), 1.0)];
        // b sorts first, so a is at rank 2.
        let [_, _, ap, _] = query_metrics(&judged, &tied);
        assert!(close(ap, 0.5));
    }

    #[test]
    fn unanswered_query_counts_zero() {
        let qrels: Qrels = [
            ("1".to_string(), judged(&[("a", 1)])),
            ("2".to_string(), judged(&[("b", 1)])),
            ("3".to_string(), judged(&[("c", 0)])),
        ]
        .into_iter()
        .collect();
        let runs: HashMap<String, Ranking> =
            [("1".to_string(), ranking(&["a"]))].into_iter().collect();
        let metrics = evaluate(&qrels, &runs);
        assert_eq!(metrics.queries, 2);
        assert!(close(metrics.map, 0.5));
    }

    #[test]
    fn run_scores_keep_nine_significant_digits() {
        let queries = vec![("7".to_string(), "q".to_string())];
        let runs: HashMap<String, Ranking> =
            [("7".to_string(), vec![("d1".to_string(), 12.345_678_f32)])]
                .into_iter()
                .collect();
        let run = trec_run(&queries, &runs, "newsdex");
        assert!(run.starts_with("7 Q0 d1 1 1.234567"), "{run}");
    }
}
