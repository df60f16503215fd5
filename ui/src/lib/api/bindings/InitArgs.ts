// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * `init`: creates the notebook and the device's identity.
 */
export type InitArgs = {
/**
 * The passphrase that will open the notebook.
 */
passphrase: string,
/**
 * The worker's name, as the team knows them.
 */
worker: string,
/**
 * A name for this device ("tablette Anne").
 */
device_name: string, };
