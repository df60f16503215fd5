// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * How a visit took place.
 */
export type VisitKind = "home" | "office" | "phone" | "other";
