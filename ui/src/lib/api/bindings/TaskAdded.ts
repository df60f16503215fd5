// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseFileView } from "./CaseFileView";
import type { TaskId } from "./TaskId";

/**
 * A task just added (`task_add`).
 */
export type TaskAdded = {
/**
 * The new task.
 */
task: TaskId,
/**
 * The case file with it.
 */
view: CaseFileView, };
