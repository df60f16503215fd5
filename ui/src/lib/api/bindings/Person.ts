// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * Who the case file is about.
 */
export type Person = {
/**
 * Display name.
 */
name: string,
/**
 * Birth year, if known.
 */
birth_year: number | null,
/**
 * Commune of residence.
 */
commune: string,
/**
 * Phone number.
 */
phone: string,
/**
 * Free text about the situation.
 */
situation: string, };
