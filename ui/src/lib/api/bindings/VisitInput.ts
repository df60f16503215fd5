// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { LocalDateTime } from "./LocalDateTime";
import type { VisitKind } from "./VisitKind";

/**
 * What to record for a new visit; the id is chosen here.
 */
export type VisitInput = {
/**
 * When (now if `None`).
 */
at: LocalDateTime | null,
/**
 * Where.
 */
place: string,
/**
 * How (home if `None`).
 */
kind: VisitKind | null,
/**
 * Who was present.
 */
present: Array<string>,
/**
 * Topics.
 */
topics: Array<string>,
/**
 * Minutes.
 */
duration_min: number | null,
/**
 * The note.
 */
note: string, };
