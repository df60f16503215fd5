// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";
import type { PersonPatch } from "./PersonPatch";

/**
 * `person_update`: changes the person's details.
 */
export type PersonUpdateArgs = {
/**
 * The case file.
 */
case: CaseId,
/**
 * What to change.
 */
patch: PersonPatch, };
