// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { VisitId } from "./VisitId";
import type { VisitPatch } from "./VisitPatch";

/**
 * `visit_edit`: changes a visit.
 */
export type VisitEditArgs = {
/**
 * The visit.
 */
visit: VisitId,
/**
 * What to change.
 */
patch: VisitPatch, };
