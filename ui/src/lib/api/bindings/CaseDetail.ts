// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseFileView } from "./CaseFileView";
import type { Conflict } from "./Conflict";

/**
 * A case file with everything a screen needs to show it.
 */
export type CaseDetail = {
/**
 * The case file.
 */
case: CaseFileView,
/**
 * Fields holding concurrent values.
 */
conflicts: Array<Conflict>,
/**
 * The document's heads (hex), equal on two devices that hold the same changes.
 */
heads: Array<string>, };
