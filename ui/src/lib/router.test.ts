import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, type Route } from './router';

const id = '2d3262e4-015b-455d-a988-83ac556b5187';
const other = 'f9542318-e92f-478b-9513-d3e7d0394f59';

describe('routes', () => {
  const routes: Route[] = [
    { name: 'caseload' },
    { name: 'due' },
    { name: 'settings' },
    { name: 'person-new' },
    { name: 'case', id },
    { name: 'person-edit', id },
    { name: 'visit-new', id },
    { name: 'visit', id, visit: other },
    { name: 'procedure-new', id },
    { name: 'procedure', id, procedure: other },
    { name: 'task-new', id },
    { name: 'task', id, task: other },
    { name: 'review' },
    { name: 'conflicts' },
    { name: 'stats' },
    { name: 'retention' },
    { name: 'history', id },
    { name: 'history', id, change: 'ab'.repeat(32) },
  ];

  it.each(routes)('round-trips $name through the hash', (route) => {
    expect(parseRoute(routeHash(route))).toEqual(route);
  });

  it('reads a task id, a short one too, as the task to edit', () => {
    expect(parseRoute(`#/case/${id}/task/${other}`)).toEqual({ name: 'task', id, task: other });
    expect(parseRoute(`#/case/${id}/task/f9542318/`)).toEqual({ name: 'task', id, task: 'f9542318' });
    expect(parseRoute(`#/case/${id}/task/new`)).toEqual({ name: 'task-new', id });
  });

  it('reads an empty hash or a slash as the caseload', () => {
    expect(parseRoute('')).toEqual({ name: 'caseload' });
    expect(parseRoute('#/')).toEqual({ name: 'caseload' });
  });

  it('refuses unknown paths and ids that are not ids', () => {
    expect(parseRoute('#/nowhere')).toEqual({ name: 'not-found' });
    expect(parseRoute('#/case/<script>')).toEqual({ name: 'not-found' });
    expect(parseRoute(`#/case/${id}/visit`)).toEqual({ name: 'not-found' });
    expect(parseRoute(`#/case/${id}/task`)).toEqual({ name: 'not-found' });
    expect(parseRoute(`#/case/${id}/task/<script>`)).toEqual({ name: 'not-found' });
    expect(parseRoute(`#/case/${id}/task/${other}/edit`)).toEqual({ name: 'not-found' });
    expect(parseRoute(`#/case/${id}/visit/${other}/extra/more`)).toEqual({ name: 'not-found' });
    expect(parseRoute(`#/case/${id}/history/not-a-hash`)).toEqual({ name: 'not-found' });
  });
});
