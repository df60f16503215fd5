// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { Day } from "./Day";

/**
 * `report_pdf`: the activity report of a period as a PDF.
 */
export type ReportPdfArgs = {
/**
 * The first day of the period.
 */
from: Day,
/**
 * The last day of the period (included).
 */
to: Day,
/**
 * One worker; the whole team when blank or left out.
 */
worker?: string,
/**
 * Add the visits of the period with their notes (left out unless asked for).
 */
with_notes: boolean,
/**
 * `fr` or `en`.
 */
language: "fr" | "en", };
