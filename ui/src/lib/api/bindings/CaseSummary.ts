// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";
import type { Day } from "./Day";
import type { LocalDateTime } from "./LocalDateTime";

/**
 * One line of the caseload list.
 */
export type CaseSummary = {
/**
 * The case file.
 */
id: CaseId,
/**
 * The person's name.
 */
name: string,
/**
 * Their commune.
 */
commune: string,
/**
 * The last visit that is not archived.
 */
last_visit: LocalDateTime | null,
/**
 * How many visits that are not archived.
 */
visits: number,
/**
 * Procedures not granted or refused.
 */
open_procedures: number,
/**
 * The earliest due date of a task not done.
 */
next_task_due: Day | null,
/**
 * Fields holding concurrent values.
 */
conflicts: number,
/**
 * Whether a newer Carnet wrote it.
 */
read_only: boolean,
/**
 * Whether the case file is archived (left out of the caseload list
 * unless asked for; always found by search).
 */
archived: boolean, };
