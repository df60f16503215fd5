// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * A new case file's person.
 */
export type NewPerson = {
/**
 * Display name (required).
 */
name: string,
/**
 * Birth year.
 */
birth_year: number | null,
/**
 * Commune.
 */
commune: string,
/**
 * Phone.
 */
phone: string,
/**
 * Situation.
 */
situation: string, };
