//! `carnet-serve`: Carnet in a web browser on this computer, for machines
//! without the tablet shell and for browser tests.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use carnet_app::Session;
use carnet_app::serve::{Served, serve};
use carnet_store::KdfParams;
use clap::Parser;

/// Serve Carnet's screens to a web browser on this computer only.
#[derive(Parser, Debug)]
#[command(name = "carnet-serve", version)]
struct Args {
    /// The notebook's directory.
    #[arg(long, env = "CARNET_DIR")]
    dir: PathBuf,
    /// The built UI (`ui/dist`).
    #[arg(long, env = "CARNET_UI", default_value = "ui/dist")]
    ui: PathBuf,
    /// Where to listen: a loopback address; port 0 lets the system choose.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Lock after this many minutes without use.
    #[arg(long, default_value_t = 10)]
    lock_after_min: u64,
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    if !args.listen.ip().is_loopback() {
        bail!("browser mode listens on this computer only: use 127.0.0.1");
    }
    if !args.ui.join("index.html").exists() {
        bail!(
            "the UI is not built in {}: run `npm --prefix ui run build`",
            args.ui.display()
        );
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let addr = listener.local_addr()?;
        let session = Session::new(
            &args.dir,
            KdfParams::DEVICE,
            Duration::from_secs(args.lock_after_min.max(1) * 60),
        );
        let served = Arc::new(Served::new(session, addr));
        println!("Carnet is open at http://{addr}/?token={}", served.token());
        serve(listener, served, args.ui).await?;
        Ok(())
    })
}
