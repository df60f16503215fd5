//! The real hub (`carnet_hub::router` over SQLite) served in this process
//! on a loopback port chosen by the OS, with a [`WireTap`] in front of it.

use std::net::SocketAddr;
use std::path::Path;

use carnet_hub::{AppState, Hub, HubConfig, RateLimit, SqliteStorage, router};
use tempfile::TempDir;

use crate::error::{BenchError, Res};
use crate::traffic::{WireBytes, WireTap};

/// A hub on loopback, stopped when dropped.
#[derive(Debug)]
pub struct LoopbackHub {
    runtime: Option<tokio::runtime::Runtime>,
    tap: WireTap,
    data: TempDir,
}

impl LoopbackHub {
    /// Starts a hub with an empty database in a temporary directory.
    ///
    /// Its rate limit is raised far above the default (20 requests a second
    /// per device, 60 at once): preparing a team for the join scenario sends
    /// every document's snapshot from one device in a few seconds. The
    /// measured syncs stay within the default limit.
    ///
    /// # Errors
    /// [`BenchError::Io`] or [`BenchError::Hub`] when it cannot start.
    pub fn start() -> Res<Self> {
        let data = tempfile::Builder::new()
            .prefix("carnet-bench-hub-")
            .tempdir()
            .map_err(BenchError::io("cannot make the hub's directory"))?;
        let storage = SqliteStorage::open(data.path())?;
        let config = HubConfig {
            rate_limit: RateLimit {
                per_second: 1_000_000.0,
                burst: 1_000_000,
            },
            ..HubConfig::default()
        };
        let app = router(AppState::new(Hub::new(storage, config)));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("carnet-bench-hub")
            .enable_all()
            .build()
            .map_err(BenchError::io("cannot start the hub's runtime"))?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .map_err(BenchError::io("cannot bind the hub to a loopback port"))?;
        let address: SocketAddr = listener
            .local_addr()
            .map_err(BenchError::io("cannot read the hub's address"))?;
        runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let tap = WireTap::start(address)?;
        Ok(Self {
            runtime: Some(runtime),
            tap,
            data,
        })
    }

    /// The URL devices are given (through the wire tap).
    #[must_use]
    pub fn url(&self) -> String {
        self.tap.url()
    }

    /// Bytes relayed between devices and the hub so far.
    #[must_use]
    pub fn wire(&self) -> WireBytes {
        self.tap.bytes()
    }

    /// The hub's data directory.
    #[must_use]
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }
}

impl Drop for LoopbackHub {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
