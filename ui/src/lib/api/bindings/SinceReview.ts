// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseChanges } from "./CaseChanges";

/**
 * Everything that changed since the last review point.
 */
export type SinceReview = {
/**
 * When the last review point was marked (milliseconds since the Unix
 * epoch), or `None` before the first one (then everything is new).
 */
since_ms: number | null,
/**
 * How many case files changed.
 */
total_cases: number,
/**
 * How many changes in all.
 */
total_changes: number,
/**
 * The case files, the most recently changed first, at most `limit`.
 */
cases: Array<CaseChanges>,
/**
 * When this list was read (this device's store clock, milliseconds):
 * pass it back to [`Device::mark_reviewed`].
 */
read_ms: number, };
