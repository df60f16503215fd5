// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * One device (tablet or laptop). It is also the Automerge actor of every
 * change the device writes.
 */
export type DeviceId = string;
