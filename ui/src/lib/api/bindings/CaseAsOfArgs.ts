// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";

/**
 * `case_as_of`: a case file as it was at a date.
 */
export type CaseAsOfArgs = {
/**
 * The case file.
 */
case: CaseId,
/**
 * `YYYY-MM-DD` (the end of that day) or `YYYY-MM-DDTHH:MM` (the end of
 * that minute), this device's local time.
 */
at: string, };
