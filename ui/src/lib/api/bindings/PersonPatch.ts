// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * Fields of the person to change; `None` leaves a field as it is.
 *
 * In JSON a field left out changes nothing, and `null` clears one that may
 * be empty (an `Option<Option<T>>`, read as `Some(None)`).
 */
export type PersonPatch = {
/**
 * New name.
 */
name?: string,
/**
 * New birth year (`Some(None)` clears it).
 */
birth_year?: number | null,
/**
 * New commune.
 */
commune?: string,
/**
 * New phone.
 */
phone?: string,
/**
 * New situation text (merged as text).
 */
situation?: string, };
