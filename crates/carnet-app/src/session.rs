//! The notebook as the app holds it: locked (nothing open, no key in
//! memory) or unlocked (a `Device` open). It locks itself after a period
//! without use, and tells the background sync loop when it opens and closes.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use carnet_device::{ApiError, Device, DeviceError};
use carnet_store::KdfParams;
use serde::Serialize;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::sync_loop::SyncLoop;

/// Without use for this long, the app locks itself.
pub const DEFAULT_LOCK_AFTER: Duration = Duration::from_secs(10 * 60);

/// What the unlock screen needs to know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SessionState {
    /// Whether a notebook exists in the app's data directory.
    pub initialized: bool,
    /// Whether it is open.
    pub unlocked: bool,
    /// The worker (when unlocked).
    pub worker: Option<String>,
    /// The device's name (when unlocked).
    pub device_name: Option<String>,
    /// `lead` or `worker` in a team (when unlocked and in one).
    pub role: Option<String>,
    /// Whether the device is in a team (when unlocked).
    pub team: bool,
}

/// The app's session over one notebook directory.
#[derive(Debug)]
pub struct Session {
    dir: PathBuf,
    kdf: KdfParams,
    device: Option<Device>,
    last_use: Instant,
    lock_after: Duration,
    sync: SyncLoop,
}

pub(crate) fn locked_error() -> ApiError {
    ApiError {
        kind: "locked".into(),
        message: "the notebook is locked: enter your passphrase".into(),
    }
}

impl Session {
    /// A locked session over `dir`; `kdf` is used only when a notebook is created.
    #[must_use]
    pub fn new(dir: &Path, kdf: KdfParams, lock_after: Duration) -> Self {
        Self {
            dir: dir.to_owned(),
            kdf,
            device: None,
            last_use: Instant::now(),
            lock_after,
            sync: SyncLoop::start(dir),
        }
    }

    /// The background sync loop of this session.
    #[must_use]
    pub fn sync_loop(&self) -> &SyncLoop {
        &self.sync
    }

    /// The notebook directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the unlock screen and the app frame show.
    ///
    /// # Errors
    /// Store errors while reading the team.
    pub fn state(&self) -> Result<SessionState, ApiError> {
        let initialized = self.dir.join("carnet.key").exists();
        let Some(device) = &self.device else {
            return Ok(SessionState {
                initialized,
                unlocked: false,
                worker: None,
                device_name: None,
                role: None,
                team: false,
            });
        };
        let team = device.store().team().map_err(|e| DeviceError::from(e).to_api())?;
        Ok(SessionState {
            initialized,
            unlocked: true,
            worker: Some(device.identity().worker.clone()),
            device_name: Some(device.identity().device_name.clone()),
            role: team.as_ref().map(|t| t.role.clone()),
            team: team.is_some(),
        })
    }

    /// Creates the notebook and opens it.
    ///
    /// # Errors
    /// `invalid_input` for an empty name or a short passphrase; `already_initialised`.
    pub fn init(
        &mut self,
        passphrase: &str,
        worker: &str,
        device_name: &str,
    ) -> Result<SessionState, ApiError> {
        std::fs::create_dir_all(&self.dir).map_err(|source| {
            DeviceError::File {
                path: self.dir.display().to_string(),
                source,
            }
            .to_api()
        })?;
        let device = Device::init_with(&self.dir, passphrase, worker, device_name, self.kdf)
            .map_err(|e| e.to_api())?;
        self.opened(device, passphrase)
    }

    /// Opens the notebook with its passphrase.
    ///
    /// # Errors
    /// `wrong_passphrase`, `not_initialised`, or another store error.
    pub fn unlock(&mut self, passphrase: &str) -> Result<SessionState, ApiError> {
        let device = Device::open(&self.dir, passphrase).map_err(|e| e.to_api())?;
        self.opened(device, passphrase)
    }

    fn opened(&mut self, device: Device, passphrase: &str) -> Result<SessionState, ApiError> {
        self.device = Some(device);
        self.last_use = Instant::now();
        self.sync.unlocked(Zeroizing::new(passphrase.to_owned()));
        self.state()
    }

    /// Closes the notebook: the database is closed and the key dropped.
    pub fn lock(&mut self) -> SessionState {
        self.device = None;
        self.sync.locked();
        SessionState {
            initialized: self.dir.join("carnet.key").exists(),
            unlocked: false,
            worker: None,
            device_name: None,
            role: None,
            team: false,
        }
    }

    /// Locks when the session has not been used for the lock period.
    /// Returns whether it locked now.
    pub fn lock_if_idle(&mut self) -> bool {
        if self.device.is_some() && self.last_use.elapsed() >= self.lock_after {
            self.lock();
            return true;
        }
        false
    }

    /// The open device, not counting this as use: for the status line,
    /// which the screens and the sync loop read on their own, so that
    /// reading it never keeps an unattended notebook open.
    pub(crate) fn device_unattended(&mut self) -> Option<&mut Device> {
        self.lock_if_idle();
        self.device.as_mut()
    }

    /// The open device, counting this as use.
    ///
    /// # Errors
    /// `locked` when the notebook is locked (or just locked itself).
    pub fn device(&mut self) -> Result<&mut Device, ApiError> {
        self.lock_if_idle();
        self.last_use = Instant::now();
        self.device.as_mut().ok_or_else(locked_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::call;
    use serde_json::json;

    /// Reading the sync status line (polled by the screens, pushed by the
    /// tablet shell after each sync) is not use: the notebook still locks.
    #[test]
    fn the_status_line_does_not_keep_the_notebook_open() {
        let dir = tempfile::tempdir().expect("temp dir");
        let lock_after = Duration::from_millis(300);
        let mut session = Session::new(dir.path(), KdfParams::INSECURE_FOR_TESTS, lock_after);
        session
            .init("une phrase de passe", "Maëlle", "tablette")
            .expect("init");
        let start = Instant::now();
        while start.elapsed() < lock_after * 2 {
            let line = call(&mut session, "sync_status", json!({})).expect("sync status");
            assert_eq!(line["state"], "no_team");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            !session.state().expect("state").unlocked,
            "the notebook should have locked itself"
        );
        // A command that is use, after unlocking, keeps it open.
        session.unlock("une phrase de passe").expect("unlock");
        assert!(call(&mut session, "caseload", json!({})).is_ok());
        assert!(session.state().expect("state").unlocked);
    }
}
