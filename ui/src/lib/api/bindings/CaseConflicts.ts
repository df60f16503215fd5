// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";
import type { Conflict } from "./Conflict";

/**
 * The conflicts of one case file.
 */
export type CaseConflicts = {
/**
 * The case file.
 */
case_id: CaseId,
/**
 * The person's name.
 */
name: string,
/**
 * Its conflicts.
 */
conflicts: Array<Conflict>, };
