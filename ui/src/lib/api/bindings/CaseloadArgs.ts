// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseloadFilterInput } from "./CaseloadFilterInput";

/**
 * `caseload`: one page of the people matching a search or the filters.
 */
export type CaseloadArgs = {
/**
 * Search text; when it is not blank, results are ranked by match and the
 * filter does not apply.
 */
query: string,
/**
 * The filters, when not searching.
 */
filter: CaseloadFilterInput,
/**
 * How many people to skip.
 */
offset: number,
/**
 * How many people at most (1 to 500; 50 when left out).
 */
limit: number, };
