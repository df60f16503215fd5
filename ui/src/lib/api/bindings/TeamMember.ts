// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * A device of the team, with the names its holder gave.
 */
export type TeamMember = {
/**
 * The device id.
 */
device_id: string,
/**
 * The worker who holds it (none until its roster entry arrives).
 */
worker: string | null,
/**
 * The device's name (none until its roster entry arrives).
 */
device_name: string | null,
/**
 * `lead` or `worker`, as the hub enrolled it.
 */
role: string,
/**
 * Revoked by a lead.
 */
revoked: boolean,
/**
 * This device.
 */
this_device: boolean, };
