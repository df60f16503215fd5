//! A token bucket per caller, in memory: a device (or a joiner, by invite)
//! may send `burst` requests at once and `per_second` sustained.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use uuid::Uuid;

/// How many requests a caller may send.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Requests per second, sustained.
    pub per_second: f64,
    /// Requests at once, after a quiet moment.
    pub burst: u32,
}

impl Default for RateLimit {
    /// 20 requests a second, 60 at once: far above what a syncing device
    /// needs, low enough that a runaway client cannot monopolise the hub.
    fn default() -> Self {
        Self {
            per_second: 20.0,
            burst: 60,
        }
    }
}

/// Who is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Caller {
    /// An enrolled device, or a lead creating its team.
    Device { team: Uuid, device: Uuid },
    /// A device joining with this invite.
    Invite(Uuid),
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at_ms: i64,
}

/// Past this many buckets, full ones (callers quiet for a while) are dropped:
/// a full bucket is what a new caller gets anyway.
const PRUNE_AT: usize = 10_000;

impl Bucket {
    fn refilled(self, limit: RateLimit, now_ms: i64) -> Self {
        // A clock that went back gives no tokens and does not move the bucket back.
        let elapsed_ms = now_ms.saturating_sub(self.at_ms).max(0);
        let tokens = self.tokens + elapsed_ms as f64 / 1000.0 * limit.per_second.max(0.0);
        Bucket {
            tokens: tokens.min(f64::from(limit.burst)),
            at_ms: self.at_ms.max(now_ms),
        }
    }
}

/// The buckets of every caller seen recently.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<Caller, Bucket>>,
}

impl RateLimiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `caller`; false when its bucket is empty.
    pub(crate) fn allow(&self, caller: Caller, now_ms: i64) -> bool {
        let limit = self.limit;
        let burst = f64::from(limit.burst);
        // The map holds only counters: after a panic elsewhere it is still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() >= PRUNE_AT {
            buckets.retain(|_, bucket| bucket.refilled(limit, now_ms).tokens < burst);
        }
        let bucket = buckets.entry(caller).or_insert(Bucket {
            tokens: burst,
            at_ms: now_ms,
        });
        let mut refilled = bucket.refilled(limit, now_ms);
        let allowed = refilled.tokens >= 1.0;
        if allowed {
            refilled.tokens -= 1.0;
        }
        *bucket = refilled;
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_gets_its_burst_then_its_rate() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 2.0,
            burst: 3,
        });
        let device = Caller::Device {
            team: Uuid::from_bytes([1; 16]),
            device: Uuid::from_bytes([2; 16]),
        };
        let other = Caller::Invite(Uuid::from_bytes([3; 16]));
        assert!((0..3).all(|_| limiter.allow(device, 1_000)));
        assert!(!limiter.allow(device, 1_000));
        // Another caller has its own bucket.
        assert!(limiter.allow(other, 1_000));
        // Half a second later at 2 per second: one more.
        assert!(limiter.allow(device, 1_500));
        assert!(!limiter.allow(device, 1_500));
        // A clock going back gives nothing.
        assert!(!limiter.allow(device, 0));
        // A long pause refills to the burst, no more.
        assert!((0..3).all(|_| limiter.allow(device, 100_000)));
        assert!(!limiter.allow(device, 100_000));
    }
}
