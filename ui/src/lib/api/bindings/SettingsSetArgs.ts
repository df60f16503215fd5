// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * `settings_set`: changes the device's settings; a field left out is kept.
 */
export type SettingsSetArgs = {
/**
 * The device's new name.
 */
device_name?: string, };
