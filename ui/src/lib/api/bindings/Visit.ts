// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { LocalDateTime } from "./LocalDateTime";
import type { Review } from "./Review";
import type { VisitId } from "./VisitId";
import type { VisitKind } from "./VisitKind";

/**
 * One visit.
 */
export type Visit = {
/**
 * The visit.
 */
id: VisitId,
/**
 * When it took place.
 */
at: LocalDateTime | null,
/**
 * Who made it.
 */
worker: string,
/**
 * Where.
 */
place: string,
/**
 * How.
 */
kind: VisitKind,
/**
 * Who was present.
 */
present: Array<string>,
/**
 * Topics discussed.
 */
topics: Array<string>,
/**
 * Time spent, in minutes.
 */
duration_min: number | null,
/**
 * The note, merged character by character.
 */
note: string,
/**
 * Archived visits are kept but hidden from the timeline.
 */
archived: boolean,
/**
 * Sign-off by a team lead.
 */
reviewed: Review | null, };
