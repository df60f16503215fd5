// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { Day } from "./Day";
import type { ProcedureStatus } from "./ProcedureStatus";

/**
 * Fields of a procedure to change; `None` leaves a field as it is.
 *
 * In JSON a field left out changes nothing, and `null` clears one that may
 * be empty (an `Option<Option<T>>`, read as `Some(None)`).
 */
export type ProcedurePatch = {
/**
 * What it is.
 */
what?: string,
/**
 * Where it stands.
 */
status?: ProcedureStatus,
/**
 * Next step.
 */
next_step?: string,
/**
 * Due date (`Some(None)` clears it).
 */
due?: Day | null, };
