// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";

/**
 * `case_show`: one case file in full.
 */
export type CaseShowArgs = {
/**
 * The case file.
 */
case: CaseId, };
