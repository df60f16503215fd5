// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { Day } from "./Day";
import type { TaskId } from "./TaskId";

/**
 * One follow-up task.
 */
export type Task = {
/**
 * The task.
 */
id: TaskId,
/**
 * What to do.
 */
title: string,
/**
 * When.
 */
due: Day | null,
/**
 * Done or not.
 */
done: boolean,
/**
 * Who should do it.
 */
assignee: string, };
