// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { DeviceId } from "./DeviceId";

/**
 * One value among several concurrent ones.
 */
export type ConflictValue = {
/**
 * The value, in the field's text form.
 */
value: string,
/**
 * The device that wrote it.
 */
device: DeviceId | null,
/**
 * The worker who wrote it.
 */
worker: string | null,
/**
 * When, in milliseconds since the Unix epoch.
 */
time_ms: number, };
