// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";
import type { ContactSource } from "./ContactSource";
import type { Day } from "./Day";

/**
 * A case file without contact since before the cut-off.
 */
export type Dormant = {
/**
 * The case file.
 */
case_id: CaseId,
/**
 * The person's name.
 */
person: string,
/**
 * Their commune.
 */
commune: string,
/**
 * The day of the last contact.
 */
last_contact: Day,
/**
 * Where that day comes from.
 */
source: ContactSource,
/**
 * Whether the case file is archived already.
 */
archived: boolean, };
