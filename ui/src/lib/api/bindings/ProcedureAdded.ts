// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseFileView } from "./CaseFileView";
import type { ProcedureId } from "./ProcedureId";

/**
 * A procedure just added (`procedure_add`).
 */
export type ProcedureAdded = {
/**
 * The new procedure.
 */
procedure: ProcedureId,
/**
 * The case file with it.
 */
view: CaseFileView, };
