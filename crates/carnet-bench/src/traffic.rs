//! Counting what goes between a device and the hub, at two levels:
//!
//! - [`CountingTransport`] wraps the device's real [`Transport`] (HTTP) and
//!   counts round trips and the bytes of request and answer bodies, by kind
//!   of request (`sync`, `put_snapshot`, `snapshots`…);
//! - [`WireTap`] is a TCP relay on loopback between the device and the hub
//!   that counts every byte on the connection, HTTP headers included.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;

use carnet_device::Transport;
use carnet_protocol::{Request, SignedRequest, decode};
use carnet_sync::TransportError;
use serde::Serialize;

use crate::error::{BenchError, Res};

/// Requests of one kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RequestTally {
    /// How many.
    pub count: u64,
    /// Request bodies, bytes.
    pub bytes_up: u64,
    /// Answer bodies, bytes.
    pub bytes_down: u64,
}

/// What went through a [`CountingTransport`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Traffic {
    /// Requests sent (each is one HTTP round trip).
    pub round_trips: u64,
    /// Request bodies, bytes.
    pub bytes_up: u64,
    /// Answer bodies, bytes (error answers included).
    pub bytes_down: u64,
    /// The same, by kind of request.
    pub by_request: BTreeMap<String, RequestTally>,
}

impl Traffic {
    /// Requests of `kind` (`sync`, `put_snapshot`, `snapshots`, `devices`, `join`…).
    #[must_use]
    pub fn requests(&self, kind: &str) -> RequestTally {
        self.by_request.get(kind).copied().unwrap_or_default()
    }
}

/// The device's transport, counted.
#[derive(Debug)]
pub struct CountingTransport<T> {
    inner: T,
    traffic: Traffic,
}

impl<T: Transport> CountingTransport<T> {
    /// Counts what goes through `inner`.
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            traffic: Traffic::default(),
        }
    }

    /// What went through so far.
    #[must_use]
    pub fn traffic(&self) -> &Traffic {
        &self.traffic
    }
}

impl<T: Transport> Transport for CountingTransport<T> {
    fn post(&mut self, body: &[u8]) -> Result<Vec<u8>, TransportError> {
        let kind = request_kind(body);
        let answer = self.inner.post(body);
        let down = answer.as_ref().map_or(0, Vec::len) as u64;
        let up = body.len() as u64;
        self.traffic.round_trips += 1;
        self.traffic.bytes_up += up;
        self.traffic.bytes_down += down;
        let tally = self.traffic.by_request.entry(kind.to_owned()).or_default();
        tally.count += 1;
        tally.bytes_up += up;
        tally.bytes_down += down;
        answer
    }
}

/// The kind of an encoded `SignedRequest`, read back from its bytes.
fn request_kind(body: &[u8]) -> &'static str {
    let Ok(signed) = decode::<SignedRequest>(body) else {
        return "unreadable";
    };
    match decode::<Request>(&signed.body) {
        Ok(Request::CreateTeam { .. }) => "create_team",
        Ok(Request::CreateInvite(_)) => "create_invite",
        Ok(Request::Join { .. }) => "join",
        Ok(Request::Sync(_)) => "sync",
        Ok(Request::Devices) => "devices",
        Ok(Request::Revoke(_)) => "revoke",
        Ok(Request::PutSnapshot(_)) => "put_snapshot",
        Ok(Request::Snapshots { .. }) => "snapshots",
        Err(_) => "unreadable",
    }
}

/// Bytes counted by a [`WireTap`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WireBytes {
    /// From devices to the hub (TCP payload: HTTP request lines, headers and bodies).
    pub up: u64,
    /// From the hub to devices.
    pub down: u64,
}

impl WireBytes {
    /// What was counted between `earlier` and `self`.
    #[must_use]
    pub fn since(self, earlier: WireBytes) -> WireBytes {
        WireBytes {
            up: self.up.saturating_sub(earlier.up),
            down: self.down.saturating_sub(earlier.down),
        }
    }
}

/// A TCP relay on loopback in front of the hub that counts the bytes of
/// every connection through it. Devices are given its address instead of
/// the hub's; read [`WireTap::bytes`] before and after what is measured.
#[derive(Debug)]
pub struct WireTap {
    address: SocketAddr,
    up: Arc<AtomicU64>,
    down: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl WireTap {
    /// Starts relaying to `hub`.
    ///
    /// # Errors
    /// [`BenchError::Io`] when no loopback port can be bound.
    pub fn start(hub: SocketAddr) -> Res<Self> {
        let listener =
            TcpListener::bind("127.0.0.1:0").map_err(BenchError::io("cannot bind the wire tap"))?;
        let address = listener
            .local_addr()
            .map_err(BenchError::io("cannot read the wire tap's address"))?;
        let (up, down) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let stop = Arc::new(AtomicBool::new(false));
        let (up2, down2, stop2) = (Arc::clone(&up), Arc::clone(&down), Arc::clone(&stop));
        thread::spawn(move || {
            for client in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(hub) else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let (Ok(client2), Ok(server2)) = (client.try_clone(), server.try_clone()) else {
                    continue;
                };
                let (up, down) = (Arc::clone(&up2), Arc::clone(&down2));
                thread::spawn(move || relay(client, server2, &up));
                thread::spawn(move || relay(server, client2, &down));
            }
        });
        Ok(Self {
            address,
            up,
            down,
            stop,
        })
    }

    /// The address devices connect to, as a hub URL.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Bytes relayed so far.
    #[must_use]
    pub fn bytes(&self) -> WireBytes {
        WireBytes {
            up: self.up.load(Ordering::SeqCst),
            down: self.down.load(Ordering::SeqCst),
        }
    }
}

impl Drop for WireTap {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread so it sees `stop`.
        let _ = TcpStream::connect(self.address);
    }
}

/// Copies `from` to `to` until `from` closes, counting the bytes.
fn relay(mut from: TcpStream, mut to: TcpStream, counted: &AtomicU64) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                counted.fetch_add(n as u64, Ordering::SeqCst);
                if to.write_all(&buffer[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
