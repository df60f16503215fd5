// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * `unlock`: opens the notebook.
 */
export type UnlockArgs = {
/**
 * The notebook's passphrase.
 */
passphrase: string, };
