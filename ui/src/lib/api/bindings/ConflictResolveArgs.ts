// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";

/**
 * `conflict_resolve`: settles a field with one value.
 */
export type ConflictResolveArgs = {
/**
 * The case file.
 */
case: CaseId,
/**
 * The field (`procedures/<id>/status`, `visits/<id>/note`…).
 */
field: string,
/**
 * The settled value, in the field's text form.
 */
value: string, };
