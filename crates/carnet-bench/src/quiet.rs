//! Scenario 3, `quiet`: a device whose case files are all unchanged, and
//! already in step with the hub, syncs once. What it costs must not grow
//! with the caseload, so the scenario runs at two sizes.

use std::fmt;

use serde::Serialize;

use crate::error::{BenchError, Res};
use crate::measure::kb;
use crate::team::{Exchange, Team, measure};

/// The target: at most this many bytes...
pub const TARGET_BYTES: u64 = 2_000;
/// ...in this many round trips.
pub const TARGET_ROUND_TRIPS: u64 = 1;

/// One quiet sync.
#[derive(Clone, Debug, Serialize)]
pub struct QuietSync {
    /// Case files on the device and the hub.
    pub people: usize,
    /// The sync.
    pub sync: Exchange,
    /// Entries it received (0 when all is quiet).
    pub applied: usize,
}

/// The results of scenario 3: the same sync at each size.
#[derive(Clone, Debug, Serialize)]
pub struct QuietReport {
    /// Smallest caseload first.
    pub sizes: Vec<QuietSync>,
}

/// Syncs the lead's device of `team` once more after its caseload is
/// uploaded, then measures one more sync.
///
/// # Errors
/// Device and hub errors; [`BenchError::Scenario`] when the device had
/// anything left to send.
pub fn run(team: &mut Team) -> Res<QuietSync> {
    // In step first: whatever the upload left (its own entries counted,
    // snapshots due) is done before the measured sync.
    let settle = team
        .lead
        .sync(&mut carnet_device::HttpTransport::new(&team.hub.url()))?;
    let (report, sync) = measure(&team.hub, |transport| Ok(team.lead.sync(transport)?))?;
    if report.pending > 0 || !report.rejected.is_empty() {
        return Err(BenchError::Scenario(format!(
            "the quiet sync was not quiet: {} pending, {} rejected (settling sync: {} exchanges)",
            report.pending,
            report.rejected.len(),
            settle.exchanges
        )));
    }
    Ok(QuietSync {
        people: team.people,
        sync,
        applied: report.applied,
    })
}

impl fmt::Display for QuietReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scenario 3: quiet reconnect, one sync with nothing new")?;
        for size in &self.sizes {
            let t = &size.sync.traffic;
            write!(
                f,
                "\n  {:>6} case files: {} round trip(s), bodies up {} B down {} B, \
                 wire (HTTP included) up {} B down {} B ({:.2} KB in all), {:.1} ms",
                size.people,
                t.round_trips,
                t.bytes_up,
                t.bytes_down,
                size.sync.wire.up,
                size.sync.wire.down,
                kb(size.sync.wire.up + size.sync.wire.down),
                size.sync.seconds * 1000.0
            )?;
        }
        Ok(())
    }
}
