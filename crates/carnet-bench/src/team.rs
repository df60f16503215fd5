//! A team whose hub already holds a caseload: the lead's device (a copy of
//! a demo notebook) creates the team on a [`LoopbackHub`] and uploads every
//! case file. Scenarios 2 to 4 start from here.

use std::time::Instant;

use carnet_device::{Device, HttpTransport, SyncReport};
use serde::Serialize;
use tempfile::TempDir;

use crate::error::{BenchError, Res};
use crate::hub::LoopbackHub;
use crate::notebook::{DemoNotebook, PASSPHRASE};
use crate::traffic::{CountingTransport, Traffic, WireBytes};

/// What one measured piece of work sent and received, and how long it took.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Exchange {
    /// Wall time, seconds.
    pub seconds: f64,
    /// Bodies and round trips, counted by the device's transport.
    pub traffic: Traffic,
    /// TCP payload between the device and the hub (HTTP headers included).
    pub wire: WireBytes,
}

/// Runs `work` with a fresh counting HTTP transport to `hub` (as the app
/// does for each sync) and measures it.
///
/// # Errors
/// Those of `work`.
pub fn measure<R>(
    hub: &LoopbackHub,
    work: impl FnOnce(&mut CountingTransport<HttpTransport>) -> Res<R>,
) -> Res<(R, Exchange)> {
    measure_via(hub, &hub.url(), work)
}

/// [`measure`], with the device given `url` instead of the hub's own: a
/// relay in front of it, such as a slow link
/// ([`ShapedLink`](crate::ShapedLink)). The wire is still counted at the hub.
///
/// # Errors
/// Those of `work`.
pub fn measure_via<R>(
    hub: &LoopbackHub,
    url: &str,
    work: impl FnOnce(&mut CountingTransport<HttpTransport>) -> Res<R>,
) -> Res<(R, Exchange)> {
    let mut transport = CountingTransport::new(HttpTransport::new(url));
    let wire_before = hub.wire();
    let started = Instant::now();
    let result = work(&mut transport)?;
    let seconds = started.elapsed().as_secs_f64();
    // The relay counts a byte before passing it on, so everything the
    // device received is counted by now.
    let wire = hub.wire().since(wire_before);
    Ok((
        result,
        Exchange {
            seconds,
            traffic: transport.traffic().clone(),
            wire,
        },
    ))
}

/// Syncs until nothing is left to send, at most `max` times.
///
/// # Errors
/// Sync errors; [`BenchError::Scenario`] when work is still pending after `max` syncs.
pub fn sync_until_sent(
    device: &mut Device,
    transport: &mut CountingTransport<HttpTransport>,
    max: usize,
) -> Res<Vec<SyncReport>> {
    let mut reports = Vec::new();
    for _ in 0..max {
        let report = device.sync(transport)?;
        let rejected = report.rejected.len();
        reports.push(report);
        if rejected > 0 {
            return Err(BenchError::Scenario(format!("{rejected} entries were rejected")));
        }
        if device.sync_status()?.pending == 0 {
            return Ok(reports);
        }
    }
    Err(BenchError::Scenario(format!(
        "work is still pending after {max} syncs"
    )))
}

/// A hub holding a team's caseload, and the lead's device that uploaded it.
#[derive(Debug)]
pub struct Team {
    /// The hub.
    pub hub: LoopbackHub,
    /// The lead's device; it holds every case file.
    pub lead: Device,
    /// How many demo people the caseload has.
    pub people: usize,
    /// The lead's first sync, which uploaded the caseload (and pulled its own
    /// entries back: a device counts the entries of each document as they
    /// come back from the log).
    pub upload: Exchange,
    lead_dir: TempDir,
}

impl Team {
    /// Copies `notebook` as the lead's device, creates a team on a new hub
    /// and uploads the caseload.
    ///
    /// # Errors
    /// Device, hub and I/O errors.
    pub fn new(notebook: &DemoNotebook) -> Res<Self> {
        let lead_dir = notebook.copy()?;
        let mut lead = Device::open(lead_dir.path(), PASSPHRASE)?;
        let hub = LoopbackHub::start()?;
        lead.create_team(&hub.url(), &mut HttpTransport::new(&hub.url()))?;
        let (_, upload) = measure(&hub, |transport| sync_until_sent(&mut lead, transport, 5))?;
        Ok(Self {
            hub,
            lead,
            people: notebook.people(),
            upload,
            lead_dir,
        })
    }

    /// The lead's notebook directory.
    #[must_use]
    pub fn lead_dir(&self) -> &std::path::Path {
        self.lead_dir.path()
    }
}
