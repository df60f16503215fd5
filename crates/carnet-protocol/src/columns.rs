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

/// The chunks of several documents' changes, stream by stream: what an
/// entry of format 2 holds. Every field is bytes, so decoding one costs no
/// more memory than the bytes received.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Split {
    /// The number of documents, then for each its number of pieces and each
    /// piece: `0` for a change taken from the streams, `n + 1` for `n` bytes
    /// taken from `whole` (LEB128 numbers).
    plan: Vec<u8>,
    /// Each split change's header fields, as they were, then how its value
    /// metadata is written and its extra bytes.
    head: Vec<u8>,
    /// Each split change's dependency hashes.
    deps: Vec<u8>,
    /// Each column's stream, in increasing order of column specification:
    /// the specification, the stream's length (LEB128 numbers), its bytes,
    /// change after change.
    columns: Vec<u8>,
    /// The bytes carried as they are.
    whole: Vec<u8>,
}

/// At most so many columns in a change (Automerge writes about a dozen).
const MAX_COLUMNS: u64 = 64;

/// The changes of each document of `parts`, stream by stream.
#[must_use]
pub fn split(parts: &[&[u8]]) -> Split {
    let mut out = Split::default();
    let mut columns: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
    write_uleb(&mut out.plan, parts.len() as u64);
    for part in parts {
        // Each piece as the plan writes it.
        let mut pieces: Vec<u64> = Vec::new();
        let mut whole = 0u64;
        let mut rest = *part;
        while !rest.is_empty() {
            let length = chunk_length(rest).unwrap_or(rest.len());
            let (chunk, after) = rest.split_at(length);
            // A change whose columns would take the bundle past the
            // columns a reader accepts goes as it is.
            let fits = |one: &OneChange| {
                let new = one
                    .columns
                    .iter()
                    .filter(|(spec, _)| !columns.contains_key(spec))
                    .count();
                (columns.len() + new) as u64 <= MAX_COLUMNS
            };
            match split_change(chunk).filter(fits) {
                Some(one) => {
                    if whole > 0 {
                        pieces.push(whole + 1);
                        whole = 0;
                    }
                    pieces.push(0);
                    out.head.extend_from_slice(&one.head);
                    out.deps.extend_from_slice(&one.deps);
                    for (spec, bytes) in one.columns {
                        columns.entry(spec).or_default().extend_from_slice(&bytes);
                    }
                }
                None => {
                    out.whole.extend_from_slice(chunk);
                    whole += chunk.len() as u64;
                }
            }
            rest = after;
        }
        if whole > 0 {
            pieces.push(whole + 1);
        }
        write_uleb(&mut out.plan, pieces.len() as u64);
        for piece in pieces {
            write_uleb(&mut out.plan, piece);
        }
    }
    for (spec, bytes) in columns {
        write_uleb(&mut out.columns, spec);
        write_uleb(&mut out.columns, bytes.len() as u64);
        out.columns.extend_from_slice(&bytes);
    }
    out
}

/// The changes of each of `docs` documents, as they were before [`split`].
///
/// # Errors
/// [`ProtocolError::Malformed`] when the plan names another number of
/// documents, the streams do not hold what the plan says or hold more, or
/// they rebuild to more than 64 MiB; never panics, whatever the bytes, and
/// holds at most about twice that while rebuilding.
pub fn join(split: &Split, docs: usize) -> Result<Vec<Vec<u8>>, ProtocolError> {
    let cut = || damaged("the plan is cut short");
    let mut plan = split.plan.as_slice();
    let (count, _) = take_uleb(&mut plan).ok_or_else(cut)?;
    if count != docs as u64 {
        return Err(ProtocolError::Malformed(format!(
            "the entry names {docs} documents but carries changes of {count}"
        )));
    }
    let mut streams = Streams {
        head: &split.head,
        deps: &split.deps,
        columns: column_streams(&split.columns)?,
        whole: &split.whole,
    };
    let mut budget = MAX_JOINED_BYTES;
    let mut out = Vec::with_capacity(docs);
    for _ in 0..docs {
        let (pieces, _) = take_uleb(&mut plan).ok_or_else(cut)?;
        let mut part = Vec::new();
        for _ in 0..pieces {
            let (piece, _) = take_uleb(&mut plan).ok_or_else(cut)?;
            if piece == 0 {
                streams.change_into(&mut part, budget)?;
            } else {
                let length = usize::try_from(piece - 1)
                    .ok()
                    .filter(|length| *length <= budget.saturating_sub(part.len()))
                    .ok_or_else(|| damaged("they rebuild to more than 64 MiB"))?;
                part.extend_from_slice(take(&mut streams.whole, length)?);
            }
            if part.len() > budget {
                return Err(damaged("they rebuild to more than 64 MiB"));
            }
        }
        budget -= part.len();
        out.push(part);
    }
    if !plan.is_empty() {
        return Err(damaged("the plan goes on after the last document"));
    }
    streams.finished()?;
    Ok(out)
}

/// The column streams of a [`Split`], by specification.
fn column_streams(mut bytes: &[u8]) -> Result<BTreeMap<u64, &[u8]>, ProtocolError> {
    let cut = || damaged("the columns are cut short");
    let mut columns = BTreeMap::new();
    let mut last = None;
    while !bytes.is_empty() {
        let (spec, _) = take_uleb(&mut bytes).ok_or_else(cut)?;
        let (length, _) = take_uleb(&mut bytes).ok_or_else(cut)?;
        let length = usize::try_from(length).map_err(|_| cut())?;
        if last.is_some_and(|last| spec <= last) || columns.len() as u64 >= MAX_COLUMNS {
            return Err(damaged("the columns are not in order, or too many"));
        }
        last = Some(spec);
        columns.insert(spec, take(&mut bytes, length)?);
    }
    Ok(columns)
}

/// A change's streams, before they join the bundle's.
struct OneChange {
    head: Vec<u8>,
    deps: Vec<u8>,
    columns: Vec<(u64, Vec<u8>)>,
}

/// `chunk` laid out in streams, if it is a change that comes back from them
/// byte for byte (with its value metadata written short if that comes
/// back too, as it is otherwise).
fn split_change(chunk: &[u8]) -> Option<OneChange> {
    if chunk.len() < FIXED_HEADER || chunk[..4] != MAGIC || chunk[8] != CHANGE {
        return None;
    }
    let (_, used) = read_uleb(&chunk[FIXED_HEADER..])?;
    let body = &chunk[FIXED_HEADER + used..];
    [true, false].into_iter().find_map(|short| {
        let one = lay_out(body, short)?;
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
        streams.change_into(&mut rebuilt, MAX_JOINED_BYTES).ok()?;
        (rebuilt == chunk && streams.finished().is_ok()).then_some(one)
    })
}

/// The streams of a change's body (what follows its length), its value
/// metadata written `short` if it can be.
fn lay_out(body: &[u8], short: bool) -> Option<OneChange> {
    let mut rest = body;
    let mut head = Vec::new();
    let (deps_count, bytes) = take_uleb(&mut rest)?;
    head.extend_from_slice(bytes);
    let deps_bytes = usize::try_from(deps_count).ok()?.checked_mul(HASH_BYTES)?;
    let deps = take(&mut rest, deps_bytes).ok()?.to_vec();
    let start = rest;
    let specs = fields_to_columns(&mut rest)?;
    head.extend_from_slice(&start[..start.len() - rest.len()]);
    let mut columns = Vec::with_capacity(specs.len());
    for (spec, length) in &specs {
        columns.push((*spec, take(&mut rest, *length).ok()?.to_vec()));
    }
    let single = |spec| specs.iter().filter(|(s, _)| *s == spec).count() == 1;
    let meta = (short && single(VALUE_META) && single(VALUE_RAW))
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

/// Passes over a change's fields from its actor to its list of columns (its
/// actor, sequence number, first op, time, message and other actors, as
/// Automerge writes them after the dependencies) and gives that list.
fn fields_to_columns(rest: &mut &[u8]) -> Option<Vec<(u64, usize)>> {
    take_bytes(rest)?;
    take_uleb(rest)?;
    take_uleb(rest)?;
    skip_leb(rest)?;
    take_bytes(rest)?;
    let (others, _) = take_uleb(rest)?;
    for _ in 0..others {
        take_bytes(rest)?;
    }
    column_specs(rest)
}

/// A change's column specifications and lengths, as `(spec, length)`.
fn column_specs(rest: &mut &[u8]) -> Option<Vec<(u64, usize)>> {
    let (count, _) = take_uleb(rest)?;
    if count > MAX_COLUMNS {
        return None;
    }
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

impl Streams<'_> {
    /// Takes the next change from the streams and appends its chunk to
    /// `out`, unless `out` would then hold more than `budget` bytes.
    fn change_into(&mut self, out: &mut Vec<u8>, budget: usize) -> Result<(), ProtocolError> {
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
        let specs = fields_to_columns(&mut self.head).ok_or_else(short)?;
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
            if out.len().saturating_add(length) > budget {
                return Err(damaged("they rebuild to more than 64 MiB"));
            }
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
    let mut runs = Runs::new(meta);
    let mut at = 0usize;
    while let Some((value, times)) = runs.next().ok()? {
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
    (at == raw.len()).then(|| out.finish())
}

/// The value metadata column back from its short form, which must be
/// `length` bytes.
fn full_meta(short: &[u8], raw: &[u8], length: usize) -> Result<Vec<u8>, ProtocolError> {
    let mut out = Rle::default();
    let mut runs = Runs::new(short);
    let mut at = 0usize;
    let overrun = || damaged("a change's values are cut short");
    let longer = || damaged("a change's value metadata is longer than it says");
    while let Some((value, times)) = runs.next()? {
        if value == 0 {
            // Each time takes at least one byte of the values.
            for _ in 0..times {
                let width = raw.get(at).map(|b| utf8_width(*b)).ok_or_else(overrun)?;
                let bytes = raw.get(at..at + width).ok_or_else(overrun)?;
                if width == 0 || std::str::from_utf8(bytes).is_err() {
                    return Err(damaged("a change's text is not UTF-8"));
                }
                out.push(((width as u64) << 4) | STRING, 1);
                at += width;
                if out.written() > length {
                    return Err(longer());
                }
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
        if out.written() > length {
            return Err(longer());
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

/// A run-length encoded column of unsigned numbers read one run at a time,
/// as `(value, times)`; a value of a literal is a run of one. A run of
/// nulls is an error: the value metadata has none.
struct Runs<'a> {
    rest: &'a [u8],
    /// Values left in the literal being read.
    literal: u64,
}

impl<'a> Runs<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            rest: bytes,
            literal: 0,
        }
    }

    fn next(&mut self) -> Result<Option<(u64, u64)>, ProtocolError> {
        let cut = || damaged("a column is cut short");
        if self.literal > 0 {
            self.literal -= 1;
            let (value, _) = take_uleb(&mut self.rest).ok_or_else(cut)?;
            return Ok(Some((value, 1)));
        }
        if self.rest.is_empty() {
            return Ok(None);
        }
        let count = read_sleb(&mut self.rest).ok_or_else(cut)?;
        let (value, _) = take_uleb(&mut self.rest).ok_or_else(cut)?;
        match count {
            0 => Err(damaged("a column holds nulls where none may be")),
            1.. => Ok(Some((value, count.unsigned_abs()))),
            _ => {
                self.literal = count.unsigned_abs() - 1;
                Ok(Some((value, 1)))
            }
        }
    }
}

/// Automerge's run-length encoding of unsigned numbers, state for state:
/// a value repeated is a run (count, value); values that do not repeat go
/// together as a literal (minus their count, then each). A literal being
/// gathered is kept encoded, so the memory it takes is what it will write.
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
    /// The last value, then how many came before it and their encoding.
    Literal(u64, u64, Vec<u8>),
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
            RleState::Lone(other) => {
                let mut before = Vec::new();
                write_uleb(&mut before, other);
                RleState::Literal(value, 1, before)
            }
            RleState::Run(other, count) if other == value => RleState::Run(value, count.saturating_add(1)),
            RleState::Run(other, count) => {
                self.run(other, count);
                RleState::Lone(value)
            }
            RleState::Literal(last, count, before) if last == value => {
                self.literal(count, &before);
                RleState::Run(value, 2)
            }
            RleState::Literal(last, count, mut before) => {
                write_uleb(&mut before, last);
                RleState::Literal(value, count + 1, before)
            }
        };
    }

    /// The bytes written so far, the literal being gathered included: the
    /// column will be at least this long.
    fn written(&self) -> usize {
        match &self.state {
            RleState::Literal(_, _, before) => self.bytes.len() + before.len(),
            _ => self.bytes.len(),
        }
    }

    fn run(&mut self, value: u64, count: u64) {
        write_sleb(&mut self.bytes, i64::try_from(count).unwrap_or(i64::MAX));
        write_uleb(&mut self.bytes, value);
    }

    /// Writes a literal of `count` values, already encoded.
    fn literal(&mut self, count: u64, encoded: &[u8]) {
        write_sleb(&mut self.bytes, -i64::try_from(count).unwrap_or(i64::MAX));
        self.bytes.extend_from_slice(encoded);
    }

    fn finish(mut self) -> Vec<u8> {
        match std::mem::take(&mut self.state) {
            RleState::Empty => {}
            RleState::Lone(value) => {
                let mut encoded = Vec::new();
                write_uleb(&mut encoded, value);
                self.literal(1, &encoded);
            }
            RleState::Run(value, count) => self.run(value, count),
            RleState::Literal(last, count, mut before) => {
                write_uleb(&mut before, last);
                self.literal(count + 1, &before);
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
