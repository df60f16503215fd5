// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { VisitId } from "./VisitId";

/**
 * `visit_archive`: archives a visit or brings it back; nothing is deleted.
 */
export type VisitArchiveArgs = {
/**
 * The visit.
 */
visit: VisitId,
/**
 * Archived or not.
 */
archived: boolean, };
