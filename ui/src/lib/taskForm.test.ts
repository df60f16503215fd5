import { describe, expect, it } from 'vitest';
import type { Task } from './api/types';
import { newTaskForm, taskFormFrom, taskInput, taskPatch, titleMissing } from './taskForm';

const task: Task = {
  id: '0c1e6f1a-5b8e-4a47-9d4f-2f4f0b1f6a10',
  title: 'Rappeler la CAF',
  due: '2026-06-03',
  done: false,
  assignee: 'Anne',
};

describe('task forms', () => {
  it('start empty for this device’s worker', () => {
    expect(newTaskForm('Anne')).toEqual({ title: '', due: '', assignee: 'Anne' });
    expect(newTaskForm(null)).toEqual({ title: '', due: '', assignee: '' });
  });

  it('hold an existing task, an undated one with an empty date', () => {
    expect(taskFormFrom(task)).toEqual({ title: 'Rappeler la CAF', due: '2026-06-03', assignee: 'Anne' });
    expect(taskFormFrom({ ...task, due: null }).due).toBe('');
  });

  it('need a title that is not blank', () => {
    expect(titleMissing({ ...taskFormFrom(task), title: '  ' })).toBe(true);
    expect(titleMissing(taskFormFrom(task))).toBe(false);
  });

  it('become a new task, trimmed, with no date when the date is empty', () => {
    expect(taskInput({ title: ' Appeler la MDPH ', due: '', assignee: ' Bruno ' })).toEqual({
      title: 'Appeler la MDPH',
      due: null,
      assignee: 'Bruno',
    });
  });
});

describe('task patches', () => {
  it('are null when nothing changed, spaces around the title included', () => {
    expect(taskPatch(task, taskFormFrom(task))).toBeNull();
    expect(taskPatch(task, { ...taskFormFrom(task), title: ' Rappeler la CAF ' })).toBeNull();
  });

  it.each([
    ['a new due date', { due: '2026-06-12' }, { due: '2026-06-12' }],
    ['an emptied due date, as null', { due: '' }, { due: null }],
    ['a new title, trimmed', { title: ' Rappeler la CPAM' }, { title: 'Rappeler la CPAM' }],
    ['a new assignee', { assignee: 'Bruno' }, { assignee: 'Bruno' }],
    ['several fields', { due: '', assignee: 'Bruno' }, { due: null, assignee: 'Bruno' }],
  ])('hold only %s', (_, changed, patch) => {
    expect(taskPatch(task, { ...taskFormFrom(task), ...changed })).toEqual(patch);
  });

  it('give an undated task a date', () => {
    const undated = { ...task, due: null };
    expect(taskPatch(undated, taskFormFrom(undated))).toBeNull();
    expect(taskPatch(undated, { ...taskFormFrom(undated), due: '2026-07-01' })).toEqual({ due: '2026-07-01' });
  });
});
