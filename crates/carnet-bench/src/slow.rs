//! Scenario 5, `slow`: scenario 2 (a day's work written offline, then one
//! sync) over a slow mobile link. The lead's device syncs through a
//! [`ShapedLink`] of each [`LinkProfile`] in turn (GPRS, 2G), each time
//! after its own day of visits; the wall time of the sync is what matters,
//! next to what the link alone costs for the bytes and round trips counted.

use std::fmt;
use std::net::SocketAddr;

use serde::Serialize;

use crate::day::{self, DayReport};
use crate::error::{BenchError, Res};
use crate::link::{LinkProfile, ShapedLink};
use crate::measure::kb;
use crate::team::Team;

/// A day's sync over one link.
#[derive(Clone, Debug, Serialize)]
pub struct SlowSync {
    /// The link.
    pub link: LinkProfile,
    /// Scenario 2 through it: the sync's wall time, bytes and round trips
    /// are in `day.sync`.
    pub day: DayReport,
    /// What the link alone needs for what was counted on the wire: each
    /// direction's bytes (with TCP/IP headers) at its rate, plus one round
    /// trip per request and one for each connection's handshake, seconds.
    pub link_seconds: f64,
    /// Of which sending the bytes up, seconds.
    pub up_seconds: f64,
    /// Of which receiving the bytes down, seconds.
    pub down_seconds: f64,
}

/// The results of scenario 5, slowest link first.
#[derive(Clone, Debug, Serialize)]
pub struct SlowReport {
    /// One per link.
    pub links: Vec<SlowSync>,
}

/// Runs scenario 2 on the lead's device of `team` once per link of
/// `links`, each with `visits` new visits, syncing through the link.
///
/// # Errors
/// Those of [`day::run`]; [`BenchError::Scenario`] when the hub's address
/// cannot be read.
pub fn run(team: &mut Team, links: &[LinkProfile], visits: usize, seed: u64) -> Res<SlowReport> {
    let hub_url = team.hub.url();
    let hub: SocketAddr = hub_url
        .trim_start_matches("http://")
        .parse()
        .map_err(|e| BenchError::Scenario(format!("the hub's address {hub_url} cannot be read: {e}")))?;
    let mut results = Vec::new();
    for (n, profile) in links.iter().enumerate() {
        let link = ShapedLink::start(hub, profile)?;
        // Each link gets its own day: other case files, other visits.
        let day = day::run_via(team, visits, seed.wrapping_add(n as u64 * 1_000), &link.url())?;
        let up_seconds = LinkProfile::send_seconds(day.sync.wire.up, profile.up_kbit);
        let down_seconds = LinkProfile::send_seconds(day.sync.wire.down, profile.down_kbit);
        // One connection per sync (a new transport each time).
        let round_trips = day.sync.traffic.round_trips + day.syncs as u64;
        let link_seconds = up_seconds + down_seconds + round_trips as f64 * profile.rtt().as_secs_f64();
        results.push(SlowSync {
            link: profile.clone(),
            day,
            link_seconds,
            up_seconds,
            down_seconds,
        });
    }
    Ok(SlowReport { links: results })
}

impl fmt::Display for SlowReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scenario 5: slow links, a day's work then one sync")?;
        for s in &self.links {
            let (t, l) = (&s.day.sync.traffic, &s.link);
            write!(
                f,
                "\n  {} ({} kbit/s down, {} up, {} ms round trip), {} visits in a team of {} case files:\
                 \n    sync {:.1} s wall time; {} round trip(s) in {} sync(s), {} entries back\
                 \n    bodies up {:.1} KB down {:.1} KB; on the wire up {:.1} KB down {:.1} KB\
                 \n    the link alone: {:.1} s ({:.1} s up, {:.1} s down, the rest round trips)",
                l.name,
                l.down_kbit,
                l.up_kbit,
                l.rtt_ms,
                s.day.visits,
                s.day.people,
                s.day.sync.seconds,
                t.round_trips,
                s.day.syncs,
                s.day.applied,
                kb(t.bytes_up),
                kb(t.bytes_down),
                kb(s.day.sync.wire.up),
                kb(s.day.sync.wire.down),
                s.link_seconds,
                s.up_seconds,
                s.down_seconds
            )?;
        }
        Ok(())
    }
}
