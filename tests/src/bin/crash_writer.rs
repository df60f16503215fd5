//! Writes to a notebook until it is killed, for the crash test.
//!
//! `crash-writer DIR CASE RUN` opens the notebook in DIR with the passphrase
//! in `CARNET_PASSPHRASE`, prints `open`, then edits case file CASE over and
//! over. After each save returns it prints one line and flushes:
//! - `saved N VISIT` after recording visit VISIT with the note `save rRUNnN`;
//! - `edited N VISIT` after appending ` edit rRUNnN` to the note of VISIT,
//!   one of the visits it recorded itself.
//!
//! A printed line is a promise that the edit is on disk. It stops by itself
//! after 100,000 edits. Other writers may write to the same case file at the
//! same time, but not to the notes of its visits.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use carnet_core::{VisitId, VisitPatch};
use carnet_device::{Device, VisitInput};

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(case), Some(run)) = (args.next(), args.next(), args.next()) else {
        anyhow::bail!("usage: crash-writer DIR CASE RUN (passphrase in CARNET_PASSPHRASE)");
    };
    let passphrase = std::env::var("CARNET_PASSPHRASE").context("CARNET_PASSPHRASE is not set")?;
    let mut device = Device::open(&PathBuf::from(dir), &passphrase)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "open")?;
    out.flush()?;
    // Visits recorded by this run and their notes as this run wrote them
    // (no other writer edits these notes).
    let mut mine: Vec<(VisitId, String)> = Vec::new();
    for n in 1..=100_000u32 {
        let token = format!("r{run}n{n}");
        // Two edits of a note for each visit added: the case file reaches
        // many changes (and its compaction) while staying cheap to index.
        if n % 3 != 1 && !mine.is_empty() {
            let which = n as usize % mine.len();
            let (visit, note) = &mut mine[which];
            let new_note = format!("{note} edit {token}");
            let patch = VisitPatch {
                note: Some(new_note.clone()),
                ..VisitPatch::default()
            };
            device.edit_visit(&visit.to_string(), patch)?;
            *note = new_note;
            // One write of a short line: the reader sees all of it or none.
            out.write_all(format!("edited {n} {visit}\n").as_bytes())?;
        } else {
            let note = format!("save {token}");
            let input = VisitInput {
                place: "local".into(),
                note: note.clone(),
                ..VisitInput::default()
            };
            let (visit, _) = device.add_visit(&case, input)?;
            mine.push((visit, note));
            out.write_all(format!("saved {n} {visit}\n").as_bytes())?;
        }
        out.flush()?;
    }
    Ok(())
}
