//! `newsdex serve`: answer searches over HTTP (a JSON API and a search page) until Ctrl-C.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, mpsc};
use std::thread::{self, JoinHandle};

use anyhow::Context;
use clap::Args;

use newsdex::corpus::display_path;
use newsdex::serve::{self, Limits, State};
use newsdex::watch::{self, Change, Stop};

use super::index::{self, IndexArgs, Told};
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

--watch CORPUS indexes CORPUS first, then serves while keeping the index up with it, as
`newsdex index CORPUS --watch` would in another process: a new article is found about a
second after its file's last write. Ctrl-C lets the batch at hand commit.

Exit status: 0 stopped cleanly, 2 error (no index, address in use).

Examples:
  newsdex serve                            ./index at http://127.0.0.1:7700/
  newsdex serve --index ~/news.idx --addr 127.0.0.1:8080
  curl 'http://127.0.0.1:7700/api/search?q=cease-fire&limit=3'
  newsdex serve --watch ~/wire --index ~/wire.idx   index and serve a folder that grows")]
pub struct ServeArgs {
    /// Index folder [default: index].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:7700")]
    pub addr: String,
    /// Index this folder too, and keep up with it while serving.
    #[arg(long, value_name = "CORPUS")]
    pub watch: Option<PathBuf>,
}

pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let (dir, _) = index_dir(args.index.as_deref());
    let watcher = args
        .watch
        .as_deref()
        .map(|corpus| start_watching(corpus, args.index.as_deref()))
        .transpose()?;
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
    // The signal that stopped the server stops the watcher too, once its batch is committed.
    if let Some(watcher) = watcher {
        let _ = watcher.join();
    }
    eprintln!("newsdex: stopped");
    Ok(ExitCode::SUCCESS)
}

/// Indexes `corpus` into the index folder, then keeps it up with the folder on a thread of
/// its own until Ctrl-C: returns once the first run is done (so the server opens the index
/// it made), or with its error.
fn start_watching(corpus: &Path, index: Option<&Path>) -> anyhow::Result<JoinHandle<()>> {
    let stop = Stop::on_signals().context("catching Ctrl-C")?;
    let config = index::watch_config(&IndexArgs {
        corpus: corpus.to_path_buf(),
        index: index.map(Path::to_path_buf),
        extensions: Vec::new(),
        memory: index::MEMORY_BUDGET_MB,
        repair: false,
        year: None,
        watch: true,
    });
    let (caught_up, first_run) = mpsc::channel();
    let shown = corpus.display().to_string();
    let corpus = corpus.to_path_buf();
    let watcher = thread::spawn(move || {
        let mut told = Told::new(&corpus);
        let watched = watch::watch(&config, &stop, |change| {
            told.tell(&change);
            if matches!(change, Change::CaughtUp(_)) {
                let _ = caught_up.send(Ok(()));
            }
        });
        if let Err(err) = watched {
            // Before the first run ended, the caller says it; after, no one else would.
            if let Err(mpsc::SendError(Err(err))) = caught_up.send(Err(err)) {
                eprintln!("newsdex: {err:#}; the folder is no longer watched");
            }
        }
    });
    match first_run.recv() {
        Ok(Ok(())) => Ok(watcher),
        Ok(Err(err)) => Err(err),
        Err(_) => anyhow::bail!("watching {shown} ended before its first run did"),
    }
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
