// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * `retention`: case files without contact for a number of months.
 */
export type RetentionArgs = {
/**
 * Months without contact (24 in CNIL guidance).
 */
months: number, };
