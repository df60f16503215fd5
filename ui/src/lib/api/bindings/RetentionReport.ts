// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { Day } from "./Day";
import type { Dormant } from "./Dormant";

/**
 * The retention list.
 */
export type RetentionReport = {
/**
 * The months without contact asked for.
 */
months: number,
/**
 * Case files whose last contact is before this day are listed.
 */
before: Day,
/**
 * Those case files, oldest contact first.
 */
case_files: Array<Dormant>, };
