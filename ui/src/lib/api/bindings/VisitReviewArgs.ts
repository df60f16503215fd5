// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { VisitId } from "./VisitId";

/**
 * `visit_review`: signs off a visit as reviewed by this device's worker.
 */
export type VisitReviewArgs = {
/**
 * The visit.
 */
visit: VisitId, };
