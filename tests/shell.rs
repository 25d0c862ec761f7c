//! The completion scripts and man pages the built binary prints: each parses in the program
//! that reads it (bash, zsh, fish; groff), and says what the CLI has. The shells must be
//! installed (`.ci/run` installs zsh and fish when missing): a missing one fails, it does not
//! pass unseen.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_newsdex");

/// `newsdex ARGS…`: its stdout, after checking it succeeded with nothing on stderr.
fn newsdex(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().expect("run newsdex");
    assert!(out.status.success(), "newsdex {args:?}: {:?}", out.status);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Runs `program args…` with `input` on stdin: exit status and stdout + stderr.
fn run(program: &str, args: &[&str], input: &str) -> (bool, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| {
            panic!(
                "cannot run {program} ({err}): install it (apt-get install {program}; .ci/run does)"
            )
        });
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn each_completion_script_parses_in_its_shell() {
    for (shell, program, check) in [
        ("bash", "bash", vec!["-n"]),
        ("zsh", "zsh", vec!["-n"]),
        ("fish", "fish", vec!["--no-execute"]),
    ] {
        let script = newsdex(&["completions", shell]);
        for word in ["serve", "search", "index", "addr", "completions"] {
            assert!(script.contains(word), "{shell}: no `{word}` in the script");
        }
        let (parsed, said) = run(program, &check, &script);
        assert!(parsed && said.is_empty(), "{shell} cannot parse it: {said}");
    }
}

#[test]
fn bash_completes_subcommands_and_their_options() {
    let script = newsdex(&["completions", "bash"]);
    let complete = |words: &str| {
        let program = format!(
            "{script}\nCOMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _newsdex newsdex \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\""
        );
        let (ok, said) = run("bash", &[], &program);
        assert!(ok, "{said}");
        said
    };
    let subcommands = complete("newsdex se");
    assert_eq!(subcommands.lines().collect::<Vec<_>>(), ["search", "serve"]);
    assert!(
        complete("newsdex serve --a")
            .lines()
            .any(|line| line == "--addr")
    );
}

#[test]
fn man_pages_render_without_warnings() {
    for (page, expected) in [
        (
            vec!["man"],
            vec!["newsdex", "serve", "completions", "search"],
        ),
        (
            vec!["man", "serve"],
            vec!["newsdex-serve", "--addr", "/api/search"],
        ),
        (vec!["man", "search"], vec!["newsdex-search", "--articles"]),
    ] {
        let roff = newsdex(&page);
        assert!(
            roff.starts_with(".ie") && roff.contains(".TH "),
            "{page:?}: not roff"
        );
        let (ok, warnings) = run("groff", &["-man", "-Tutf8", "-ww", "-z"], &roff);
        assert!(ok && warnings.is_empty(), "{page:?}: {warnings}");
        let (ok, text) = run("groff", &["-man", "-Tascii", "-P-cbou"], &roff);
        assert!(ok, "{text}");
        for word in expected {
            assert!(text.contains(word), "{page:?}: no `{word}` in\n{text}");
        }
    }
    let out = Command::new(BIN)
        .args(["man", "nope"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("newsdex: no command `nope`; one of: index,")
    );
}
