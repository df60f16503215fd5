// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";
import type { TaskInput } from "./TaskInput";

/**
 * `task_add`: adds a follow-up task.
 */
export type TaskAddArgs = {
/**
 * The case file.
 */
case: CaseId,
/**
 * The task.
 */
task: TaskInput, };
