// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { ConflictValue } from "./ConflictValue";

/**
 * A field that holds concurrent values after a merge.
 */
export type Conflict = {
/**
 * The field (`procedures/<id>/status`…).
 */
field: string,
/**
 * The value shown everywhere until it is resolved.
 */
shown: string,
/**
 * Every concurrent value with its author.
 */
values: Array<ConflictValue>, };
