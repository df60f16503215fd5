// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { DeviceId } from "./DeviceId";
import type { FieldChange } from "./FieldChange";

/**
 * One change in a case file's history.
 */
export type HistoryEntry = {
/**
 * The change hash (hex).
 */
hash: string,
/**
 * The device that wrote it, when it is a Carnet device.
 */
device: DeviceId | null,
/**
 * The worker named in the change.
 */
worker: string | null,
/**
 * When, in milliseconds since the Unix epoch (the writer's clock).
 */
time_ms: number,
/**
 * What kind of edit ("visit.add", "procedure.set"…), or "unknown".
 */
label: string,
/**
 * The paths of what the change touched (`visits/<id>/note`…).
 */
touched: Array<string>,
/**
 * Each field the change set, with its value before and after (for a
 * note: what was added and removed).
 */
fields: Array<FieldChange>, };
