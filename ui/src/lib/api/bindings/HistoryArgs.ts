// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";

/**
 * `history`: every change of a case file.
 */
export type HistoryArgs = {
/**
 * The case file.
 */
case: CaseId, };
