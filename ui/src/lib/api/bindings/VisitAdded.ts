// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseFileView } from "./CaseFileView";
import type { VisitId } from "./VisitId";

/**
 * A visit just recorded (`visit_add`).
 */
export type VisitAdded = {
/**
 * The new visit.
 */
visit: VisitId,
/**
 * The case file with it.
 */
view: CaseFileView, };
