// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";
import type { HistoryEntry } from "./HistoryEntry";

/**
 * The changes one case file received since the last review point.
 */
export type CaseChanges = {
/**
 * The case file.
 */
case_id: CaseId,
/**
 * The person's name.
 */
name: string,
/**
 * Whether the case file is new since the last review point.
 */
new_case: boolean,
/**
 * The changes, oldest first, each with who, when, which device and
 * what it did.
 */
changes: Array<HistoryEntry>,
/**
 * The case file's heads (hex) with these changes: what marking it
 * reviewed records ([`Device::mark_reviewed`]).
 */
heads: Array<string>, };
