// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * One part of a text diff.
 */
export type DiffPart = {
/**
 * `same`, `added` or `removed`.
 */
op: string,
/**
 * The text of the part.
 */
text: string, };
