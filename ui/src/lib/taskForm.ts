// A follow-up task as its form holds it, and how the form becomes API
// calls: a new task, or a patch of only the fields that changed.

import type { Task, TaskInput, TaskPatch } from './api/types';

export interface TaskForm {
  title: string;
  /** `YYYY-MM-DD` (a date input's value), or empty for no due date. */
  due: string;
  assignee: string;
}

/** A new task: nothing to do yet, no date, for `worker`. */
export function newTaskForm(worker: string | null): TaskForm {
  return { title: '', due: '', assignee: worker ?? '' };
}

/** An existing task, for editing. */
export function taskFormFrom(task: Task): TaskForm {
  return { title: task.title, due: task.due ?? '', assignee: task.assignee };
}

/** Whether the form can be saved: a task needs something to do. */
export function titleMissing(form: TaskForm): boolean {
  return form.title.trim() === '';
}

/** The new task the form describes (a blank assignee means this device's worker). */
export function taskInput(form: TaskForm): TaskInput {
  return { title: form.title.trim(), due: form.due === '' ? null : form.due, assignee: form.assignee.trim() };
}

/**
 * What changed from `task` to the form, or null when nothing did. An
 * emptied date is `null`, which clears it.
 */
export function taskPatch(task: Task, form: TaskForm): TaskPatch | null {
  const patch: TaskPatch = {};
  const title = form.title.trim();
  if (title !== task.title) patch.title = title;
  const due = form.due === '' ? null : form.due;
  if (due !== task.due) patch.due = due;
  const assignee = form.assignee.trim();
  if (assignee !== task.assignee) patch.assignee = assignee;
  return Object.keys(patch).length === 0 ? null : patch;
}
