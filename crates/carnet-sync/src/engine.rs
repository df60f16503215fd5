//! The exchange state machine.

use carnet_protocol::{
    DeviceList, ProtocolError, Request, Response, SealedEntry, SignedRequest, SyncRequest, decode, encode,
    unpack_changes, v2,
};
use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::keys::Membership;

/// At most this many entries in one push; the rest go in the next exchange.
const MAX_PUSH: usize = 200;
/// A push stops adding entries once their ciphertext reaches this (the
/// hub takes requests of up to 8 MiB and entries of up to 1 MiB).
const MAX_PUSH_BYTES: usize = 2 * 1024 * 1024;
/// At most this many entries asked for in one answer.
const PAGE: u32 = 500;
/// Backoff after failures: 1 s, doubling, at most 5 minutes.
const BACKOFF_START_MS: i64 = 1_000;
const BACKOFF_MAX_MS: i64 = 300_000;

/// What an engine resumes from: the cursor and the outbox as saved.
///
/// Format: the device stores it encoded with postcard, with an empty
/// `outbox` (the outbox lives one entry per row beside it, so an exchange
/// writes what it changed, not the whole backlog); states saved before that
/// may still hold entries here. Do not change without a migration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineState {
    /// The last log sequence number applied.
    pub cursor: u64,
    /// Sealed entries the hub has not acknowledged, oldest first.
    pub outbox: Vec<SealedEntry>,
    /// Set while a device that started from the hub's snapshots (as of this
    /// snapshot version) catches up with the log: the entries they hold are
    /// left out of the answers.
    pub skip_snapshots: Option<u64>,
}

/// What to save after an exchange: the new cursor, and the entries that
/// leave the outbox. It never carries the outbox itself, so saving it costs
/// what the exchange changed, whatever the backlog.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checkpoint {
    /// The last log sequence number applied.
    pub cursor: u64,
    /// As [`EngineState::skip_snapshots`].
    pub skip_snapshots: Option<u64>,
    /// Entries the hub acknowledged: remove them from the saved outbox.
    pub acked: Vec<Uuid>,
    /// The documents the acknowledged entries carry, once per entry (the
    /// log holds them now, and the answer does not bring them back).
    pub acked_docs: Vec<Uuid>,
}

impl EngineState {
    /// Decodes a state a device saved, under this protocol version or
    /// a version of the same encoding, or version 2 (whose outbox entries name one document each).
    ///
    /// # Errors
    /// As [`carnet_protocol::decode`].
    pub fn decode_saved(bytes: &[u8]) -> Result<Self, ProtocolError> {
        /// The state as version 2 saved it.
        #[derive(Deserialize)]
        struct SavedV2 {
            cursor: u64,
            outbox: Vec<v2::SealedEntryV2>,
            skip_snapshots: Option<u64>,
        }
        match carnet_protocol::decode_saved::<Self>(bytes) {
            Err(ProtocolError::UnknownVersion {
                found: v2::VERSION, ..
            }) => {
                let old: SavedV2 = v2::decode(bytes)?;
                Ok(Self {
                    cursor: old.cursor,
                    outbox: old.outbox.into_iter().map(SealedEntry::from).collect(),
                    skip_snapshots: old.skip_snapshots,
                })
            }
            other => other,
        }
    }

    /// Brings a saved state up to date with a checkpoint: what the caller's
    /// storage holds once it saved it.
    pub fn apply(&mut self, checkpoint: &Checkpoint) {
        self.cursor = checkpoint.cursor;
        self.skip_snapshots = checkpoint.skip_snapshots;
        if !checkpoint.acked.is_empty() {
            let acked: HashSet<Uuid> = checkpoint.acked.iter().copied().collect();
            self.outbox.retain(|e| !acked.contains(&e.header.entry_id));
        }
    }
}

/// A failed exchange, as the transport saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportError {
    /// Whether trying again later could work (network down, hub busy).
    pub retryable: bool,
    /// What happened, in words for the status line.
    pub message: String,
}

/// Something the caller must do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Post these bytes (an encoded [`SignedRequest`]) to the hub and report
    /// the answer with [`SyncEngine::on_response`].
    Send(Vec<u8>),
    /// Apply these Automerge changes to this document (an entry carrying
    /// several documents gives one `Apply` for each, with the same `seq`).
    Apply {
        /// Log position.
        seq: u64,
        /// The document.
        doc: Uuid,
        /// Who wrote them.
        author: Uuid,
        /// Change chunks.
        changes: Vec<u8>,
    },
    /// This entry was not applied; tell the user, go on with the others.
    Reject {
        /// Log position.
        seq: u64,
        /// The documents it names.
        docs: Vec<Uuid>,
        /// The device it names.
        author: Uuid,
        /// Why, in words.
        reason: String,
    },
    /// Save this checkpoint, after the changes of the `Apply` effects before it.
    Persist(Checkpoint),
    /// The team's device list changed: keep it (with
    /// [`Membership::apply_device_list`]) before the `Apply` effects that follow,
    /// which were opened with it.
    Devices(DeviceList),
}

/// What the status line shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// When the last exchange succeeded (milliseconds since the Unix epoch).
    pub last_sync_ms: Option<i64>,
    /// Entries waiting to be acknowledged.
    pub pending: usize,
    /// The last error in words, cleared by a successful exchange.
    pub last_error: Option<String>,
    /// Consecutive failures.
    pub failures: u32,
    /// Not before this time (after failures).
    pub next_attempt_ms: i64,
}

/// How much one exchange may carry. The caller sizes them to its link
/// (a push of 2 MiB does not get through GPRS in a minute); the defaults
/// are the most the engine ever asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExchangeLimits {
    /// A push stops adding entries once their ciphertext reaches this; the
    /// first entry always goes, whatever its size.
    pub push_bytes: usize,
    /// Entries asked for in one answer.
    pub pull_entries: u32,
}

impl Default for ExchangeLimits {
    fn default() -> Self {
        Self {
            push_bytes: MAX_PUSH_BYTES,
            pull_entries: PAGE,
        }
    }
}

/// One device's sync engine for one team.
#[derive(Debug)]
pub struct SyncEngine {
    state: EngineState,
    limits: ExchangeLimits,
    status: SyncStatus,
    /// Entry ids of the request in flight, if one is.
    in_flight: Option<Vec<Uuid>>,
    /// Whether an exchange is wanted (asked for, or more pages wait).
    wanted: bool,
    /// Asked for while an exchange was in flight: another one follows it.
    asked_again: bool,
}

impl SyncEngine {
    /// An engine resuming from saved state.
    #[must_use]
    pub fn new(state: EngineState) -> Self {
        let status = SyncStatus {
            pending: state.outbox.len(),
            ..SyncStatus::default()
        };
        Self {
            state,
            limits: ExchangeLimits::default(),
            status,
            in_flight: None,
            wanted: false,
            asked_again: false,
        }
    }

    /// The state to save.
    #[must_use]
    pub fn state(&self) -> &EngineState {
        &self.state
    }

    /// The status line.
    #[must_use]
    pub fn status(&self) -> &SyncStatus {
        &self.status
    }

    /// Sets how much the next exchanges carry, within the defaults (at
    /// least one entry pushed and one pulled).
    pub fn set_limits(&mut self, limits: ExchangeLimits) {
        let most = ExchangeLimits::default();
        self.limits = ExchangeLimits {
            push_bytes: limits.push_bytes.clamp(1, most.push_bytes),
            pull_entries: limits.pull_entries.clamp(1, most.pull_entries),
        };
    }

    /// Asks for an exchange at the next [`SyncEngine::poll`].
    pub fn request_sync(&mut self) {
        if self.in_flight.is_some() {
            // The answer in flight may predate what prompted this request.
            self.asked_again = true;
        } else {
            self.wanted = true;
        }
    }

    /// Whether nothing is in flight, wanted or waiting in the outbox (a sync
    /// is finished when this turns true).
    #[must_use]
    pub fn is_idle(&self) -> bool {
        self.in_flight.is_none() && !self.wanted && self.state.outbox.is_empty()
    }

    /// Seals changes of one or more documents into an entry for the outbox
    /// (see [`Membership::seal_changes`]) and returns it: the caller saves
    /// it in its outbox (beside the saved state) in the same transaction
    /// that drops the changes it holds. `random` gives the entry id (16
    /// bytes) and the nonce (24 bytes).
    ///
    /// # Errors
    /// As [`Membership::seal_changes`].
    pub fn queue(
        &mut self,
        membership: &Membership,
        parts: &[(Uuid, &[u8])],
        random: [u8; 40],
    ) -> Result<SealedEntry, ProtocolError> {
        let entry = membership.seal_changes(parts, random)?;
        self.state.outbox.push(entry.clone());
        self.status.pending = self.state.outbox.len();
        self.wanted = true;
        Ok(entry)
    }

    /// The checkpoint of the current state, acknowledging nothing (for a
    /// caller that saves the cursor without an exchange).
    #[must_use]
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            cursor: self.state.cursor,
            skip_snapshots: self.state.skip_snapshots,
            acked: Vec::new(),
            acked_docs: Vec::new(),
        }
    }

    /// The request to send now, if an exchange is wanted, none is in flight
    /// and no backoff is running.
    pub fn poll(&mut self, membership: &Membership, now_ms: i64) -> Option<Effect> {
        let due = self.wanted || !self.state.outbox.is_empty();
        if self.in_flight.is_some() || !due || now_ms < self.status.next_attempt_ms {
            return None;
        }
        let mut bytes = 0;
        let push: Vec<SealedEntry> = self
            .state
            .outbox
            .iter()
            .take(MAX_PUSH)
            .take_while(|e| {
                let first = bytes == 0;
                bytes += e.ciphertext.len().max(1);
                first || bytes <= self.limits.push_bytes
            })
            .cloned()
            .collect();
        self.in_flight = Some(push.iter().map(|e| e.header.entry_id).collect());
        let request = Request::Sync(SyncRequest {
            cursor: self.state.cursor,
            push,
            limit: self.limits.pull_entries,
            devices_version: membership.devices_version,
            skip_snapshots: self.state.skip_snapshots,
        });
        let signed = SignedRequest::sign(
            membership.team,
            membership.device,
            now_ms,
            &request,
            &membership.keys,
        );
        Some(Effect::Send(encode(&signed)))
    }

    /// Takes the hub's answer (or the failure) to the request in flight. An
    /// answer when none is in flight (a duplicate) is ignored.
    pub fn on_response(
        &mut self,
        membership: &Membership,
        now_ms: i64,
        result: Result<&[u8], TransportError>,
    ) -> Vec<Effect> {
        let Some(pushed) = self.in_flight.take() else {
            return Vec::new();
        };
        let answer = match result {
            Ok(bytes) => match decode::<Response>(bytes) {
                Ok(Response::Synced(answer)) => answer,
                Ok(_) => return self.failed(now_ms, "the hub gave an unexpected answer".into()),
                Err(e) => return self.failed(now_ms, format!("the hub's answer was damaged ({e})")),
            },
            Err(e) => return self.failed(now_ms, e.message),
        };
        let pushed: HashSet<Uuid> = pushed.into_iter().collect();
        let mut acked: Vec<Uuid> = Vec::with_capacity(answer.acks.len());
        let mut seen = HashSet::with_capacity(answer.acks.len());
        // Places in the log of what this device pushed: the answer leaves them out.
        let mut own_places = HashSet::with_capacity(answer.acks.len());
        for ack in &answer.acks {
            if pushed.contains(&ack.entry_id) && seen.insert(ack.entry_id) {
                acked.push(ack.entry_id);
                own_places.insert(ack.seq);
            }
        }
        let mut acked_docs = Vec::new();
        if !seen.is_empty() {
            for entry in self
                .state
                .outbox
                .iter()
                .filter(|e| seen.contains(&e.header.entry_id))
            {
                acked_docs.extend_from_slice(&entry.header.docs);
            }
            self.state.outbox.retain(|e| !seen.contains(&e.header.entry_id));
        }
        let mut effects = Vec::new();
        // Entries of this answer may come from a device that just joined, or
        // use a key epoch that just started: open them with the new list.
        let updated;
        let membership = match answer.devices {
            Some(list) => {
                let mut with_list = membership.clone();
                with_list.apply_device_list(&list);
                updated = with_list;
                effects.push(Effect::Devices(list));
                &updated
            }
            None => membership,
        };
        for log_entry in answer.entries {
            // Already applied (a page seen twice): skip, the changes are in.
            if log_entry.seq <= self.state.cursor {
                continue;
            }
            let seq = log_entry.seq;
            let header = log_entry.entry.header.clone();
            let opened = membership
                .open(&log_entry.entry)
                .map_err(|e| e.to_string())
                .and_then(|plaintext| {
                    unpack_changes(&plaintext, header.docs.len()).map_err(|e| e.to_string())
                });
            match opened {
                Ok(parts) => {
                    effects.extend(header.docs.iter().zip(parts).map(|(doc, changes)| Effect::Apply {
                        seq,
                        doc: *doc,
                        author: header.author,
                        changes,
                    }))
                }
                Err(reason) => effects.push(Effect::Reject {
                    seq,
                    docs: header.docs,
                    author: header.author,
                    reason,
                }),
            }
            self.state.cursor = seq;
        }
        // The places of this device's own entries, left out of the answer,
        // are passed over as far as the answer's page goes.
        while self.state.cursor < answer.cursor && own_places.contains(&(self.state.cursor + 1)) {
            self.state.cursor += 1;
        }
        // The cursor moves only over entries received or acknowledged: a hub
        // that claims a later cursor cannot make this device skip entries.
        if self.state.skip_snapshots.is_some() {
            // Entries left out because the snapshots hold them move the cursor too.
            self.state.cursor = self.state.cursor.max(answer.cursor);
            if !answer.more {
                // Caught up: later entries are newer than any snapshot it started from.
                self.state.skip_snapshots = None;
            }
        }
        self.wanted = answer.more || std::mem::take(&mut self.asked_again);
        self.status = SyncStatus {
            last_sync_ms: Some(now_ms),
            pending: self.state.outbox.len(),
            last_error: None,
            failures: 0,
            next_attempt_ms: now_ms,
        };
        effects.push(Effect::Persist(Checkpoint {
            cursor: self.state.cursor,
            skip_snapshots: self.state.skip_snapshots,
            acked,
            acked_docs,
        }));
        effects
    }

    fn failed(&mut self, now_ms: i64, message: String) -> Vec<Effect> {
        self.status.failures = self.status.failures.saturating_add(1);
        let shift = self.status.failures.saturating_sub(1).min(20);
        let wait = (BACKOFF_START_MS << shift).min(BACKOFF_MAX_MS);
        self.status.next_attempt_ms = now_ms + wait;
        self.status.last_error = Some(message);
        self.wanted = true;
        Vec::new()
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
