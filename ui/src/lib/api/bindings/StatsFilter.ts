// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { Day } from "./Day";

/**
 * The period and worker statistics are computed for. Empty means every
 * visit of every worker.
 */
export type StatsFilter = {
/**
 * Visits on or after this day.
 */
from: Day | null,
/**
 * Visits on or before this day.
 */
to: Day | null,
/**
 * Visits made by this worker, tasks assigned to them (case and
 * surrounding spaces ignored).
 */
worker: string | null, };
