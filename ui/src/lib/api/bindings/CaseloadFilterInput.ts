// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * The caseload screen's filters.
 */
export type CaseloadFilterInput = {
/**
 * People with a task due within this many days (overdue included).
 */
due_within_days?: number | null,
/**
 * People with an open procedure.
 */
open_procedures: boolean,
/**
 * People of this commune (accents and case ignored).
 */
commune?: string | null, };
