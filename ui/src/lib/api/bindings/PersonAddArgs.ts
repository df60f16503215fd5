// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { NewPerson } from "./NewPerson";

/**
 * `person_add`: opens a new case file.
 */
export type PersonAddArgs = {
/**
 * Who the case file is about.
 */
person: NewPerson, };
