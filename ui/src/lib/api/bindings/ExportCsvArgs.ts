// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CsvTable } from "./CsvTable";
import type { Day } from "./Day";

/**
 * `export_csv`: a CSV table of visits or procedures.
 */
export type ExportCsvArgs = {
/**
 * `visits` or `procedures`.
 */
table: CsvTable,
/**
 * Add the visits' notes (left out unless asked for).
 */
with_notes: boolean,
/**
 * Visits on or after this day.
 */
from?: Day,
/**
 * Visits on or before this day.
 */
to?: Day,
/**
 * One worker; everyone when blank or left out.
 */
worker?: string, };
