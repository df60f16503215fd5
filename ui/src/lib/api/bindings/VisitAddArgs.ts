// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";
import type { VisitInput } from "./VisitInput";

/**
 * `visit_add`: records a new visit.
 */
export type VisitAddArgs = {
/**
 * The case file.
 */
case: CaseId,
/**
 * The visit.
 */
visit: VisitInput, };
