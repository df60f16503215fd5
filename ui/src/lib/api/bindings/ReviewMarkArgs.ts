// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { ReviewedCase } from "./ReviewedCase";

/**
 * `review_mark`: marks reviewed the case files the screen showed, as it
 * showed them; a change that arrived since stays to review.
 */
export type ReviewMarkArgs = {
/**
 * The case files shown, with their heads (from `review_since`).
 */
cases: Array<ReviewedCase>,
/**
 * When the list was read (`review_since`'s `read_ms`).
 */
read_ms: number, };
