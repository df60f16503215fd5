// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * What the unlock screen needs to know.
 */
export type SessionState = {
/**
 * Whether a notebook exists in the app's data directory.
 */
initialized: boolean,
/**
 * Whether it is open.
 */
unlocked: boolean,
/**
 * The worker (when unlocked).
 */
worker: string | null,
/**
 * The device's name (when unlocked).
 */
device_name: string | null,
/**
 * `lead` or `worker` in a team (when unlocked and in one).
 */
role: string | null,
/**
 * Whether the device is in a team (when unlocked).
 */
team: boolean, };
