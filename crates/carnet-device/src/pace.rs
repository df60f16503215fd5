//! How much one exchange with the hub carries, sized to the link: on GPRS
//! (20 kbit/s up) a push of 2 MiB would take a quarter of an hour and never
//! finish within the transport's timeout, so a device back from days
//! offline would fail and start again forever. Each sync starts small (the
//! tablet may have left the office's Wi-Fi for GPRS since the last one);
//! exchanges double while they are quick and more work waits, halve when one
//! is slow, and shrink further after a failure, which the next sync keeps.
//! A day's work is one entry and still one round trip: a push always
//! carries at least one entry.

use std::time::Duration;

use carnet_sync::ExchangeLimits;

/// Entries of the pushes made at the start of a session (a GPRS link sends
/// them in about half a minute).
const START_PUSH_BYTES: usize = 64 * 1024;
const START_PULL_ENTRIES: u32 = 100;
/// Never less than this.
const MIN_PUSH_BYTES: usize = 8 * 1024;
const MIN_PULL_ENTRIES: u32 = 10;
/// An exchange quicker than this may carry twice as much next time.
const QUICK: Duration = Duration::from_secs(10);
/// An exchange slower than this carries half as much next time (the
/// transport gives up after 60 s).
const SLOW: Duration = Duration::from_secs(30);

/// The sizes of the next exchanges, kept for as long as the device is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pace {
    limits: ExchangeLimits,
}

impl Default for Pace {
    fn default() -> Self {
        Self {
            limits: ExchangeLimits {
                push_bytes: START_PUSH_BYTES,
                pull_entries: START_PULL_ENTRIES,
            },
        }
    }
}

impl Pace {
    /// The limits of the next exchange.
    pub(crate) fn limits(&self) -> ExchangeLimits {
        self.limits
    }

    /// At the start of a sync: no larger than a start, whatever the last
    /// sync grew to; as small as a failure left it.
    pub(crate) fn start_sync(&mut self) {
        let start = Self::default().limits;
        let l = &mut self.limits;
        l.push_bytes = l.push_bytes.min(start.push_bytes);
        l.pull_entries = l.pull_entries.min(start.pull_entries);
    }

    /// After an exchange that took `took`; `more` when work was left for
    /// the next one (entries to push, or pages to pull).
    pub(crate) fn exchanged(&mut self, took: Duration, more: bool) {
        let most = ExchangeLimits::default();
        let l = &mut self.limits;
        if took > SLOW {
            l.push_bytes = (l.push_bytes / 2).max(MIN_PUSH_BYTES);
            l.pull_entries = (l.pull_entries / 2).max(MIN_PULL_ENTRIES);
        } else if took < QUICK && more {
            l.push_bytes = (l.push_bytes * 2).min(most.push_bytes);
            l.pull_entries = (l.pull_entries * 2).min(most.pull_entries);
        }
    }

    /// After an exchange that failed on the way (the link dropped, or the
    /// request ran out of time): a quarter as much next time.
    pub(crate) fn failed(&mut self) {
        let l = &mut self.limits;
        l.push_bytes = (l.push_bytes / 4).max(MIN_PUSH_BYTES);
        l.pull_entries = (l.pull_entries / 4).max(MIN_PULL_ENTRIES);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchanges_grow_while_quick_and_busy_and_shrink_when_slow_or_failed() {
        let mut pace = Pace::default();
        let start = pace.limits();
        // Quick but nothing left: no reason to grow.
        pace.exchanged(Duration::from_millis(50), false);
        assert_eq!(pace.limits(), start);
        // Quick with more to do: up to the engine's own limits.
        for _ in 0..20 {
            pace.exchanged(Duration::from_millis(50), true);
        }
        assert_eq!(pace.limits(), ExchangeLimits::default());
        // Between quick and slow: kept.
        pace.exchanged(Duration::from_secs(20), true);
        assert_eq!(pace.limits(), ExchangeLimits::default());
        pace.exchanged(Duration::from_secs(40), true);
        assert_eq!(pace.limits().push_bytes, ExchangeLimits::default().push_bytes / 2);
        for _ in 0..20 {
            pace.failed();
        }
        let least = ExchangeLimits {
            push_bytes: MIN_PUSH_BYTES,
            pull_entries: MIN_PULL_ENTRIES,
        };
        assert_eq!(pace.limits(), least);
        // A new sync keeps what a failure left, and drops what a fast link grew to.
        pace.start_sync();
        assert_eq!(pace.limits(), least);
        let mut grown = Pace::default();
        grown.exchanged(Duration::from_millis(50), true);
        assert!(grown.limits().push_bytes > START_PUSH_BYTES);
        grown.start_sync();
        assert_eq!(grown, Pace::default());
    }
}
