//! The background sync loop: a thread with its own connection to the
//! notebook, so a slow or dead network never holds up the screens. It syncs
//! every minute (sooner when asked), backs off after failures, and keeps the
//! status line the app frame shows. Each time it wakes it also does the
//! notebook's upkeep that saves leave out (merging the search index,
//! checkpointing the write-ahead log).

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use carnet_device::{Device, DeviceError, HttpTransport};
use serde::Serialize;
use ts_rs::TS;
use zeroize::Zeroizing;

/// How often the loop syncs when all goes well.
const EVERY: Duration = Duration::from_secs(60);
/// How soon the loop syncs again while case files received with the
/// team's snapshots are left to check (each sync checks for two seconds).
const CHECKING: Duration = Duration::from_secs(5);
/// The longest wait after repeated failures.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// The pause between two steps of the notebook's upkeep: a save waiting on
/// the screens' connection retries at least this often (SQLite's busy
/// handler waits 1 to 100 ms between tries), so it waits for one step at most.
const TIDY_PAUSE: Duration = Duration::from_millis(100);

/// The sync status line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
pub struct SyncLine {
    /// `no_team`, `syncing`, `up_to_date`, `offline` or `error`.
    #[ts(type = r#""no_team" | "syncing" | "up_to_date" | "offline" | "error""#)]
    pub state: String,
    /// When the last sync succeeded (ms since the Unix epoch).
    pub last_sync_ms: Option<i64>,
    /// Changes not yet acknowledged by the hub.
    pub pending: usize,
    /// The last error in words.
    pub last_error: Option<String>,
}

enum Message {
    Unlocked(Zeroizing<String>),
    Locked,
    SyncNow,
}

/// Called with the new status line each time it changes.
type Listener = Box<dyn Fn(&SyncLine) + Send>;

/// What the loop's thread and its handle share.
struct Shared {
    line: Mutex<SyncLine>,
    listener: Mutex<Option<Listener>>,
}

/// Handle on the loop's thread.
pub struct SyncLoop {
    sender: Sender<Message>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for SyncLoop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncLoop")
            .field("line", &self.line())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Message::Unlocked(_) => "Unlocked",
            Message::Locked => "Locked",
            Message::SyncNow => "SyncNow",
        })
    }
}

impl SyncLoop {
    /// Starts the loop's thread for the notebook in `dir` (idle until unlocked).
    #[must_use]
    pub fn start(dir: &Path) -> Self {
        let (sender, receiver) = channel();
        let shared = Arc::new(Shared {
            line: Mutex::new(SyncLine {
                state: "no_team".into(),
                ..SyncLine::default()
            }),
            listener: Mutex::new(None),
        });
        let theirs = Arc::clone(&shared);
        let dir = dir.to_owned();
        std::thread::Builder::new()
            .name("carnet-sync".into())
            .spawn(move || run(&dir, &receiver, &theirs))
            .map_or_else(|e| tracing::error!("the sync loop could not start: {e}"), |_| ());
        Self { sender, shared }
    }

    /// The status line as it stands.
    #[must_use]
    pub fn line(&self) -> SyncLine {
        self.shared
            .line
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Calls `listener` from the loop's thread with the status line each
    /// time it changes (the tablet shell turns it into an event). Replaces
    /// any listener set before.
    pub fn on_change(&self, listener: impl Fn(&SyncLine) + Send + 'static) {
        *self
            .shared
            .listener
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Box::new(listener));
    }

    pub(crate) fn unlocked(&self, passphrase: Zeroizing<String>) {
        let _ = self.sender.send(Message::Unlocked(passphrase));
    }

    pub(crate) fn locked(&self) {
        let _ = self.sender.send(Message::Locked);
    }

    /// Asks for a sync now (after an edit, or the "sync now" button).
    pub fn sync_now(&self) {
        let _ = self.sender.send(Message::SyncNow);
    }
}

/// Changes the status line, then tells the listener if it changed (outside
/// the line's lock, so the listener may read it).
fn set(shared: &Shared, f: impl FnOnce(&mut SyncLine)) {
    let changed = {
        let mut line = shared.line.lock().unwrap_or_else(PoisonError::into_inner);
        let before = line.clone();
        f(&mut line);
        (*line != before).then(|| line.clone())
    };
    if let Some(line) = changed
        && let Some(listener) = shared
            .listener
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
    {
        listener(&line);
    }
}

/// The notebook's work left out of saves (merging the search index,
/// checkpointing the log), with pauses that let the screens' saves in.
fn tidy(device: &Device) {
    if let Err(e) = device.store().tidy(TIDY_PAUSE) {
        tracing::warn!("the notebook's background upkeep failed: {e}");
    }
}

fn run(dir: &Path, receiver: &Receiver<Message>, line: &Shared) {
    let mut device: Option<Device> = None;
    let mut failures: u32 = 0;
    let mut wait = EVERY;
    loop {
        let message = receiver.recv_timeout(wait);
        match message {
            Ok(Message::Unlocked(passphrase)) => {
                device = Device::open(dir, &passphrase).ok();
            }
            Ok(Message::Locked) => {
                device = None;
                continue;
            }
            Ok(Message::SyncNow) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        let Some(device) = device.as_mut() else {
            wait = EVERY;
            continue;
        };
        let Ok(Some(team)) = device.store().team() else {
            set(line, |l| l.state = "no_team".into());
            tidy(device);
            wait = EVERY;
            continue;
        };
        set(line, |l| l.state = "syncing".into());
        let mut transport = HttpTransport::new(&team.hub_url);
        let result = device.sync(&mut transport);
        // After the sync, so that what it received is checkpointed too.
        tidy(device);
        let status = device.sync_status().ok();
        let pending = status.as_ref().map_or(0, |s| s.pending);
        match result {
            Ok(report) => {
                failures = 0;
                wait = if report.unchecked > 0 { CHECKING } else { EVERY };
                set(line, |l| {
                    *l = SyncLine {
                        state: "up_to_date".into(),
                        last_sync_ms: status.and_then(|s| s.last_sync_ms),
                        pending,
                        last_error: None,
                    };
                });
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                wait = (Duration::from_secs(2) * 2u32.saturating_pow(failures.min(8))).min(MAX_BACKOFF);
                let offline = matches!(e, DeviceError::Sync { retryable: true, .. });
                set(line, |l| {
                    l.state = if offline { "offline" } else { "error" }.into();
                    l.pending = pending;
                    l.last_error = Some(e.to_string());
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use carnet_core::NewPerson;
    use carnet_store::KdfParams;
    use std::time::Instant;

    /// The loop, once unlocked, moves the log the screens' saves left into
    /// the database file (with no team, so nothing to sync).
    #[test]
    fn the_loop_checkpoints_what_the_screens_saved() {
        let dir = tempfile::tempdir().expect("temp dir");
        let passphrase = "une phrase de passe";
        let mut device = Device::init_with(
            dir.path(),
            passphrase,
            "Maëlle",
            "tablette",
            KdfParams::INSECURE_FOR_TESTS,
        )
        .expect("init");
        for i in 0..40 {
            device
                .add_person(NewPerson {
                    name: format!("Personne {i}"),
                    commune: "Aubusson".into(),
                    situation: "Suivi pour l'aide au logement et la complémentaire santé. ".repeat(10),
                    ..NewPerson::default()
                })
                .expect("add a person");
        }
        let db = dir.path().join("carnet.db");
        let len = || std::fs::metadata(&db).expect("database file").len();
        let before = len();
        let sync = SyncLoop::start(dir.path());
        sync.unlocked(Zeroizing::new(passphrase.to_owned()));
        let start = Instant::now();
        while len() == before && start.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(
            len() > before,
            "the database file did not grow: the log was not checkpointed"
        );
        assert_eq!(device.case_ids().expect("case ids").len(), 40);
    }
}
