// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";

/**
 * `conflicts`: the conflicts of one case file, or of every case file.
 */
export type ConflictsArgs = {
/**
 * One case file; every case file with conflicts when left out.
 */
case?: CaseId, };
