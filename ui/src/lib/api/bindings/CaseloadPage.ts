// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseSummary } from "./CaseSummary";

/**
 * One page of the caseload (`caseload`).
 */
export type CaseloadPage = {
/**
 * How many people the filter or search keeps, on every page.
 */
total: number,
/**
 * This page, sorted by last visit (or best match when searching).
 */
items: Array<CaseSummary>, };
