// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseFileView } from "./CaseFileView";

/**
 * A case file as it stood at an instant (see [`crate::CaseFile::as_of`]).
 */
export type CaseFileAsOf = {
/**
 * The instant, in milliseconds since the Unix epoch.
 */
as_of_ms: number,
/**
 * The case file as it stood then.
 */
case: CaseFileView,
/**
 * The heads (hex) of the changes it is made of.
 */
heads: Array<string>,
/**
 * How many changes it is made of.
 */
changes: number,
/**
 * Changes stamped at or before the instant that were left out because
 * they build on a change stamped after it (a device whose clock was behind).
 */
held_back: number, };
