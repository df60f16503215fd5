// Where a case file's conflicts are. A conflict names its field by path
// (`person/commune`, `procedures/<id>/status`); screens ask by the same
// paths to put a mark next to the field.

import type { Agency, Conflict, ProcedureStatus, VisitKind } from './api/types';
import { AGENCIES, VISIT_KINDS } from './api/types';
import type { MessageKey } from './i18n/fr';

export type Section = 'person' | 'consent' | 'visits' | 'procedures' | 'tasks';

/** The conflicts of one case file, by field path. */
export type ConflictIndex = ReadonlyMap<string, Conflict>;

export function indexConflicts(conflicts: readonly Conflict[]): ConflictIndex {
  return new Map(conflicts.map((c) => [c.field, c]));
}

/** The path of a field of the person or the consent. */
export function fieldPath(section: 'person' | 'consent', field: string): string;
/** The path of a field of a visit, procedure or task. */
export function fieldPath(section: 'visits' | 'procedures' | 'tasks', field: string, item: string): string;
export function fieldPath(section: Section, field: string, item?: string): string {
  return item === undefined ? `${section}/${field}` : `${section}/${item}/${field}`;
}

/** Every conflict on one visit, procedure or task. */
export function itemConflicts(index: ConflictIndex, section: Section, item: string): Conflict[] {
  const prefix = `${section}/${item}/`;
  return [...index.values()].filter((c) => c.field.startsWith(prefix));
}

/** The field's name, the last part of its path (`status`, `commune`…). */
export function fieldName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

// Conflict values come in the documents' text form: stable codes, which for
// procedure statuses differ from the serde names (`todo` for `to_do`).
const STATUS_CODES: Readonly<Record<string, ProcedureStatus>> = {
  todo: 'to_do',
  to_do: 'to_do',
  in_progress: 'in_progress',
  submitted: 'submitted',
  granted: 'granted',
  refused: 'refused',
  suspended: 'suspended',
};

/**
 * A conflict value as people read it: a catalogue key for coded values
 * (statuses, agencies, visit kinds, yes/no), the text itself otherwise.
 */
export function conflictValueLabel(path: string, value: string): { key: MessageKey } | { text: string } {
  const field = fieldName(path);
  if (field === 'status' && path.startsWith('procedures/')) {
    const status = STATUS_CODES[value];
    if (status !== undefined) return { key: `status.${status}` };
  }
  if (field === 'agency' && (AGENCIES as readonly string[]).includes(value)) {
    return { key: `agency.${value as Agency}` };
  }
  if (field === 'kind' && path.startsWith('visits/') && (VISIT_KINDS as readonly string[]).includes(value)) {
    return { key: `kind.${value as VisitKind}` };
  }
  if (value === 'true' || value === 'false') {
    return { key: value === 'true' ? 'common.yes' : 'common.no' };
  }
  if (value === '') {
    return { key: 'conflict.emptyValue' };
  }
  return { text: value };
}
