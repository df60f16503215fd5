// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * Where a procedure stands.
 */
export type ProcedureStatus = "to_do" | "in_progress" | "submitted" | "granted" | "refused" | "suspended";
