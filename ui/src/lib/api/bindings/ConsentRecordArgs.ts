// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";
import type { ConsentRecord } from "./ConsentRecord";

/**
 * `consent_record`: records the person's consent or its withdrawal.
 */
export type ConsentRecordArgs = {
/**
 * The case file.
 */
case: CaseId,
/**
 * The consent.
 */
consent: ConsentRecord, };
