// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";
import type { ProcedureInput } from "./ProcedureInput";

/**
 * `procedure_add`: adds a rights procedure.
 */
export type ProcedureAddArgs = {
/**
 * The case file.
 */
case: CaseId,
/**
 * The procedure.
 */
procedure: ProcedureInput, };
