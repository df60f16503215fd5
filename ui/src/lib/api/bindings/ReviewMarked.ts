// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * A review point just marked.
 */
export type ReviewMarked = {
/**
 * When (milliseconds since the Unix epoch).
 */
at_ms: number,
/**
 * How many case files had changed since the previous point.
 */
cases: number, };
