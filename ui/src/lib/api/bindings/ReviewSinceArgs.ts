// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * `review_since`: the changes since the last review point.
 */
export type ReviewSinceArgs = {
/**
 * At most this many case files (the most recently changed first).
 */
limit: number, };
