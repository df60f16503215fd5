// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * An error as sent to a user interface or printed with `--json`.
 */
export type ApiError = {
/**
 * Stable kind (`wrong_passphrase`, `not_found`, `invalid_input`…).
 */
kind: string,
/**
 * A sentence for people, saying what to do next.
 */
message: string, };
