//! `newsdex serve`: answer searches over HTTP (a JSON API and a search page) until Ctrl-C.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;

use newsdex::corpus::display_path;
use newsdex::serve::{self, Limits, State};

use super::index_dir;

#[derive(Debug, Args)]
#[command(after_long_help = "\
Opens the index once and answers on every core until Ctrl-C (or SIGTERM), then lets the
requests under way finish. A commit that `newsdex index` makes while the server runs is
picked up within a second, without a restart; an index with no commit yet is answered with
503 until it has one.

Routes (all GET; answers in JSON, errors as {\"status\": 400, \"error\": \"...\"}):
  /                              the search page (/?q=cease-fire links to a search)
  /api/search?q=QUERY            limit (1-100, default 10), offset (0-10000), articles, plain:
                                 as search's flags; hits as search --json prints them, plus
                                 total {count, at_least} and took_ms
  /api/article?path=PATH         an indexed article as show --json prints it (PATH exactly as
                                 /api/search shows it); highlight=QUERY marks its words
  /healthz                       200 {\"status\":\"ok\"}, or 503 while no index is committed

It listens on 127.0.0.1 (this machine only) unless --addr says otherwise; it has no
authentication, so whoever can reach the address can read every indexed article.

Exit status: 0 stopped cleanly, 2 error (no index, address in use).

Examples:
  newsdex serve                            ./index at http://127.0.0.1:7700/
  newsdex serve --index ~/news.idx --addr 127.0.0.1:8080
  curl 'http://127.0.0.1:7700/api/search?q=cease-fire&limit=3'")]
pub struct ServeArgs {
    /// Index folder [default: index].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:7700")]
    pub addr: String,
}

pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let (dir, _) = index_dir(args.index.as_deref());
    let state = State::open(&dir)?;
    let listener = std::net::TcpListener::bind(&args.addr)
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener
        .local_addr()
        .context("reading the listening address")?;
    listener
        .set_nonblocking(true)
        .context("setting up the listening socket")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's threads")?;
    let shown = display_path(&dir);
    if !state.is_ready() {
        eprintln!(
            "newsdex: the index in {shown} holds no committed articles yet; searches answer 503 until `newsdex index` commits"
        );
    }
    if !addr.ip().is_loopback() {
        eprintln!(
            "newsdex: listening on {addr}, which other machines may reach: there is no authentication, so they can read every indexed article"
        );
    }
    eprintln!("newsdex: serving the index in {shown} at http://{addr}/ (Ctrl-C stops)");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)
            .context("setting up the listening socket")?;
        serve::run(
            listener,
            Arc::new(state),
            Limits::default(),
            stop_requested(),
        )
        .await;
        anyhow::Ok(())
    })?;
    eprintln!("newsdex: stopped");
    Ok(ExitCode::SUCCESS)
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM.
async fn stop_requested() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
