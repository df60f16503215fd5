// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * `team_join`: joins a team with an invite code from its lead.
 */
export type TeamJoinArgs = {
/**
 * The hub's address.
 */
hub: string,
/**
 * The invite code, e.g. `K7QD-MX2P-9FHT`.
 */
code: string, };
