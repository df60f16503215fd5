// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { Agency } from "./Agency";
import type { Day } from "./Day";
import type { ProcedureId } from "./ProcedureId";
import type { ProcedureStatus } from "./ProcedureStatus";

/**
 * One rights procedure.
 */
export type Procedure = {
/**
 * The procedure.
 */
id: ProcedureId,
/**
 * The agency.
 */
agency: Agency,
/**
 * What it is ("RSA", "complémentaire santé solidaire"…).
 */
what: string,
/**
 * Where it stands.
 */
status: ProcedureStatus,
/**
 * The next thing to do.
 */
next_step: string,
/**
 * When the next step is due.
 */
due: Day | null, };
