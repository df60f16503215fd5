// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { ConflictValue } from "./ConflictValue";
import type { TextPart } from "./TextPart";

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
 * Every concurrent value with its author. For a note edited
 * concurrently: each author's version as they left it.
 */
values: Array<ConflictValue>,
/**
 * For a note: the merged text (`shown`) cut into the parts each author
 * wrote; empty for other fields.
 */
parts: Array<TextPart>, };
