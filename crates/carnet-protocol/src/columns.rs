//! Automerge changes laid out stream by stream, so that a bundle compresses
//! like the text it carries.
//!
//! An Automerge change chunk is a header (the changes it depends on, its
//! actor, sequence number, time…) followed by its ops written as columns:
//! which object, which key, the action, each value's type and length, the
//! values' bytes. A day's work is one change per case file. [`split`]
//! gathers each kind of bytes of every change of a bundle into one stream
//! (the headers together, the dependency hashes together, each column
//! together), so a compressor sees all the notes' characters in a row and
//! all the bookkeeping in a row. [`join`] puts every chunk back exactly as it
//! was: a change's hash is computed over its bytes, so nothing may differ.
//!
//! One column is also written another way. The value metadata gives each
//! value's type and length in bytes; a note is one value per character, so
//! the column's runs break at every accented letter (two bytes instead of
//! one). The metadata of a string of one character follows from its bytes,
//! so it is written as `0` and every other value as its metadata plus one:
//! the runs of a note no longer break.
//!
//! [`split`] checks that [`join`] gives every change back byte for byte, and
//! carries the chunks that do not (another kind of chunk, an encoding this
//! module does not reproduce, bytes that are no chunk at all) as they are.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ProtocolError;

/// The first bytes of every Automerge chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// Magic, checksum and chunk type, before the length.
const FIXED_HEADER: usize = 9;
/// The chunk type of a change stored plain.
const CHANGE: u8 = 1;
/// The size of a change hash.
const HASH_BYTES: usize = 32;
/// The value metadata column (column 5, type "value metadata").
const VALUE_META: u64 = (5 << 4) | 6;
/// The value bytes column (column 5, type "value").
const VALUE_RAW: u64 = (5 << 4) | 7;
/// The type of a UTF-8 string in the value metadata.
const STRING: u64 = 6;
/// Refuse to rebuild more than this (a corrupt or hostile bundle).
const MAX_JOINED_BYTES: usize = 64 * 1024 * 1024;

/// The chunks of several documents' changes, stream by stream.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Split {
    /// For each document, its chunks in order.
    plan: Vec<Vec<Piece>>,
    /// Each split change's header fields, as they were, then how its value
    /// metadata is written and its extra bytes.
    head: Vec<u8>,
    /// Each split change's dependency hashes.
    deps: Vec<u8>,
    /// Each column's bytes, by column specification, change after change.
    columns: BTreeMap<u64, Vec<u8>>,
    /// The bytes carried as they are.
    whole: Vec<u8>,
}

/// One piece of a document's changes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
enum Piece {
    /// A change chunk taken from the streams.
    Change,
    /// So many bytes taken from [`Split::whole`].
    Whole(u64),
}

/// The changes of each document of `parts`, stream by stream.
#[must_use]
pub fn split(parts: &[&[u8]]) -> Split {
    let mut out = Split::default();
    for part in parts {
        let mut pieces = Vec::new();
        let mut whole = 0usize;
        let mut rest = *part;
        while !rest.is_empty() {
            let length = chunk_length(rest).unwrap_or(rest.len());
            let (chunk, after) = rest.split_at(length);
            match split_change(chunk) {
                Some(one) => {
                    if whole > 0 {
                        pieces.push(Piece::Whole(whole as u64));
                        whole = 0;
                    }
                    pieces.push(Piece::Change);
                    out.head.extend_from_slice(&one.head);
                    out.deps.extend_from_slice(&one.deps);
                    for (spec, bytes) in one.columns {
                        out.columns.entry(spec).or_default().extend_from_slice(&bytes);
                    }
                }
                None => {
                    out.whole.extend_from_slice(chunk);
                    whole += chunk.len();
                }
            }
            rest = after;
        }
        if whole > 0 {
            pieces.push(Piece::Whole(whole as u64));
        }
        out.plan.push(pieces);
    }
    out
}

/// The changes of each document, as they were before [`split`].
///
/// # Errors
/// [`ProtocolError::Malformed`] when the streams do not hold what the plan
/// says, hold more, or rebuild to more than 64 MiB; never panics, whatever
/// the bytes.
pub fn join(split: &Split) -> Result<Vec<Vec<u8>>, ProtocolError> {
    let mut streams = Streams::new(split);
    let mut total = 0usize;
    let mut out = Vec::with_capacity(split.plan.len());
    for pieces in &split.plan {
        let mut part = Vec::new();
        for piece in pieces {
            match *piece {
                Piece::Change => streams.change_into(&mut part)?,
                Piece::Whole(length) => {
                    let length = usize::try_from(length).map_err(|_| damaged("a part is too long"))?;
                    part.extend_from_slice(take(&mut streams.whole, length)?);
                }
            }
            if total + part.len() > MAX_JOINED_BYTES {
                return Err(damaged("they rebuild to more than 64 MiB"));
            }
        }
        total += part.len();
        out.push(part);
    }
    streams.finished()?;
    Ok(out)
}

/// A change's streams, before they join the bundle's.
struct OneChange {
    head: Vec<u8>,
    deps: Vec<u8>,
    columns: Vec<(u64, Vec<u8>)>,
}

/// `chunk` laid out in streams, if it is a change that comes back from them
/// byte for byte.
fn split_change(chunk: &[u8]) -> Option<OneChange> {
    if chunk.len() < FIXED_HEADER || chunk[..4] != MAGIC || chunk[8] != CHANGE {
        return None;
    }
    let (_, used) = read_uleb(&chunk[FIXED_HEADER..])?;
    let body = &chunk[FIXED_HEADER + used..];
    let one = lay_out(body)?;
    let mut streams = Streams {
        head: &one.head,
        deps: &one.deps,
        columns: one
            .columns
            .iter()
            .map(|(spec, bytes)| (*spec, bytes.as_slice()))
            .collect(),
        whole: &[],
    };
    let mut rebuilt = Vec::with_capacity(chunk.len());
    streams.change_into(&mut rebuilt).ok()?;
    (rebuilt == chunk && streams.finished().is_ok()).then_some(one)
}

/// The streams of a change's body (what follows its length).
fn lay_out(body: &[u8]) -> Option<OneChange> {
    let mut rest = body;
    let mut head = Vec::new();
    let (deps_count, bytes) = take_uleb(&mut rest)?;
    head.extend_from_slice(bytes);
    let deps_bytes = usize::try_from(deps_count).ok()?.checked_mul(HASH_BYTES)?;
    let deps = take(&mut rest, deps_bytes).ok()?.to_vec();
    // Actor, sequence number, first op, time, message, other actors.
    let start = rest;
    take_bytes(&mut rest)?;
    take_uleb(&mut rest)?;
    take_uleb(&mut rest)?;
    skip_leb(&mut rest)?;
    take_bytes(&mut rest)?;
    let (others, _) = take_uleb(&mut rest)?;
    for _ in 0..others {
        take_bytes(&mut rest)?;
    }
    let specs = column_specs(&mut rest)?;
    head.extend_from_slice(&start[..start.len() - rest.len()]);
    let mut columns = Vec::with_capacity(specs.len());
    for (spec, length) in &specs {
        columns.push((*spec, take(&mut rest, *length).ok()?.to_vec()));
    }
    let single = |spec| specs.iter().filter(|(s, _)| *s == spec).count() == 1;
    let meta = (single(VALUE_META) && single(VALUE_RAW))
        .then(|| {
            let raw = &columns.iter().find(|(s, _)| *s == VALUE_RAW)?.1;
            let meta = &columns.iter().find(|(s, _)| *s == VALUE_META)?.1;
            short_meta(meta, raw)
        })
        .flatten();
    match meta {
        Some(short) => {
            write_uleb(&mut head, short.len() as u64 + 1);
            for (spec, bytes) in &mut columns {
                if *spec == VALUE_META {
                    *bytes = short;
                    break;
                }
            }
        }
        None => write_uleb(&mut head, 0),
    }
    write_uleb(&mut head, rest.len() as u64);
    head.extend_from_slice(rest);
    Some(OneChange { head, deps, columns })
}

/// A change's column specifications and lengths, as `(spec, length)`.
fn column_specs(rest: &mut &[u8]) -> Option<Vec<(u64, usize)>> {
    let (count, _) = take_uleb(rest)?;
    let mut specs = Vec::new();
    for _ in 0..count {
        let (spec, _) = take_uleb(rest)?;
        let (length, _) = take_uleb(rest)?;
        specs.push((spec, usize::try_from(length).ok()?));
    }
    Some(specs)
}

/// The streams of a [`Split`] being read.
struct Streams<'a> {
    head: &'a [u8],
    deps: &'a [u8],
    columns: BTreeMap<u64, &'a [u8]>,
    whole: &'a [u8],
}

impl<'a> Streams<'a> {
    fn new(split: &'a Split) -> Self {
        Self {
            head: &split.head,
            deps: &split.deps,
            columns: split
                .columns
                .iter()
                .map(|(spec, bytes)| (*spec, bytes.as_slice()))
                .collect(),
            whole: &split.whole,
        }
    }

    /// Takes the next change from the streams and appends its chunk to `out`.
    fn change_into(&mut self, out: &mut Vec<u8>) -> Result<(), ProtocolError> {
        let short = || damaged("a change's header is cut short");
        let mut body = Vec::new();
        let (deps_count, bytes) = take_uleb(&mut self.head).ok_or_else(short)?;
        body.extend_from_slice(bytes);
        let deps_bytes = usize::try_from(deps_count)
            .ok()
            .and_then(|n| n.checked_mul(HASH_BYTES))
            .ok_or_else(|| damaged("a change lists too many dependencies"))?;
        body.extend_from_slice(take(&mut self.deps, deps_bytes)?);
        let start = self.head;
        take_bytes(&mut self.head).ok_or_else(short)?;
        take_uleb(&mut self.head).ok_or_else(short)?;
        take_uleb(&mut self.head).ok_or_else(short)?;
        skip_leb(&mut self.head).ok_or_else(short)?;
        take_bytes(&mut self.head).ok_or_else(short)?;
        let (others, _) = take_uleb(&mut self.head).ok_or_else(short)?;
        for _ in 0..others {
            take_bytes(&mut self.head).ok_or_else(short)?;
        }
        let specs = column_specs(&mut self.head).ok_or_else(short)?;
        body.extend_from_slice(&start[..start.len() - self.head.len()]);
        let (meta_form, _) = take_uleb(&mut self.head).ok_or_else(short)?;
        let (extra_length, _) = take_uleb(&mut self.head).ok_or_else(short)?;
        let extra_length = usize::try_from(extra_length).map_err(|_| short())?;
        let extra = take(&mut self.head, extra_length)?;

        let mut columns: Vec<&[u8]> = Vec::with_capacity(specs.len());
        let mut short_meta = None;
        for (spec, length) in &specs {
            let stream = self
                .columns
                .get_mut(spec)
                .ok_or_else(|| damaged("a column is missing"))?;
            if *spec == VALUE_META && meta_form > 0 {
                let short_length = usize::try_from(meta_form - 1).map_err(|_| short())?;
                short_meta = Some((columns.len(), take(stream, short_length)?, *length));
                columns.push(&[]);
            } else {
                columns.push(take(stream, *length)?);
            }
        }
        let meta;
        if let Some((at, short, length)) = short_meta {
            let raw = specs
                .iter()
                .position(|(spec, _)| *spec == VALUE_RAW)
                .map(|i| columns[i])
                .ok_or_else(|| damaged("the values of a change are missing"))?;
            meta = full_meta(short, raw, length)?;
            columns[at] = &meta;
        }
        for column in columns {
            body.extend_from_slice(column);
        }
        body.extend_from_slice(extra);

        let mut typed = vec![CHANGE];
        write_uleb(&mut typed, body.len() as u64);
        let hash = Sha256::new().chain_update(&typed).chain_update(&body).finalize();
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&hash[..4]);
        out.extend_from_slice(&typed);
        out.extend_from_slice(&body);
        Ok(())
    }

    /// Nothing may be left over.
    fn finished(&self) -> Result<(), ProtocolError> {
        let left = self.head.len()
            + self.deps.len()
            + self.whole.len()
            + self.columns.values().map(|c| c.len()).sum::<usize>();
        if left == 0 {
            Ok(())
        } else {
            Err(damaged("bytes are left after the last change"))
        }
    }
}

/// The value metadata column written with one-character strings as `0`
/// (see the module's documentation), if it can be.
fn short_meta(meta: &[u8], raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Rle::default();
    let mut rest = meta;
    let mut at = 0usize;
    while !rest.is_empty() {
        let values = read_group(&mut rest).ok()??;
        for (value, times) in values {
            let length = usize::try_from(value >> 4).ok()?;
            if value & 0xf == STRING && (1..=4).contains(&length) {
                for _ in 0..times {
                    let bytes = raw.get(at..at + length)?;
                    let one = std::str::from_utf8(bytes).ok()?.chars().count() == 1;
                    out.push(if one { 0 } else { value + 1 }, 1);
                    at += length;
                }
            } else {
                let all = usize::try_from(times).ok()?.checked_mul(length)?;
                at = at.checked_add(all).filter(|end| *end <= raw.len())?;
                out.push(value.checked_add(1)?, times);
            }
        }
    }
    (at == raw.len()).then(|| out.finish())
}

/// The value metadata column back from its short form, which must be
/// `length` bytes.
fn full_meta(short: &[u8], raw: &[u8], length: usize) -> Result<Vec<u8>, ProtocolError> {
    let mut out = Rle::default();
    let mut rest = short;
    let mut at = 0usize;
    let overrun = || damaged("a change's values are cut short");
    while !rest.is_empty() {
        let values = read_group(&mut rest)?.ok_or_else(|| damaged("a change's values are damaged"))?;
        for (value, times) in values {
            if value == 0 {
                for _ in 0..times {
                    let width = raw.get(at).map(|b| utf8_width(*b)).ok_or_else(overrun)?;
                    let bytes = raw.get(at..at + width).ok_or_else(overrun)?;
                    if width == 0 || std::str::from_utf8(bytes).is_err() {
                        return Err(damaged("a change's text is not UTF-8"));
                    }
                    out.push(((width as u64) << 4) | STRING, 1);
                    at += width;
                }
            } else {
                let meta = value - 1;
                let all = usize::try_from(meta >> 4)
                    .ok()
                    .and_then(|l| usize::try_from(times).ok()?.checked_mul(l))
                    .ok_or_else(overrun)?;
                at = at
                    .checked_add(all)
                    .filter(|end| *end <= raw.len())
                    .ok_or_else(overrun)?;
                out.push(meta, times);
            }
            if out.bytes.len() > length {
                return Err(damaged("a change's value metadata is longer than it says"));
            }
        }
    }
    let meta = out.finish();
    if at != raw.len() || meta.len() != length {
        return Err(damaged("a change's value metadata does not match its values"));
    }
    Ok(meta)
}

/// The width of the UTF-8 character starting with `byte` (0: none does).
fn utf8_width(byte: u8) -> usize {
    match byte {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 0,
    }
}

/// One group of a run-length encoded column of unsigned numbers: its values
/// as `(value, times)`; `None` for a run of nulls (not expected in the
/// column written another way).
fn read_group(rest: &mut &[u8]) -> Result<Option<Vec<(u64, u64)>>, ProtocolError> {
    let cut = || damaged("a column is cut short");
    let count = read_sleb(rest).ok_or_else(cut)?;
    if count > 0 {
        let (value, _) = take_uleb(rest).ok_or_else(cut)?;
        Ok(Some(vec![(value, count.unsigned_abs())]))
    } else if count < 0 {
        let mut values = Vec::new();
        for _ in 0..count.unsigned_abs() {
            let (value, _) = take_uleb(rest).ok_or_else(cut)?;
            values.push((value, 1));
        }
        Ok(Some(values))
    } else {
        Ok(None)
    }
}

/// Automerge's run-length encoding of unsigned numbers, state for state:
/// a value repeated is a run (count, value); values that do not repeat go
/// together as a literal (minus their count, then each).
#[derive(Default)]
struct Rle {
    bytes: Vec<u8>,
    state: RleState,
}

#[derive(Default)]
enum RleState {
    #[default]
    Empty,
    Lone(u64),
    Run(u64, u64),
    Literal(u64, Vec<u64>),
}

impl Rle {
    /// Appends `value` `times` times.
    fn push(&mut self, value: u64, times: u64) {
        if times == 0 {
            return;
        }
        self.append(value);
        if times > 1 {
            self.append(value);
            if let RleState::Run(_, count) = &mut self.state {
                *count = count.saturating_add(times - 2);
            }
        }
    }

    fn append(&mut self, value: u64) {
        self.state = match std::mem::take(&mut self.state) {
            RleState::Empty => RleState::Lone(value),
            RleState::Lone(other) if other == value => RleState::Run(value, 2),
            RleState::Lone(other) => RleState::Literal(value, vec![other]),
            RleState::Run(other, count) if other == value => RleState::Run(value, count.saturating_add(1)),
            RleState::Run(other, count) => {
                self.run(other, count);
                RleState::Lone(value)
            }
            RleState::Literal(last, run) if last == value => {
                self.literal(&run);
                RleState::Run(value, 2)
            }
            RleState::Literal(last, mut run) => {
                run.push(last);
                RleState::Literal(value, run)
            }
        };
    }

    fn run(&mut self, value: u64, count: u64) {
        write_sleb(&mut self.bytes, i64::try_from(count).unwrap_or(i64::MAX));
        write_uleb(&mut self.bytes, value);
    }

    fn literal(&mut self, values: &[u64]) {
        write_sleb(&mut self.bytes, -i64::try_from(values.len()).unwrap_or(i64::MAX));
        for value in values {
            write_uleb(&mut self.bytes, *value);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        match std::mem::take(&mut self.state) {
            RleState::Empty => {}
            RleState::Lone(value) => self.literal(&[value]),
            RleState::Run(value, count) => self.run(value, count),
            RleState::Literal(last, mut run) => {
                run.push(last);
                self.literal(&run);
            }
        }
        self.bytes
    }
}

fn damaged(reason: &str) -> ProtocolError {
    ProtocolError::Malformed(format!("the entry's changes are damaged: {reason}"))
}

/// The length of the Automerge chunk at the start of `bytes`, if a whole
/// one is there.
fn chunk_length(bytes: &[u8]) -> Option<usize> {
    if bytes.len() < FIXED_HEADER || bytes[..4] != MAGIC {
        return None;
    }
    let (length, used) = read_uleb(&bytes[FIXED_HEADER..])?;
    let end = (FIXED_HEADER + used).checked_add(usize::try_from(length).ok()?)?;
    (end <= bytes.len()).then_some(end)
}

/// Takes `length` bytes.
fn take<'a>(rest: &mut &'a [u8], length: usize) -> Result<&'a [u8], ProtocolError> {
    if rest.len() < length {
        return Err(damaged("a stream is cut short"));
    }
    let (taken, after) = rest.split_at(length);
    *rest = after;
    Ok(taken)
}

/// Takes a length-prefixed byte string.
fn take_bytes<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (length, _) = take_uleb(rest)?;
    take(rest, usize::try_from(length).ok()?).ok()
}

/// Takes an unsigned LEB128 number: its value and its bytes as written.
fn take_uleb<'a>(rest: &mut &'a [u8]) -> Option<(u64, &'a [u8])> {
    let (value, used) = read_uleb(rest)?;
    let (bytes, after) = rest.split_at(used);
    *rest = after;
    Some((value, bytes))
}

/// Passes over a LEB128 number, signed or not (the time of a change).
fn skip_leb(rest: &mut &[u8]) -> Option<()> {
    let used = rest.iter().take(10).position(|byte| byte & 0x80 == 0)? + 1;
    *rest = &rest[used..];
    Some(())
}

/// An unsigned LEB128 number and how many bytes it took.
fn read_uleb(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().take(10).enumerate() {
        let low = u64::from(byte & 0x7f);
        if i == 9 && low > 1 {
            return None;
        }
        value |= low << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// Takes a signed LEB128 number.
fn read_sleb(rest: &mut &[u8]) -> Option<i64> {
    let mut value = 0i64;
    for (i, byte) in rest.iter().take(10).enumerate() {
        value |= i64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            if i < 9 && byte & 0x40 != 0 {
                value |= -1i64 << (7 * (i + 1));
            }
            *rest = &rest[i + 1..];
            return Some(value);
        }
    }
    None
}

fn write_uleb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn write_sleb(out: &mut Vec<u8>, mut value: i64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        let done = (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0);
        if done {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
#[path = "columns_tests.rs"]
mod tests;
