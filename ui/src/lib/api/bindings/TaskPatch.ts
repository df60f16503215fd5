// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { Day } from "./Day";

/**
 * Fields of a task to change; `None` leaves a field as it is. Whether it is
 * done is set apart (`Edit::SetTaskDone`).
 *
 * In JSON a field left out changes nothing, and `null` clears one that may
 * be empty (an `Option<Option<T>>`, read as `Some(None)`).
 */
export type TaskPatch = {
/**
 * What to do (it cannot be blank).
 */
title?: string,
/**
 * When (`Some(None)` clears it).
 */
due?: Day | null,
/**
 * Who.
 */
assignee?: string, };
