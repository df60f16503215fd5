// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { TaskId } from "./TaskId";

/**
 * `task_done`: marks a task done or not done.
 */
export type TaskDoneArgs = {
/**
 * The task.
 */
task: TaskId,
/**
 * Done or not.
 */
done: boolean, };
