//! `newsdex check`: verify an index, file by file and article by article, and say how to
//! repair what is wrong.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use newsdex::numbers::thousands;
use newsdex::open::check::{self, Fix, Part, Report};
use newsdex::output::sanitize;

use super::index_dir;

#[derive(Debug, Args)]
#[command(after_long_help = "\
Reads every file of the index against the checksum written with it (tantivy checks none when
it reads, so damage otherwise gives wrong answers), and checks what newsdex itself keeps: one
marker in this version's format, each article's document whole (its path, its file's size and
time, its paragraphs) and indexed once, the lexicon against its checksum and up to date with
the last commit. Changes nothing.

Prints what it checked, each problem (naming the file), and the repair:
  newsdex index CORPUS --index DIR --repair   drops a damaged segment and indexes its
                                              articles again from CORPUS (the rest stays);
                                              for a damaged meta.json or lexicon, every
                                              article again, in place
  newsdex index CORPUS --index DIR            adds words a stopped run left staged
  rebuild: delete DIR, then newsdex index     when the marker is damaged, or the index is
                                              another version's
`newsdex index` makes the quick part of the check on every run (files there, footers whole)
and repairs a segment it finds damaged without being asked.

Exit status: 0 sound (or nothing committed yet), 1 damaged, 2 error (no index, or it cannot
be read).

Examples:
  newsdex check                       check ./index
  newsdex check --index ~/news.idx")]
pub struct CheckArgs {
    /// Index folder [default: index].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let (dir, _) = index_dir(args.index.as_deref());
    let report = check::check(&dir)?;
    for line in lines(&report, &dir) {
        println!("{line}");
    }
    Ok(match report.fix() {
        None => ExitCode::SUCCESS,
        Some(_) => ExitCode::from(1),
    })
}

/// What `check` prints: what was checked, each problem, and the repair.
fn lines(report: &Report, dir: &Path) -> Vec<String> {
    let shown = sanitize(&dir.display().to_string());
    let Some(_) = report.opstamp else {
        if report.problems.is_empty() {
            return vec![format!(
                "{shown}: nothing committed yet (its first `newsdex index` run did not finish, or the corpus had no articles)"
            )];
        }
        let mut lines: Vec<String> = report
            .problems
            .iter()
            .map(|problem| format!("problem: {}", sanitize(&problem.what)))
            .collect();
        lines.extend(repair(report, &shown));
        return lines;
    };
    let mut held = vec![match report.segments {
        1 => "1 segment".to_string(),
        n => format!("{n} segments"),
    }];
    held.push(match report.passages {
        Some(passages) => format!(
            "{} articles in {} passages",
            thousands(report.articles),
            thousands(passages)
        ),
        None => format!("{} articles", thousands(report.articles)),
    });
    if let Some(entries) = report.lexicon {
        held.push(format!(
            "a lexicon of {} entries",
            thousands(entries as u64)
        ));
    }
    let mut lines = vec![format!("{shown}: {}", held.join(", "))];
    if report.problems.is_empty() {
        lines.push(
            "sound: every file matches its checksum and every article is whole, indexed once"
                .to_string(),
        );
        return lines;
    }
    for problem in &report.problems {
        lines.push(format!("problem: {}", sanitize(&problem.what)));
    }
    lines.extend(repair(report, &shown));
    lines
}

/// The repair for what `report` found: one command and what it does.
fn repair(report: &Report, shown: &str) -> Vec<String> {
    let corpus = report.corpus.as_ref().map_or_else(
        || "CORPUS".to_string(),
        |corpus| sanitize(&corpus.display().to_string()),
    );
    match report.fix() {
        None => Vec::new(),
        Some(Fix::Index) => vec![
            format!("repair: newsdex index {corpus} --index {shown}"),
            "        (adds the words the last commit staged to the lexicon)".to_string(),
        ],
        Some(Fix::Repair) => {
            let what = if report.has(|part| part == Part::Everything) {
                format!("indexes every article again from {corpus}, in place")
            } else {
                let mut what = Vec::new();
                match report.problems.iter().filter(|p| p.segment().is_some()).count() {
                    0 => {}
                    1 => what.push(format!(
                        "drops the damaged segment and indexes its articles again from {corpus}"
                    )),
                    n => what.push(format!(
                        "drops the {n} damaged segments and indexes their articles again from {corpus}"
                    )),
                }
                if report.has(|part| part == Part::Articles) {
                    what.push(format!(
                        "indexes the incomplete articles again from {corpus}"
                    ));
                }
                if report.has(|part| part == Part::FileList) {
                    what.push("writes .managed.json anew".to_string());
                }
                what.push("the rest of the index stays".to_string());
                what.join("; ")
            };
            vec![
                format!("repair: newsdex index {corpus} --index {shown} --repair"),
                format!("        ({what})"),
            ]
        }
        Some(Fix::Rebuild) => vec![format!(
            "repair: rebuild the index: delete {shown}, then run newsdex index {corpus} --index {shown}"
        )],
    }
}
