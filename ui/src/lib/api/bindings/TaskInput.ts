// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { Day } from "./Day";

/**
 * A new task as the UI sends it (the id is chosen by the backend).
 */
export type TaskInput = {
/**
 * What to do.
 */
title: string,
/**
 * When.
 */
due: Day | null,
/**
 * Who should do it (this device's worker when blank).
 */
assignee: string, };
