// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { TaskId } from "./TaskId";
import type { TaskPatch } from "./TaskPatch";

/**
 * `task_edit`: changes a task's title, due date or assignee.
 */
export type TaskEditArgs = {
/**
 * The task.
 */
task: TaskId,
/**
 * What to change; a blank assignee means this device's worker, as in `task_add`.
 */
patch: TaskPatch, };
