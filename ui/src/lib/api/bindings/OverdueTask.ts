// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";
import type { Day } from "./Day";
import type { TaskId } from "./TaskId";

/**
 * A task not done past its due date.
 */
export type OverdueTask = {
/**
 * The case file.
 */
case_id: CaseId,
/**
 * The person's name.
 */
person: string,
/**
 * The task.
 */
task_id: TaskId,
/**
 * What to do.
 */
title: string,
/**
 * When it was due.
 */
due: Day,
/**
 * Who should do it.
 */
assignee: string, };
