// The caseload list, its filters, and what is due across it.

import { call } from './commands';
import type { CaseloadFilterInput, CaseloadPage, DueTask } from './types';

/**
 * One page of the people matching `query` (empty: everyone) and `filter`,
 * most recently visited first.
 */
export function caseload(
  query: string,
  filter: CaseloadFilterInput,
  offset: number,
  limit: number,
): Promise<CaseloadPage> {
  return call('caseload', { query, filter, offset, limit });
}

/** Every commune in the caseload, for the filter. */
export function communes(): Promise<string[]> {
  return call('communes', {});
}

/** Tasks not done that are due within `days` days (overdue included), soonest first. */
export function tasksDue(days: number): Promise<DueTask[]> {
  return call('tasks_due', { days });
}
