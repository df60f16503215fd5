// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";

/**
 * A case file as the lead saw it, to mark reviewed.
 */
export type ReviewedCase = {
/**
 * The case file.
 */
case_id: CaseId,
/**
 * Its heads (hex) as shown ([`CaseChanges::heads`]).
 */
heads: Array<string>, };
