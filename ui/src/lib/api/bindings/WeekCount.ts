// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { Day } from "./Day";

/**
 * The visits of one ISO week.
 */
export type WeekCount = {
/**
 * The ISO week, `YYYY-Www` (its year is the ISO week-numbering year).
 */
week: string,
/**
 * Its Monday.
 */
start: Day,
/**
 * Counted visits that week.
 */
visits: number, };
