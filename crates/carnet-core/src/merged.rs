//! Reading a case file across its changes: what one change did to each field
//! (before → after, a word diff for notes), and notes that two people edited
//! concurrently (merged by character, each part with its author).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, Prop, ROOT, ReadDoc, Value};
use similar::{ChangeTag, TextDiff};
use uuid::Uuid;

use crate::case_file::{AuthorCache, author_of, scalar_text};
use crate::field::{FieldKind, FieldPath, Section};
use crate::history::{Conflict, ConflictValue, DiffPart, FieldChange, TextPart};

/// The key a settled note's visit carries: written by `conflict.resolve` on a
/// note so that the settling change touches the note even when the merged
/// text is kept as it is (format: stored in documents).
pub(crate) const NOTE_SETTLED: &str = "note_settled";

/// The paths a change touched, cut to `section/item/field`.
pub(crate) fn touched_paths(doc: &mut AutoCommit, deps: &[ChangeHash], hash: ChangeHash) -> BTreeSet<String> {
    let mut touched = BTreeSet::new();
    for patch in doc.diff(deps, &[hash]) {
        let mut path: Vec<String> = patch.path.iter().map(|(_, prop)| prop_text(prop)).collect();
        if let automerge::PatchAction::PutMap { key, .. } = &patch.action {
            path.push(key.clone());
        }
        // `visits/<id>/note` says enough; deeper parts are list and text positions.
        path.truncate(3);
        touched.insert(path.join("/"));
    }
    touched
}

fn prop_text(prop: &Prop) -> String {
    match prop {
        Prop::Map(key) => key.clone(),
        Prop::Seq(index) => index.to_string(),
    }
}

/// What the change `hash` (made on top of `deps`) did to each field it touched.
pub(crate) fn field_changes(
    doc: &AutoCommit,
    deps: &[ChangeHash],
    hash: ChangeHash,
    touched: &BTreeSet<String>,
) -> Vec<FieldChange> {
    let after_heads = [hash];
    let mut out = Vec::new();
    for path in touched {
        let Ok(field) = path.parse::<FieldPath>() else {
            continue;
        };
        let before = field_text_at(doc, &field, deps);
        let after = field_text_at(doc, &field, &after_heads);
        if before == after {
            continue;
        }
        if field.kind() == FieldKind::Text {
            out.push(FieldChange {
                field: path.clone(),
                before: None,
                after: None,
                diff: word_diff(before.as_deref().unwrap_or(""), after.as_deref().unwrap_or("")),
            });
        } else {
            out.push(FieldChange {
                field: path.clone(),
                before,
                after,
                diff: Vec::new(),
            });
        }
    }
    out
}

/// A word diff of two texts for people to read: kept text, then what was
/// removed and what was added in its place, with the spaces between changed
/// words counted in the change rather than cutting it in pieces.
pub(crate) fn word_diff(before: &str, after: &str) -> Vec<DiffPart> {
    let diff = TextDiff::from_words(before, after);
    let mut parts: Vec<DiffPart> = Vec::new();
    let (mut removed, mut added, mut gap) = (String::new(), String::new(), String::new());
    let flush = |parts: &mut Vec<DiffPart>, removed: &mut String, added: &mut String| {
        for (op, text) in [("removed", removed), ("added", added)] {
            if !text.is_empty() {
                parts.push(DiffPart {
                    op: op.to_owned(),
                    text: std::mem::take(text),
                });
            }
        }
    };
    let push_same = |parts: &mut Vec<DiffPart>, text: &str| match parts.last_mut() {
        Some(last) if last.op == "same" => last.text.push_str(text),
        _ => parts.push(DiffPart {
            op: "same".to_owned(),
            text: text.to_owned(),
        }),
    };
    for change in diff.iter_all_changes() {
        let text = change.value();
        match change.tag() {
            ChangeTag::Equal if text.trim().is_empty() && !(removed.is_empty() && added.is_empty()) => {
                gap.push_str(text);
            }
            ChangeTag::Equal => {
                flush(&mut parts, &mut removed, &mut added);
                push_same(&mut parts, &std::mem::take(&mut gap));
                push_same(&mut parts, text);
            }
            tag => {
                if !gap.is_empty() {
                    removed.push_str(&gap);
                    added.push_str(&std::mem::take(&mut gap));
                }
                if tag == ChangeTag::Delete {
                    removed.push_str(text);
                } else {
                    added.push_str(text);
                }
            }
        }
    }
    flush(&mut parts, &mut removed, &mut added);
    if !gap.is_empty() {
        push_same(&mut parts, &gap);
    }
    parts.retain(|p| !p.text.is_empty());
    parts
}

fn map_at(doc: &AutoCommit, parent: &ObjId, key: &str, heads: &[ChangeHash]) -> Option<ObjId> {
    match doc.get_at(parent, key, heads) {
        Ok(Some((Value::Object(ObjType::Map), id))) => Some(id),
        _ => None,
    }
}

/// A field's value in text form as the document stood at `heads`; `None`
/// when the field (or its item) did not exist then.
pub(crate) fn field_text_at(doc: &AutoCommit, field: &FieldPath, heads: &[ChangeHash]) -> Option<String> {
    let section = map_at(doc, &ROOT, field.section().key(), heads)?;
    let parent = match field.item() {
        Some(item) => map_at(doc, &section, &item.to_string(), heads)?,
        None => section,
    };
    let (value, id) = doc.get_at(&parent, field.field(), heads).ok()??;
    Some(match value {
        Value::Object(ObjType::Text) => doc.text_at(&id, heads).unwrap_or_default(),
        Value::Object(ObjType::List) => doc
            .list_range_at(&id, .., heads)
            .filter_map(|item| match Value::from(item.value) {
                Value::Scalar(s) => Some(scalar_text(&s)),
                Value::Object(_) => None,
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => String::new(),
        Value::Scalar(s) => scalar_text(&s),
    })
}

/// The change graph of a document: for each change, which others it builds on.
struct Graph {
    hashes: Vec<ChangeHash>,
    deps: Vec<Vec<ChangeHash>>,
    /// `ancestors[i]` as a bit set over change indices.
    ancestors: Vec<Vec<u64>>,
}

impl Graph {
    fn new(doc: &mut AutoCommit) -> Self {
        let metas: Vec<(ChangeHash, Vec<ChangeHash>)> = doc
            .get_changes_meta(&[])
            .into_iter()
            .map(|m| (m.hash, m.deps.clone()))
            .collect();
        let index: HashMap<ChangeHash, usize> = metas.iter().enumerate().map(|(i, (h, _))| (*h, i)).collect();
        let words = metas.len().div_ceil(64);
        let mut ancestors: Vec<Option<Vec<u64>>> = vec![None; metas.len()];
        // Changes come in an order where dependencies usually come first;
        // the loop also copes with any other order.
        let mut remaining: Vec<usize> = (0..metas.len()).collect();
        while !remaining.is_empty() {
            let before = remaining.len();
            remaining.retain(|&i| {
                let deps: Vec<usize> = metas[i].1.iter().filter_map(|d| index.get(d).copied()).collect();
                if deps.iter().any(|&d| ancestors[d].is_none()) {
                    return true;
                }
                let mut set = vec![0u64; words];
                for d in deps {
                    set[d / 64] |= 1 << (d % 64);
                    for (w, bits) in set.iter_mut().zip(ancestors[d].as_ref().into_iter().flatten()) {
                        *w |= bits;
                    }
                }
                ancestors[i] = Some(set);
                false
            });
            if remaining.len() == before {
                // A cycle cannot happen in a valid document; treat what is
                // left as having no known ancestors rather than looping.
                for &i in &remaining {
                    ancestors[i] = Some(vec![0u64; words]);
                }
                break;
            }
        }
        let (hashes, deps) = metas.into_iter().unzip();
        Self {
            hashes,
            deps,
            ancestors: ancestors.into_iter().map(Option::unwrap_or_default).collect(),
        }
    }

    /// Whether change `a` is an ancestor of change `b`.
    fn is_ancestor(&self, a: usize, b: usize) -> bool {
        self.ancestors[b]
            .get(a / 64)
            .is_some_and(|w| w & (1 << (a % 64)) != 0)
    }

    /// Whether every change builds on the one before (nothing concurrent).
    fn is_linear(&self, heads: usize) -> bool {
        heads <= 1 && self.deps.iter().all(|d| d.len() <= 1)
    }

    /// For each change, whether it can take part in concurrent edits: it is
    /// not an ancestor of every change that is concurrent with another. A
    /// change that is can never be among two latest concurrent ones, and
    /// neither can anything it builds on, so only the others are looked at.
    fn after_first_fork(&self) -> Vec<bool> {
        let n = self.hashes.len();
        let concurrent = |a: usize, b: usize| a != b && !self.is_ancestor(a, b) && !self.is_ancestor(b, a);
        let involved: Vec<usize> = (0..n).filter(|&a| (0..n).any(|b| concurrent(a, b))).collect();
        let words = n.div_ceil(64);
        let mut common = vec![u64::MAX; words];
        for &i in &involved {
            for (w, bits) in common.iter_mut().zip(&self.ancestors[i]) {
                *w &= bits;
            }
        }
        (0..n).map(|i| common[i / 64] & (1 << (i % 64)) == 0).collect()
    }
}

/// Notes that two or more people edited concurrently and that nobody has
/// settled since: the latest changes touching the note do not build on each
/// other. Each comes as a [`Conflict`] on `visits/<id>/note`: the merged text,
/// each author's version as they left it, and the merged text cut into the
/// parts each author wrote.
pub(crate) fn merged_notes(doc: &mut AutoCommit, authors: &mut AuthorCache) -> Vec<Conflict> {
    let heads = doc.get_heads().len();
    let graph = Graph::new(doc);
    if graph.is_linear(heads) {
        return Vec::new();
    }
    // Which changes touched which visit's note, from the first fork on
    // (diffing a change is what costs here).
    let mut by_note: BTreeMap<Uuid, Vec<usize>> = BTreeMap::new();
    let candidates = graph.after_first_fork();
    for i in (0..graph.hashes.len()).filter(|&i| candidates[i]) {
        let touched = touched_paths(doc, &graph.deps[i], graph.hashes[i]);
        for path in touched {
            let mut parts = path.split('/');
            let (Some("visits"), Some(id), Some("note" | NOTE_SETTLED)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if let Ok(id) = Uuid::parse_str(id) {
                let list = by_note.entry(id).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
    }
    let mut found = Vec::new();
    for (visit, touching) in by_note {
        let latest: Vec<usize> = touching
            .iter()
            .copied()
            .filter(|&t| !touching.iter().any(|&u| u != t && graph.is_ancestor(t, u)))
            .collect();
        if latest.len() < 2 {
            continue;
        }
        let Some(note) = note_obj(doc, visit) else {
            continue;
        };
        let mut values: Vec<ConflictValue> = latest
            .iter()
            .map(|&i| {
                let hash = graph.hashes[i];
                let (device, worker, time_ms) = author_of(doc, authors, hash);
                ConflictValue {
                    value: doc.text_at(&note, &[hash]).unwrap_or_default(),
                    device,
                    worker,
                    time_ms,
                }
            })
            .collect();
        values.sort_by_key(|v| v.time_ms);
        found.push(Conflict {
            field: format!("{}/{visit}/note", Section::Visits.key()),
            shown: doc.text(&note).unwrap_or_default(),
            values,
            parts: text_parts(doc, &note, authors),
        });
    }
    found
}

fn note_obj(doc: &AutoCommit, visit: Uuid) -> Option<ObjId> {
    let visits = match doc.get(ROOT, Section::Visits.key()) {
        Ok(Some((Value::Object(ObjType::Map), id))) => id,
        _ => return None,
    };
    let item = match doc.get(&visits, visit.to_string()) {
        Ok(Some((Value::Object(ObjType::Map), id))) => id,
        _ => return None,
    };
    match doc.get(&item, "note") {
        Ok(Some((Value::Object(ObjType::Text), id))) => Some(id),
        _ => None,
    }
}

/// The text cut into stretches, each written by one author.
fn text_parts(doc: &mut AutoCommit, text: &ObjId, authors: &mut AuthorCache) -> Vec<TextPart> {
    let chars: Vec<(String, automerge::ObjId)> = doc
        .list_range(text, ..)
        .map(|item| {
            let ch = match Value::from(item.value.clone()) {
                Value::Scalar(s) => scalar_text(&s),
                Value::Object(_) => String::new(),
            };
            (ch, item.id())
        })
        .collect();
    let mut parts: Vec<TextPart> = Vec::new();
    for (ch, id) in chars {
        let (device, worker, _) = doc
            .hash_for_opid(&id)
            .map(|hash| author_of(doc, authors, hash))
            .unwrap_or((None, None, 0));
        match parts.last_mut() {
            Some(last) if last.device == device && last.worker == worker => last.text.push_str(&ch),
            _ => parts.push(TextPart {
                text: ch,
                device,
                worker,
            }),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn side(parts: &[DiffPart], skip: &str) -> String {
        parts
            .iter()
            .filter(|p| p.op != skip)
            .map(|p| p.text.as_str())
            .collect()
    }

    proptest! {
        #[test]
        fn a_word_diff_gives_back_both_texts(
            before in "[a-cé ,.]{0,40}",
            after in "[a-cé ,.]{0,40}",
        ) {
            let parts = word_diff(&before, &after);
            prop_assert_eq!(side(&parts, "added"), before);
            prop_assert_eq!(side(&parts, "removed"), after);
            prop_assert!(parts.iter().all(|p| !p.text.is_empty()));
        }
    }
}
