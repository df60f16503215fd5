// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { Day } from "./Day";

/**
 * Consent to the file being kept.
 */
export type Consent = {
/**
 * Whether consent was given.
 */
given: boolean,
/**
 * When it was recorded.
 */
date: Day | null,
/**
 * What it covers.
 */
scope: string,
/**
 * Who recorded it.
 */
recorded_by: string, };
