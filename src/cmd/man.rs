//! `newsdex man [COMMAND]`: print a man page (roff), generated from the same clap definitions
//! that parse the command line.

use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

#[derive(Debug, Args)]
#[command(after_long_help = "\
Read it:     newsdex man | man -l -
             newsdex man search | man -l -
Install it:  newsdex man > ~/.local/share/man/man1/newsdex.1
             (and newsdex man COMMAND > ~/.local/share/man/man1/newsdex-COMMAND.1)")]
pub struct ManArgs {
    /// The command whose page to print (index, search, show, eval, serve, ...) [default:
    /// newsdex itself].
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

pub fn run(args: &ManArgs, mut cli: clap::Command) -> anyhow::Result<ExitCode> {
    cli.build();
    let page = match &args.command {
        None => clap_mangen::Man::new(cli),
        Some(name) => {
            let Some(sub) = cli.find_subcommand(name) else {
                let names: Vec<&str> = cli.get_subcommands().map(|sub| sub.get_name()).collect();
                anyhow::bail!("no command `{name}`; one of: {}", names.join(", "));
            };
            clap_mangen::Man::new(sub.clone()).title(format!("newsdex-{name}"))
        }
    };
    let mut roff = Vec::new();
    page.render(&mut roff).context("writing the man page")?;
    super::print_bytes(&roff, "the man page")?;
    Ok(ExitCode::SUCCESS)
}
