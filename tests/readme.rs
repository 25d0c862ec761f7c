//! The README's examples, run as written: every `$ newsdex …` line of its `console` blocks in a
//! folder holding a copy of `corpus/` (indexed into `./index`), its output (stdout, then
//! stderr) compared with the lines the README shows under it; and the commands of "Your own
//! articles" run as written in a home folder holding `news/` and `wire/`. A change that moves
//! what a user sees fails here until the README shows it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_newsdex");

/// One example: the command after `$ ` and the output lines the README shows for it.
struct Example {
    line: usize,
    command: String,
    expected: Vec<String>,
}

fn readme() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README")
}

/// The examples of the README's `console` blocks.
fn console_examples(text: &str) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    let mut in_block = false;
    for (number, line) in text.lines().enumerate() {
        match line.trim_end() {
            "```console" => in_block = true,
            "```" if in_block => in_block = false,
            _ if in_block => match line.strip_prefix("$ ") {
                Some(command) => examples.push(Example {
                    line: number + 1,
                    command: command.to_string(),
                    expected: Vec::new(),
                }),
                None => examples
                    .last_mut()
                    .expect("a console block starts with a command")
                    .expected
                    .push(line.to_string()),
            },
            _ => {}
        }
    }
    examples
}

/// The lines of the fenced `sh` block that follows `heading`.
fn sh_block_after(text: &str, heading: &str) -> Vec<String> {
    let after = &text[text.find(heading).expect("heading")..];
    let start = after.find("```sh\n").expect("an sh block") + "```sh\n".len();
    let end = start + after[start..].find("```").expect("the block ends");
    after[start..end].lines().map(str::to_string).collect()
}

/// `sh -c COMMAND` in `dir` with the built binary first on PATH, HOME set to `home`, nothing
/// else in the environment (no colour, no NO_COLOR): stdout, then stderr.
fn run(dir: &Path, home: &Path, command: &str) -> (i32, String) {
    let bin_dir = Path::new(BIN).parent().expect("binary folder");
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .env("HOME", home)
        .output()
        .expect("run sh");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// Copies the sample articles, each modified at noon on 30 November 2026 (UTC): an article
/// without a dated path or dateline is dated by its file, and the README shows one day.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    let noon = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_040_000);
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let copy = to.join(entry.file_name());
        fs::copy(entry.path(), &copy).unwrap();
        let file = fs::File::options().write(true).open(&copy).unwrap();
        file.set_modified(noon).unwrap();
    }
}

fn sample_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

#[test]
fn readme_tour_output_is_what_the_build_prints() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&sample_corpus(), &dir.path().join("corpus"));
    let (code, out) = run(dir.path(), dir.path(), "newsdex index corpus");
    assert_eq!(code, 0, "{out}");
    let examples = console_examples(&readme());
    assert!(examples.len() >= 6, "the tour has its examples");
    let mut stale = Vec::new();
    for example in &examples {
        let (_, out) = run(dir.path(), dir.path(), &example.command);
        let printed: Vec<&str> = out.lines().collect();
        if printed != example.expected {
            stale.push(format!(
                "README line {}: $ {}\n--- README shows:\n{}\n--- the build prints:\n{}",
                example.line,
                example.command,
                example.expected.join("\n"),
                out
            ));
        }
    }
    assert!(stale.is_empty(), "{}", stale.join("\n\n"));
}

#[test]
fn readme_commands_for_your_own_articles_run_as_written() {
    let home = tempfile::tempdir().unwrap();
    copy_dir(&sample_corpus(), &home.path().join("news"));
    fs::create_dir(home.path().join("wire")).unwrap();
    fs::write(
        home.path().join("wire/a.story"),
        "Rates Story\n\nInterest rates rose.",
    )
    .unwrap();
    let commands = sh_block_after(&readme(), "## Your own articles");
    assert_eq!(commands.len(), 4, "{commands:?}");
    for command in commands {
        let (code, out) = run(home.path(), home.path(), &command);
        assert!(code == 0, "`{command}` exited {code}: {out}");
    }
    let (_, out) = run(
        home.path(),
        home.path(),
        "newsdex search --index ~/wire.idx rates",
    );
    assert!(
        out.contains("a.story"),
        "--ext story indexed the .story file: {out}"
    );
}
