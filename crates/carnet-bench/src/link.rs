//! A slow mobile link between a device and the hub, emulated in this
//! process: [`ShapedLink`] is a TCP relay on loopback that holds each
//! direction's bytes back as a link of that rate and delay would deliver
//! them.
//!
//! The model is `tc netem delay D rate R` on each end of a link: a segment
//! waits until the previous one has been sent, takes its size (TCP/IP
//! headers included) over the rate to send, then arrives half the round trip
//! later. A new connection first pays one round trip (the TCP handshake).
//! The kernel's `netem` would do this below TCP, but the kernels the project
//! runs on are built without it (`CONFIG_NET_SCH_NETEM` is not set), so the
//! relay does it above TCP. What it leaves out: the acknowledgements that
//! share the opposite direction, TCP's slow start and losses. With these
//! rates every window holds several seconds of data, so the link's rate, not
//! TCP, is what limits.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::error::{BenchError, Res};

/// Bytes of payload in one TCP segment (an Ethernet-sized MTU, timestamps on).
pub const SEGMENT_PAYLOAD: usize = 1_448;
/// IPv4 and TCP headers (with the timestamp option) of each segment.
pub const SEGMENT_HEADERS: usize = 52;

/// A mobile link, as the issue gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinkProfile {
    /// Its name on the command line (`gprs`, `2g`).
    pub name: String,
    /// Hub to device, kbit/s (1,000 bit/s).
    pub down_kbit: u32,
    /// Device to hub, kbit/s.
    pub up_kbit: u32,
    /// Round trip, milliseconds (half of it in each direction).
    pub rtt_ms: u32,
}

impl LinkProfile {
    /// GPRS: 50 kbit/s down, 20 up, 500 ms round trip.
    #[must_use]
    pub fn gprs() -> Self {
        Self::new("gprs", 50, 20, 500)
    }

    /// 2G (EDGE): 250 kbit/s down, 50 up, 300 ms round trip.
    #[must_use]
    pub fn two_g() -> Self {
        Self::new("2g", 250, 50, 300)
    }

    fn new(name: &str, down_kbit: u32, up_kbit: u32, rtt_ms: u32) -> Self {
        Self {
            name: name.to_owned(),
            down_kbit,
            up_kbit,
            rtt_ms,
        }
    }

    /// Every known profile, slowest first.
    #[must_use]
    pub fn all() -> Vec<Self> {
        vec![Self::gprs(), Self::two_g()]
    }

    /// The profile called `name` (`gprs`, `2g`).
    ///
    /// # Errors
    /// [`BenchError::Scenario`] for an unknown name.
    pub fn named(name: &str) -> Res<Self> {
        Self::all()
            .into_iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                BenchError::Scenario(format!("no link profile is called {name:?}; use gprs or 2g"))
            })
    }

    /// The round trip.
    #[must_use]
    pub fn rtt(&self) -> Duration {
        Duration::from_millis(u64::from(self.rtt_ms))
    }

    /// Seconds to send `bytes` of TCP payload at `kbit` kbit/s, headers included.
    #[must_use]
    pub fn send_seconds(bytes: u64, kbit: u32) -> f64 {
        let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        on_the_link(bytes) as f64 * 8.0 / (f64::from(kbit.max(1)) * 1_000.0)
    }
}

/// Bytes that `payload` bytes of TCP payload take on the link, headers included.
fn on_the_link(payload: usize) -> usize {
    payload + payload.div_ceil(SEGMENT_PAYLOAD) * SEGMENT_HEADERS
}

/// One direction of a link: when each segment arrives.
#[derive(Clone, Copy, Debug)]
struct Direction {
    /// Seconds per byte.
    byte_time: f64,
    /// One-way delay.
    delay: Duration,
    /// When the link has sent everything given so far.
    free_at: Instant,
}

impl Direction {
    fn new(kbit: u32, delay: Duration, free_at: Instant) -> Self {
        Self {
            byte_time: 8.0 / (f64::from(kbit.max(1)) * 1_000.0),
            delay,
            free_at,
        }
    }

    /// `payload` bytes (one segment, or 0 for the closing FIN) handed to
    /// the link at `now`: when they arrive at the other end.
    fn arrival(&mut self, payload: usize, now: Instant) -> Instant {
        let start = self.free_at.max(now);
        let bytes = if payload == 0 {
            SEGMENT_HEADERS
        } else {
            on_the_link(payload)
        };
        self.free_at = start + Duration::from_secs_f64(bytes as f64 * self.byte_time);
        self.free_at + self.delay
    }
}

/// A relay on loopback in front of the hub that delays and paces each
/// direction as [`LinkProfile`] says. Give devices [`ShapedLink::url`].
#[derive(Debug)]
pub struct ShapedLink {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl ShapedLink {
    /// Starts relaying to `hub` through a link of `profile`.
    ///
    /// # Errors
    /// [`BenchError::Io`] when no loopback port can be bound.
    pub fn start(hub: SocketAddr, profile: &LinkProfile) -> Res<Self> {
        let listener =
            TcpListener::bind("127.0.0.1:0").map_err(BenchError::io("cannot bind the slow link"))?;
        let address = listener
            .local_addr()
            .map_err(BenchError::io("cannot read the slow link's address"))?;
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = Arc::clone(&stop);
        let profile = profile.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let opened = Instant::now();
                let Ok(server) = TcpStream::connect(hub) else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let (Ok(client2), Ok(server2)) = (client.try_clone(), server.try_clone()) else {
                    continue;
                };
                let half = profile.rtt() / 2;
                // The device can send its first byte once the handshake's
                // SYN and SYN-ACK have crossed: one round trip.
                let up = Direction::new(profile.up_kbit, half, opened + profile.rtt());
                let down = Direction::new(profile.down_kbit, half, opened);
                thread::spawn(move || pace(client, server2, up));
                thread::spawn(move || pace(server, client2, down));
            }
        });
        Ok(Self { address, stop })
    }

    /// The address devices connect to, as a hub URL.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

impl Drop for ShapedLink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread so it sees `stop`.
        let _ = TcpStream::connect(self.address);
    }
}

/// Relays `from` to `to` through `link`: one thread reads and stamps each
/// segment with its arrival, another writes it out at that moment.
fn pace(mut from: TcpStream, mut to: TcpStream, mut link: Direction) {
    let (segments, arriving) = mpsc::channel::<(Instant, Vec<u8>)>();
    let writer = thread::spawn(move || {
        for (at, segment) in arriving {
            let now = Instant::now();
            if at > now {
                thread::sleep(at - now);
            }
            if segment.is_empty() {
                break;
            }
            if to.write_all(&segment).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buffer) {
            Ok(0) | Err(_) => 0,
            Ok(n) => n,
        };
        let now = Instant::now();
        if n == 0 {
            // The FIN crosses the link too.
            let _ = segments.send((link.arrival(0, now), Vec::new()));
            break;
        }
        for segment in buffer[..n].chunks(SEGMENT_PAYLOAD) {
            if segments
                .send((link.arrival(segment.len(), now), segment.to_vec()))
                .is_err()
            {
                break;
            }
        }
    }
    let _ = writer.join();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_waits_for_the_previous_then_crosses() {
        let t0 = Instant::now();
        // 8 kbit/s: one byte a millisecond.
        let mut link = Direction::new(8, Duration::from_millis(100), t0);
        let full = SEGMENT_PAYLOAD + SEGMENT_HEADERS; // 1,500 ms to send
        let first = link.arrival(SEGMENT_PAYLOAD, t0);
        assert_eq!(first - t0, Duration::from_millis(full as u64 + 100));
        // Handed over at the same moment: queued behind the first.
        let second = link.arrival(SEGMENT_PAYLOAD, t0);
        assert_eq!(second - t0, Duration::from_millis(2 * full as u64 + 100));
        // After a quiet moment the link is free again.
        let later = t0 + Duration::from_secs(10);
        let third = link.arrival(48, later);
        assert_eq!(third - later, Duration::from_millis(100 + 100));
        // The FIN is a bare header.
        let fin = link.arrival(0, later + Duration::from_secs(10));
        assert_eq!(
            fin - (later + Duration::from_secs(10)),
            Duration::from_millis(152)
        );
    }

    #[test]
    fn headers_are_counted_per_segment() {
        let cases = [(0, 0), (1, 53), (1_448, 1_500), (1_449, 1_553), (10_000, 10_364)];
        for (payload, expected) in cases {
            assert_eq!(on_the_link(payload), expected, "{payload}");
        }
        // 10 KB at 20 kbit/s, headers included.
        let seconds = LinkProfile::send_seconds(10_000, 20);
        assert!((seconds - 10_364.0 * 8.0 / 20_000.0).abs() < 1e-9);
    }

    #[test]
    fn profiles_are_found_by_name() {
        assert_eq!(LinkProfile::named("GPRS").unwrap(), LinkProfile::gprs());
        assert_eq!(LinkProfile::named("2g").unwrap().up_kbit, 50);
        assert!(LinkProfile::named("5g").is_err());
    }
}
