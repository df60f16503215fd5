// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * The agency a procedure is filed with.
 */
export type Agency = "caf" | "msa" | "cpam" | "france_travail" | "impots" | "ants" | "mdph" | "retraite" | "energie" | "other";
