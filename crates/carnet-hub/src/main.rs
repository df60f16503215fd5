//! `carnet-hub`: runs the sync hub. `serve` opens `hub.db` in the data
//! directory, listens on plain HTTP (put a TLS-terminating reverse proxy in
//! front of it), prints `listening on http://ADDR` once bound, and stops
//! cleanly on SIGTERM or Ctrl-C. Logs go to stderr.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use carnet_hub::{AppState, Hub, HubConfig, RateLimit, SqliteStorage, router};
use clap::{Args, Parser, Subcommand, ValueEnum};
use tracing_subscriber::EnvFilter;

#[derive(Parser, Debug)]
#[command(
    name = "carnet-hub",
    version,
    about = "Carnet's sync hub: relays the encrypted entries of teams' devices"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve devices until SIGTERM or Ctrl-C.
    Serve(ServeArgs),
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// The directory of the hub's database (created if missing).
    #[arg(long, env = "CARNET_HUB_DATA")]
    data: PathBuf,
    /// The address to listen on; port 0 picks a free port.
    #[arg(long, env = "CARNET_HUB_LISTEN", default_value = "127.0.0.1:7420")]
    listen: SocketAddr,
    /// Requests per second each device may send, sustained.
    #[arg(long, default_value_t = RateLimit::default().per_second)]
    rate: f64,
    /// Requests each device may send at once.
    #[arg(long, default_value_t = RateLimit::default().burst)]
    burst: u32,
    /// How logs are written on stderr (the level comes from RUST_LOG, `info` by default).
    #[arg(long, env = "CARNET_HUB_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per event, for log collectors.
    Json,
}

fn init_logs(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("stopping: finishing the requests under way");
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.data)
        .with_context(|| format!("cannot create the data directory {}", args.data.display()))?;
    let storage = SqliteStorage::open(&args.data)?;
    let config = HubConfig {
        rate_limit: RateLimit {
            per_second: args.rate,
            burst: args.burst,
        },
        ..HubConfig::default()
    };
    let app = router(AppState::new(Hub::new(storage, config)));
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}; choose another address or port", args.listen))?;
    let address = listener
        .local_addr()
        .context("cannot read the address listened on")?;
    {
        // Scripts and tests read the port from this line.
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on http://{address}")?;
        stdout.flush()?;
    }
    tracing::info!(%address, data = %args.data.display(), "carnet-hub listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server stopped on an error")?;
    tracing::info!("stopped");
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            init_logs(args.log_format);
            match serve(args).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "carnet-hub stopped");
                    eprintln!("carnet-hub: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
