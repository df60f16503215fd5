// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { Day } from "./Day";

/**
 * A period and a worker, for statistics, exports and the report.
 */
export type PeriodArgs = {
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
