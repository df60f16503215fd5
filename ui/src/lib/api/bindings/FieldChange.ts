// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { DiffPart } from "./DiffPart";

/**
 * What one change did to one field.
 */
export type FieldChange = {
/**
 * The field (`procedures/<id>/status`…).
 */
field: string,
/**
 * Its value just before, in text form; `None` when it did not exist yet
 * or for a note (see `diff`).
 */
before: string | null,
/**
 * Its value just after; `None` for a note (see `diff`).
 */
after: string | null,
/**
 * For a note: the text as a sequence of kept, added and removed parts
 * (word by word); empty for other fields.
 */
diff: Array<DiffPart>, };
