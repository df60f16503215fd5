// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * `tasks_due`: tasks not done that are due soon, overdue included.
 */
export type TasksDueArgs = {
/**
 * Due within this many days from today.
 */
days: number, };
