// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { Day } from "./Day";

/**
 * Consent as recorded.
 */
export type ConsentRecord = {
/**
 * Given or withdrawn.
 */
given: boolean,
/**
 * When.
 */
date: Day,
/**
 * What it covers.
 */
scope: string, };
