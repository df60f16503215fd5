// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { ProcedureId } from "./ProcedureId";
import type { ProcedurePatch } from "./ProcedurePatch";

/**
 * `procedure_set`: changes a procedure.
 */
export type ProcedureSetArgs = {
/**
 * The procedure.
 */
procedure: ProcedureId,
/**
 * What to change.
 */
patch: ProcedurePatch, };
