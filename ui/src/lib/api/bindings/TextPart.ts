// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { DeviceId } from "./DeviceId";

/**
 * A stretch of a merged text written by one author.
 */
export type TextPart = {
/**
 * The text.
 */
text: string,
/**
 * The device that wrote it.
 */
device: DeviceId | null,
/**
 * The worker who wrote it.
 */
worker: string | null, };
