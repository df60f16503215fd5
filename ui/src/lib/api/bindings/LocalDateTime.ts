// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * A local date and time to the minute, `YYYY-MM-DDTHH:MM`.
 */
export type LocalDateTime = string;
