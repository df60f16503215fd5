//! Scenario 7, `side-by-side`: Carnet's sync and samod's (the Rust
//! automerge-repo, a dependency of this crate) on the same case files and
//! the same day's work, in one run.
//!
//! Data flow: a [`Team`] is set up from the demo notebook, and Carnet's
//! scenarios 3 (a quiet reconnect) and 2 (a day's work) run on it as they do
//! on their own. Every case file is exported from the lead's device (its
//! Automerge document, [`carnet_device::Device::export_automerge`]) before
//! the day's work, and the visited ones again after it. Then two samod
//! repos, peer A and peer B, each with its own in-memory storage, run on one
//! tokio runtime (2 worker threads). A creates one document per case file
//! from the first export and listens on a loopback port; B dials A through a
//! [`FrameTap`], a TCP relay that counts the bytes and the messages (samod's
//! length-delimited frames) each way. Measured, in this order:
//!
//! 1. B fetches every document (`Repo::find`), as a new device would;
//! 2. B disconnects and reconnects with nothing changed (scenario 3);
//! 3. B disconnects, A merges the day's changes (the very Automerge changes
//!    the lead's device made in scenario 2), B reconnects (scenario 2).
//!
//! Each ends when samod says every document on B is in step with A
//! (`DocHandle::they_have_our_changes` and `we_have_their_changes` on the
//! connection) and the connection has then been silent for [`QUIET`]; its
//! time runs from the dial to the last message relayed. After each, every
//! document on B must have the same heads as on A.
//!
//! A samod "round trip" is counted in Carnet's unit, one message each way:
//! the messages relayed in both directions, halved (rounded up). samod sends
//! its messages without waiting for answers, one conversation per document,
//! so the longest conversation of one document is reported too: it is what
//! a slow link would wait for in sequence.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use automerge::{Automerge, ChangeHash};
use samod::storage::InMemoryStorage;
use samod::{BackoffConfig, DialerHandle, DocHandle, PeerId, Repo, Url};
use serde::Serialize;

use crate::day::{self, DayReport};
use crate::error::{BenchError, Res};
use crate::measure::kb;
use crate::notebook::DemoNotebook;
use crate::quiet::{self, QuietSync};
use crate::team::Team;

/// The samod release compared (as locked in Cargo.lock).
pub const SAMOD_VERSION: &str = "0.16.0";

/// How long the connection must stay silent, once samod says every document
/// is in step, before a measurement ends.
pub const QUIET: Duration = Duration::from_secs(2);

/// How long one samod measurement may take before the scenario gives up.
pub const PHASE_LIMIT: Duration = Duration::from_secs(3_600);

/// Messages of one kind (samod's `type`: `sync`, `request`, `join`, `peer`…).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KindTally {
    /// How many.
    pub messages: u64,
    /// Their frames, bytes (length prefix included).
    pub bytes: u64,
}

/// What went one way through a [`FrameTap`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FrameTally {
    /// Whole messages (frames).
    pub messages: u64,
    /// TCP payload, bytes: the messages and their 4-byte length prefixes.
    pub bytes: u64,
    /// The same by kind of message.
    pub by_kind: BTreeMap<String, KindTally>,
}

impl FrameTally {
    /// Messages of `kind`.
    #[must_use]
    pub fn kind(&self, kind: &str) -> KindTally {
        self.by_kind.get(kind).copied().unwrap_or_default()
    }
}

/// One measured samod exchange between peer B (the dialer) and peer A.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PeerSync {
    /// From B's dial to the last message relayed, seconds.
    pub seconds: f64,
    /// From B to A.
    pub b_to_a: FrameTally,
    /// From A to B.
    pub a_to_b: FrameTally,
    /// Documents named by at least one message.
    pub documents_in_messages: usize,
    /// The most messages (both ways) about one document: the longest
    /// conversation, which a slow link would wait for in sequence.
    pub longest_conversation: u64,
    /// Documents whose heads on B were checked against A's afterwards (all
    /// of them).
    pub documents_checked: usize,
}

impl PeerSync {
    /// Messages both ways.
    #[must_use]
    pub fn messages(&self) -> u64 {
        self.b_to_a.messages + self.a_to_b.messages
    }

    /// Bytes both ways.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.b_to_a.bytes + self.a_to_b.bytes
    }

    /// Round trips in Carnet's unit (one message each way): the messages
    /// both ways, halved, rounded up.
    #[must_use]
    pub fn round_trips(&self) -> u64 {
        self.messages().div_ceil(2)
    }

    /// One line: time, messages and bytes each way.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "{:.2} s; B->A {} messages {:.1} KB; A->B {} messages {:.1} KB; {} round trips",
            self.seconds,
            self.b_to_a.messages,
            kb(self.b_to_a.bytes),
            self.a_to_b.messages,
            kb(self.a_to_b.bytes),
            self.round_trips()
        )
    }
}

/// Carnet's figure over samod's.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Ratio {
    /// Bytes on the wire, both ways.
    pub bytes: f64,
    /// Round trips.
    pub round_trips: f64,
    /// Wall time.
    pub seconds: f64,
}

impl Ratio {
    fn of(carnet: (u64, u64, f64), samod: &PeerSync) -> Self {
        let over = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        Self {
            bytes: over(carnet.0 as f64, samod.bytes() as f64),
            round_trips: over(carnet.1 as f64, samod.round_trips() as f64),
            seconds: over(carnet.2, samod.seconds),
        }
    }
}

/// The results of scenario 7.
#[derive(Clone, Debug, Serialize)]
pub struct SideBySideReport {
    /// Case files (documents) on both sides.
    pub people: usize,
    /// The samod release.
    pub samod_version: String,
    /// Carnet's quiet reconnect (scenario 3) on this caseload.
    pub carnet_quiet: QuietSync,
    /// Carnet's day's work (scenario 2) on this caseload.
    pub carnet_day: DayReport,
    /// Peer A creating a document from each case file, seconds.
    pub samod_setup_seconds: f64,
    /// Peer B fetching every document.
    pub samod_fetch: PeerSync,
    /// Peer B reconnecting with nothing changed.
    pub samod_quiet: PeerSync,
    /// Peer B reconnecting after A merged the day's changes.
    pub samod_day: PeerSync,
}

impl SideBySideReport {
    /// Carnet over samod for the quiet reconnect.
    #[must_use]
    pub fn quiet_ratio(&self) -> Ratio {
        let s = &self.carnet_quiet.sync;
        Ratio::of(
            (s.wire.up + s.wire.down, s.traffic.round_trips, s.seconds),
            &self.samod_quiet,
        )
    }

    /// Carnet over samod for the day's work.
    #[must_use]
    pub fn day_ratio(&self) -> Ratio {
        let s = &self.carnet_day.sync;
        Ratio::of(
            (s.wire.up + s.wire.down, s.traffic.round_trips, s.seconds),
            &self.samod_day,
        )
    }
}

/// Runs scenario 7 on `notebook`: Carnet's scenarios 3 and 2 (`visits`
/// visits chosen with `seed`), then samod's peers on the same documents and
/// changes. `progress` is told what starts.
///
/// # Errors
/// Device, hub and I/O errors; [`BenchError::Scenario`] when samod fails,
/// times out, or leaves a document on B with other heads than on A.
pub fn run(
    notebook: &DemoNotebook,
    visits: usize,
    seed: u64,
    progress: &mut dyn FnMut(&str),
) -> Res<SideBySideReport> {
    let people = notebook.people();
    progress(&format!(
        "Carnet: creating a team and uploading {people} case files"
    ));
    let mut team = Team::new(notebook)?;
    progress("Carnet: scenario 3, quiet reconnect");
    let carnet_quiet = quiet::run(&mut team)?;
    progress("exporting every case file's Automerge document");
    let mut documents = Vec::new();
    for case in team.lead.case_ids()? {
        let case = case.to_string();
        let (_, bytes) = team.lead.export_automerge(&case)?;
        documents.push((case, bytes));
    }
    progress(&format!("Carnet: scenario 2, a day's work of {visits} visits"));
    let carnet_day = day::run(&mut team, visits, seed)?;
    let mut changed = Vec::new();
    for case in &carnet_day.cases {
        let (_, bytes) = team.lead.export_automerge(case)?;
        changed.push((case.clone(), bytes));
    }
    drop(team);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("carnet-bench-samod")
        .enable_all()
        .build()
        .map_err(BenchError::io("cannot start samod's runtime"))?;
    let samod = runtime.block_on(samod_side(documents, changed, progress))?;
    runtime.shutdown_background();
    Ok(SideBySideReport {
        people,
        samod_version: SAMOD_VERSION.to_owned(),
        carnet_quiet,
        carnet_day,
        samod_setup_seconds: samod.setup_seconds,
        samod_fetch: samod.fetch,
        samod_quiet: samod.quiet,
        samod_day: samod.day,
    })
}

struct SamodRun {
    setup_seconds: f64,
    fetch: PeerSync,
    quiet: PeerSync,
    day: PeerSync,
}

fn samod_error(what: &str, error: impl fmt::Display) -> BenchError {
    BenchError::Scenario(format!("samod: {what}: {error}"))
}

/// Peer A with `documents` (case file id and Automerge bytes), peer B
/// fetching them, reconnecting, then reconnecting again once A merged
/// `changed` (the same, after the day's work).
async fn samod_side(
    documents: Vec<(String, Vec<u8>)>,
    changed: Vec<(String, Vec<u8>)>,
    progress: &mut dyn FnMut(&str),
) -> Res<SamodRun> {
    let peer_a = Repo::build_tokio()
        .with_storage(InMemoryStorage::new())
        .with_peer_id(PeerId::from("carnet-bench-peer-a"))
        .load()
        .await;
    let peer_b = Repo::build_tokio()
        .with_storage(InMemoryStorage::new())
        .with_peer_id(PeerId::from("carnet-bench-peer-b"))
        .load()
        .await;

    progress(&format!(
        "samod: peer A creates {} documents from the case files",
        documents.len()
    ));
    let started = Instant::now();
    let mut on_a = Vec::with_capacity(documents.len());
    let mut by_case = HashMap::with_capacity(documents.len());
    for (case, bytes) in &documents {
        let document = Automerge::load(bytes).map_err(|e| samod_error("cannot load a case file", e))?;
        let handle = peer_a
            .create(document)
            .await
            .map_err(|e| samod_error("peer A stopped", e))?;
        by_case.insert(case.clone(), on_a.len());
        on_a.push(handle);
    }
    let setup_seconds = started.elapsed().as_secs_f64();
    drop(documents);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(BenchError::io("cannot bind peer A to a loopback port"))?;
    let address = listener
        .local_addr()
        .map_err(BenchError::io("cannot read peer A's address"))?;
    let acceptor = peer_a
        .make_acceptor(tcp_url(address)?)
        .map_err(|e| samod_error("peer A stopped", e))?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            if acceptor.accept_tokio_io(stream).is_err() {
                break;
            }
        }
    });
    let tap = FrameTap::start(address)?;
    let url = tcp_url(tap.address)?;

    progress("samod: peer B fetches every document");
    let started = Instant::now();
    let dialer = dial(&peer_b, &url).await?;
    let mut finds = Vec::with_capacity(on_a.len());
    for handle in &on_a {
        finds.push(tokio::spawn(peer_b.find(handle.document_id().clone())));
    }
    let mut on_b = Vec::with_capacity(finds.len());
    for find in finds {
        let found = find
            .await
            .map_err(|e| samod_error("a search failed", e))?
            .map_err(|e| samod_error("peer B stopped", e))?;
        on_b.push(found.ok_or_else(|| {
            BenchError::Scenario("samod: peer B did not find a document peer A holds".into())
        })?);
    }
    let fetch = settle(&tap, &dialer, &on_a, &on_b, started).await?;
    progress(&fetch.summary());
    disconnect(&tap, &dialer).await?;

    progress("samod: peer B reconnects with nothing changed");
    let started = Instant::now();
    let dialer = dial(&peer_b, &url).await?;
    let quiet = settle(&tap, &dialer, &on_a, &on_b, started).await?;
    progress(&quiet.summary());
    disconnect(&tap, &dialer).await?;

    progress(&format!(
        "samod: peer A merges the day's changes to {} documents; peer B reconnects",
        changed.len()
    ));
    for (case, bytes) in &changed {
        let handle = by_case
            .get(case)
            .map(|&i| &on_a[i])
            .ok_or_else(|| BenchError::Scenario(format!("samod: no document holds case file {case}")))?;
        let before = handle.with_document(|d| d.get_heads());
        let after = handle.with_document(|d| {
            d.load_incremental(bytes)?;
            Ok::<_, automerge::AutomergeError>(d.get_heads())
        });
        let after = after.map_err(|e| samod_error("cannot merge a day's change", e))?;
        if after == before {
            return Err(BenchError::Scenario(format!(
                "samod: the day's work changed nothing in case file {case}"
            )));
        }
    }
    let started = Instant::now();
    let dialer = dial(&peer_b, &url).await?;
    let day = settle(&tap, &dialer, &on_a, &on_b, started).await?;
    progress(&day.summary());
    dialer.close();

    peer_b.stop().await;
    peer_a.stop().await;
    Ok(SamodRun {
        setup_seconds,
        fetch,
        quiet,
        day,
    })
}

fn tcp_url(address: SocketAddr) -> Res<Url> {
    Url::parse(&format!("tcp://{address}")).map_err(|e| samod_error("bad address", e))
}

async fn dial(peer_b: &Repo, url: &Url) -> Res<DialerHandle> {
    let backoff = BackoffConfig {
        initial_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(1),
        max_retries: Some(5),
    };
    let dialer = peer_b
        .dial_tcp(url.clone(), backoff)
        .map_err(|e| samod_error("peer B cannot dial", e))?;
    dialer
        .established()
        .await
        .map_err(|e| samod_error("peer B cannot reach peer A", e))?;
    Ok(dialer)
}

/// Waits until samod says every document on B is in step with A over the
/// dialer's connection and the connection has been silent for [`QUIET`],
/// then checks every document's heads and takes the tap's counts.
async fn settle(
    tap: &FrameTap,
    dialer: &DialerHandle,
    on_a: &[DocHandle],
    on_b: &[DocHandle],
    started: Instant,
) -> Res<PeerSync> {
    let connection = dialer
        .connection_id()
        .ok_or_else(|| BenchError::Scenario("samod: peer B lost its connection".into()))?;
    let mut waits = Vec::with_capacity(2 * on_b.len());
    for handle in on_b {
        waits.push(tokio::spawn(handle.they_have_our_changes(connection)));
        waits.push(tokio::spawn(handle.we_have_their_changes(connection)));
    }
    let in_step = async {
        for wait in waits {
            wait.await.map_err(|e| samod_error("a wait failed", e))?;
        }
        Ok::<_, BenchError>(())
    };
    tokio::time::timeout(PHASE_LIMIT, in_step)
        .await
        .map_err(|_| BenchError::Scenario(format!("samod: not in step after {PHASE_LIMIT:?}")))??;
    let limit = Instant::now() + PHASE_LIMIT;
    while tap.silent_for() < QUIET {
        if Instant::now() > limit {
            return Err(BenchError::Scenario(format!(
                "samod: the connection was never silent for {QUIET:?}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let counted = tap.take();
    let mut differ = 0;
    for (a, b) in on_a.iter().zip(on_b) {
        let heads: Vec<ChangeHash> = a.with_document(|d| d.get_heads());
        if b.document_id() != a.document_id() || b.with_document(|d| d.get_heads()) != heads {
            differ += 1;
        }
    }
    if differ > 0 {
        return Err(BenchError::Scenario(format!(
            "samod: {differ} documents on peer B have other heads than on peer A"
        )));
    }
    let seconds = counted
        .last_frame
        .map_or(0.0, |last| last.saturating_duration_since(started).as_secs_f64());
    Ok(PeerSync {
        seconds,
        b_to_a: counted.b_to_a,
        a_to_b: counted.a_to_b,
        documents_in_messages: counted.documents.len(),
        longest_conversation: counted.documents.values().copied().max().unwrap_or(0),
        documents_checked: on_b.len(),
    })
}

/// Closes B's connection, waits for the relay to see it end, and drops what
/// the closing sent.
async fn disconnect(tap: &FrameTap, dialer: &DialerHandle) -> Res<()> {
    dialer.close();
    let limit = Instant::now() + Duration::from_secs(60);
    while tap.open.load(Ordering::SeqCst) > 0 || tap.silent_for() < Duration::from_millis(200) {
        if Instant::now() > limit {
            return Err(BenchError::Scenario(
                "samod: peer B's connection did not close".into(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = tap.take();
    Ok(())
}

/// The direction of a relayed byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    BToA,
    AToB,
}

/// What a [`FrameTap`] counted since it was last taken.
#[derive(Debug, Default)]
struct Counted {
    b_to_a: FrameTally,
    a_to_b: FrameTally,
    /// Messages (both ways) by document id.
    documents: HashMap<String, u64>,
    last_frame: Option<Instant>,
}

#[derive(Debug)]
struct TapState {
    counted: Counted,
    last_byte: Instant,
}

/// A TCP relay on loopback in front of peer A that counts the bytes of every
/// connection through it and reads samod's frames (a 4-byte big-endian
/// length, then a CBOR message) to count messages by kind and document.
#[derive(Debug)]
struct FrameTap {
    address: SocketAddr,
    state: Arc<Mutex<TapState>>,
    /// Relay directions still running (two per open connection).
    open: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl FrameTap {
    fn start(peer_a: SocketAddr) -> Res<Self> {
        let listener =
            TcpListener::bind("127.0.0.1:0").map_err(BenchError::io("cannot bind the frame tap"))?;
        let address = listener
            .local_addr()
            .map_err(BenchError::io("cannot read the frame tap's address"))?;
        let state = Arc::new(Mutex::new(TapState {
            counted: Counted::default(),
            last_byte: Instant::now(),
        }));
        let open = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (state2, open2, stop2) = (Arc::clone(&state), Arc::clone(&open), Arc::clone(&stop));
        thread::spawn(move || {
            for peer_b in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(peer_b) = peer_b else { continue };
                let Ok(to_a) = TcpStream::connect(peer_a) else {
                    let _ = peer_b.shutdown(Shutdown::Both);
                    continue;
                };
                let _ = peer_b.set_nodelay(true);
                let _ = to_a.set_nodelay(true);
                let (Ok(peer_b2), Ok(to_a2)) = (peer_b.try_clone(), to_a.try_clone()) else {
                    continue;
                };
                open2.fetch_add(2, Ordering::SeqCst);
                for (from, to, direction) in
                    [(peer_b, to_a2, Direction::BToA), (to_a, peer_b2, Direction::AToB)]
                {
                    let (state, open) = (Arc::clone(&state2), Arc::clone(&open2));
                    thread::spawn(move || {
                        relay(from, to, direction, &state);
                        open.fetch_sub(1, Ordering::SeqCst);
                    });
                }
            }
        });
        Ok(Self {
            address,
            state,
            open,
            stop,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, TapState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How long since the last byte went through.
    fn silent_for(&self) -> Duration {
        self.lock().last_byte.elapsed()
    }

    /// What was counted since the last call, and starts counting afresh.
    fn take(&self) -> Counted {
        std::mem::take(&mut self.lock().counted)
    }
}

impl Drop for FrameTap {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread so it sees `stop`.
        let _ = TcpStream::connect(self.address);
    }
}

/// Copies `from` to `to` until `from` closes, counting bytes and frames.
fn relay(mut from: TcpStream, mut to: TcpStream, direction: Direction, state: &Mutex<TapState>) {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut frames = FrameReader::default();
    loop {
        match from.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                {
                    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
                    let now = Instant::now();
                    state.last_byte = now;
                    let counted = &mut state.counted;
                    let tally = match direction {
                        Direction::BToA => &mut counted.b_to_a,
                        Direction::AToB => &mut counted.a_to_b,
                    };
                    tally.bytes += n as u64;
                    let mut seen = Vec::new();
                    frames.feed(&buffer[..n], |head, size| seen.push((message_kind(head), size)));
                    for ((kind, document), size) in seen {
                        let tally = match direction {
                            Direction::BToA => &mut counted.b_to_a,
                            Direction::AToB => &mut counted.a_to_b,
                        };
                        tally.messages += 1;
                        let by_kind = tally.by_kind.entry(kind).or_default();
                        by_kind.messages += 1;
                        by_kind.bytes += size;
                        if let Some(document) = document {
                            *counted.documents.entry(document).or_default() += 1;
                        }
                        counted.last_frame = Some(now);
                    }
                }
                if to.write_all(&buffer[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

/// Bytes kept from the start of each message: enough for its kind and
/// document id.
const HEAD: usize = 96;

/// Splits a byte stream into length-delimited frames (tokio-util's
/// `LengthDelimitedCodec` defaults, which samod's TCP transport uses).
#[derive(Debug, Default)]
struct FrameReader {
    header: [u8; 4],
    header_len: usize,
    /// Payload bytes still to come in the current frame (`None` between frames).
    remaining: Option<usize>,
    size: u64,
    head: Vec<u8>,
}

impl FrameReader {
    /// Reads `bytes`; calls `on_frame` with the start of each frame that
    /// ends in them and its size (length prefix included).
    fn feed(&mut self, mut bytes: &[u8], mut on_frame: impl FnMut(&[u8], u64)) {
        while !bytes.is_empty() {
            match self.remaining {
                None => {
                    let take = (4 - self.header_len).min(bytes.len());
                    self.header[self.header_len..self.header_len + take].copy_from_slice(&bytes[..take]);
                    self.header_len += take;
                    bytes = &bytes[take..];
                    if self.header_len == 4 {
                        let length = u32::from_be_bytes(self.header) as usize;
                        self.header_len = 0;
                        self.size = length as u64 + 4;
                        self.head.clear();
                        if length == 0 {
                            on_frame(&[], self.size);
                        } else {
                            self.remaining = Some(length);
                        }
                    }
                }
                Some(remaining) => {
                    let take = remaining.min(bytes.len());
                    let keep = (HEAD - self.head.len().min(HEAD)).min(take);
                    self.head.extend_from_slice(&bytes[..keep]);
                    bytes = &bytes[take..];
                    if take == remaining {
                        self.remaining = None;
                        on_frame(&self.head, self.size);
                    } else {
                        self.remaining = Some(remaining - take);
                    }
                }
            }
        }
    }
}

/// A samod message's kind and document, read from the start of its CBOR:
/// a map whose first entries are `type` and, for document messages,
/// `documentId` (samod's encoder writes them first).
fn message_kind(head: &[u8]) -> (String, Option<String>) {
    let other = || ("other".to_owned(), None);
    let Some(&first) = head.first() else {
        return other();
    };
    // A map (major type 5) of fewer than 24 entries.
    if first & 0xe0 != 0xa0 || first & 0x1f >= 24 {
        return other();
    }
    let Some(("type", at)) = cbor_text(head, 1) else {
        return other();
    };
    let Some((kind, at)) = cbor_text(head, at) else {
        return other();
    };
    let document = match cbor_text(head, at) {
        Some(("documentId", at)) => cbor_text(head, at).map(|(id, _)| id.to_owned()),
        _ => None,
    };
    (kind.to_owned(), document)
}

/// The CBOR text string at `at` (shorter than 256 bytes) and where the next
/// item starts.
fn cbor_text(bytes: &[u8], at: usize) -> Option<(&str, usize)> {
    let first = *bytes.get(at)?;
    if first & 0xe0 != 0x60 {
        return None;
    }
    let (length, start) = match first & 0x1f {
        short @ 0..24 => (usize::from(short), at + 1),
        24 => (usize::from(*bytes.get(at + 1)?), at + 2),
        _ => return None,
    };
    let text = std::str::from_utf8(bytes.get(start..start + length)?).ok()?;
    Some((text, start + length))
}

impl fmt::Display for SideBySideReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Scenario 7: side by side with samod {} ({} documents, peers on loopback TCP, in-memory storage)",
            self.samod_version, self.people
        )?;
        writeln!(
            f,
            "  samod peer A created the documents in {:.1} s",
            self.samod_setup_seconds
        )?;
        let line = |f: &mut fmt::Formatter<'_>, name: &str, s: &PeerSync| {
            writeln!(
                f,
                "  samod {name}: {:.2} s; B->A {} messages {:.1} KB ({} sync); A->B {} messages {:.1} KB ({} sync); \
                 {} round trips; {} documents in messages, longest conversation {} messages",
                s.seconds,
                s.b_to_a.messages,
                kb(s.b_to_a.bytes),
                s.b_to_a.kind("sync").messages,
                s.a_to_b.messages,
                kb(s.a_to_b.bytes),
                s.a_to_b.kind("sync").messages,
                s.round_trips(),
                s.documents_in_messages,
                s.longest_conversation
            )
        };
        line(f, "fetch of every document", &self.samod_fetch)?;
        line(f, "quiet reconnect", &self.samod_quiet)?;
        line(f, "day's work", &self.samod_day)?;
        let rows = [
            (
                "quiet reconnect",
                &self.carnet_quiet.sync,
                &self.samod_quiet,
                self.quiet_ratio(),
            ),
            (
                "day's work",
                &self.carnet_day.sync,
                &self.samod_day,
                self.day_ratio(),
            ),
        ];
        for (name, carnet, samod, ratio) in rows {
            writeln!(
                f,
                "  {name}: Carnet {:.1} KB, {} round trip(s), {:.3} s | samod {:.1} KB, {} round trips, {:.3} s | \
                 Carnet/samod: bytes {}, round trips {}, time {}",
                kb(carnet.wire.up + carnet.wire.down),
                carnet.traffic.round_trips,
                carnet.seconds,
                kb(samod.bytes()),
                samod.round_trips(),
                samod.seconds,
                ratio_text(ratio.bytes),
                ratio_text(ratio.round_trips),
                ratio_text(ratio.seconds)
            )?;
        }
        write!(
            f,
            "  (Carnet: on the wire through its relay, HTTP included, both ways; samod: frames both ways)"
        )
    }
}

/// A ratio with three significant digits, however small.
fn ratio_text(ratio: f64) -> String {
    if ratio != 0.0 && ratio.abs() < 0.01 {
        format!("{ratio:.2e}")
    } else {
        format!("{ratio:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(payload: &[u8]) -> Vec<u8> {
        let mut bytes = (payload.len() as u32).to_be_bytes().to_vec();
        bytes.extend_from_slice(payload);
        bytes
    }

    /// A CBOR map as samod starts a `sync` message: type, then documentId.
    fn sync_message(document: &str, data: usize) -> Vec<u8> {
        let mut m = vec![0xa5, 0x64];
        m.extend_from_slice(b"type");
        m.push(0x64);
        m.extend_from_slice(b"sync");
        m.push(0x6a);
        m.extend_from_slice(b"documentId");
        m.push(0x78);
        m.push(document.len() as u8);
        m.extend_from_slice(document.as_bytes());
        m.extend(std::iter::repeat_n(0u8, data));
        m
    }

    #[test]
    fn frames_are_found_whatever_the_chunks() {
        let messages = [
            sync_message("2dJdwhbFA6gBzHdrH9YpdT6rx1Nd", 300),
            b"\xa1".to_vec(),
            Vec::new(),
        ];
        let stream: Vec<u8> = messages.iter().flat_map(|m| frame(m)).collect();
        for chunk in [1, 3, 4, 5, 7, 64, stream.len()] {
            let mut reader = FrameReader::default();
            let mut seen = Vec::new();
            for piece in stream.chunks(chunk) {
                reader.feed(piece, |head, size| seen.push((message_kind(head), size)));
            }
            let sizes: Vec<u64> = seen.iter().map(|(_, s)| *s).collect();
            let expected: Vec<u64> = messages.iter().map(|m| m.len() as u64 + 4).collect();
            assert_eq!(sizes, expected, "chunks of {chunk}");
            assert_eq!(
                seen[0].0,
                ("sync".to_owned(), Some("2dJdwhbFA6gBzHdrH9YpdT6rx1Nd".to_owned())),
                "chunks of {chunk}"
            );
            assert_eq!(seen[1].0.0, "other");
            assert_eq!(seen[2].0.0, "other");
        }
    }

    #[test]
    fn a_message_without_a_type_first_is_other() {
        let cases: [&[u8]; 4] = [b"", b"\x80", b"\xa2\x63abc", b"\xa2\x64type\x01"];
        for head in cases {
            assert_eq!(message_kind(head), ("other".to_owned(), None), "{head:?}");
        }
        let mut join = vec![0xa4, 0x64];
        join.extend_from_slice(b"type");
        join.push(0x64);
        join.extend_from_slice(b"join");
        assert_eq!(message_kind(&join), ("join".to_owned(), None));
    }

    #[test]
    fn round_trips_are_one_message_each_way() {
        let mut sync = PeerSync::default();
        sync.b_to_a.messages = 3;
        sync.a_to_b.messages = 4;
        assert_eq!(sync.round_trips(), 4);
        sync.a_to_b.messages = 3;
        assert_eq!(sync.round_trips(), 3);
    }
}
