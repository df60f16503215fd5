// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { LocalDateTime } from "./LocalDateTime";
import type { VisitKind } from "./VisitKind";

/**
 * Fields of a visit to change; `None` leaves a field as it is.
 *
 * In JSON a field left out changes nothing, and `null` clears one that may
 * be empty (an `Option<Option<T>>`, read as `Some(None)`).
 */
export type VisitPatch = {
/**
 * When.
 */
at?: LocalDateTime,
/**
 * Where.
 */
place?: string,
/**
 * How.
 */
kind?: VisitKind,
/**
 * Who was present.
 */
present?: Array<string>,
/**
 * Topics.
 */
topics?: Array<string>,
/**
 * Minutes spent.
 */
duration_min?: number | null,
/**
 * The whole new note; only the characters that differ are changed, so a
 * colleague's concurrent edit elsewhere in the note is kept.
 */
note?: string, };
