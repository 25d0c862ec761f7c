//! `newsdex completions SHELL`: print a completion script for bash, zsh or fish, generated
//! from the same clap definitions that parse the command line.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use clap_complete::Shell as Generator;

#[derive(Debug, Args)]
#[command(after_long_help = "\
Install (then open a new shell):
  bash  newsdex completions bash > ~/.local/share/bash-completion/completions/newsdex
  zsh   newsdex completions zsh > ~/.zfunc/_newsdex   (with fpath+=(~/.zfunc) before compinit)
  fish  newsdex completions fish > ~/.config/fish/completions/newsdex.fish")]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The shells whose scripts are tested to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

pub fn run(args: &CompletionsArgs, mut cli: clap::Command) -> anyhow::Result<ExitCode> {
    let generator = match args.shell {
        Shell::Bash => Generator::Bash,
        Shell::Zsh => Generator::Zsh,
        Shell::Fish => Generator::Fish,
    };
    // Into memory first: the generator panics on a write error, a closed pipe included.
    let mut script = Vec::new();
    clap_complete::generate(generator, &mut cli, "newsdex", &mut script);
    super::print_bytes(&script, "the completion script")?;
    Ok(ExitCode::SUCCESS)
}
