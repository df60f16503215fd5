// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * The sync status line.
 */
export type SyncLine = {
/**
 * `no_team`, `syncing`, `up_to_date`, `offline` or `error`.
 */
state: "no_team" | "syncing" | "up_to_date" | "offline" | "error",
/**
 * When the last sync succeeded (ms since the Unix epoch).
 */
last_sync_ms: number | null,
/**
 * Changes not yet acknowledged by the hub.
 */
pending: number,
/**
 * The last error in words.
 */
last_error: string | null, };
