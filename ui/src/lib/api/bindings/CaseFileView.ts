// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";
import type { Comment } from "./Comment";
import type { Consent } from "./Consent";
import type { Person } from "./Person";
import type { Procedure } from "./Procedure";
import type { Task } from "./Task";
import type { Visit } from "./Visit";

/**
 * The whole case file as read from its document (the winning value of every
 * field; see [`crate::Conflict`] for the others).
 */
export type CaseFileView = {
/**
 * The case file.
 */
id: CaseId,
/**
 * The schema version of the document.
 */
schema: number,
/**
 * Set when the document cannot be edited by this version, with the reason.
 */
read_only: string | null,
/**
 * Who the case file is about.
 */
person: Person,
/**
 * The person's consent to the file being kept.
 */
consent: Consent,
/**
 * Visits, oldest first (archived ones included, flagged).
 */
visits: Array<Visit>,
/**
 * Procedures, by agency then what.
 */
procedures: Array<Procedure>,
/**
 * Tasks, by due date.
 */
tasks: Array<Task>,
/**
 * Comments, oldest first.
 */
comments: Array<Comment>,
/**
 * Archived case files are left out of the default caseload list (no
 * contact for a long time; see `carnet retention`) but kept and
 * searchable. False in documents written before the flag existed.
 */
archived: boolean, };
