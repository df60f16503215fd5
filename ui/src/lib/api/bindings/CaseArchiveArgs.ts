// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";

/**
 * `case_archive`: archives a case file or brings it back.
 */
export type CaseArchiveArgs = {
/**
 * The case file.
 */
case: CaseId,
/**
 * Archived or not.
 */
archived: boolean, };
