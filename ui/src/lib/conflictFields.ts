// How the conflicts screen names a field and writes its values: "Statut de
// la démarche CAF « RSA »", "Note de la visite du 12 mars 2026", "Accordée"
// for `granted`; which input writes another value; and which author wrote
// each part of a merged note. Pure: the translation and date functions are
// passed in, so the tests run on any catalogue.

import type { CaseFileView, Conflict, TextPart } from './api/types';
import { AGENCIES, PROCEDURE_STATUSES, VISIT_KINDS } from './api/types';
import { conflictValueLabel, fieldName } from './conflicts';
import type { MessageKey } from './i18n/fr';

/** What the texts need: a translation and the locale's dates. */
export interface Words {
  t: (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;
  day: (day: string) => string;
  dateTime: (value: string) => string;
}

/** A field path cut into its parts (`visits/<id>/note` → visits, <id>, note). */
export interface ParsedPath {
  section: string;
  item: string | null;
  field: string;
}

export function parsePath(path: string): ParsedPath {
  const parts = path.split('/');
  if (parts.length >= 3) {
    return { section: parts[0] ?? '', item: parts[1] ?? null, field: parts.slice(2).join('/') };
  }
  return { section: parts[0] ?? '', item: null, field: parts[1] ?? '' };
}

/** Whether the conflict is on a note merged from concurrent edits. */
export function isNoteConflict(conflict: Conflict): boolean {
  return conflict.parts.length > 0 || /^visits\/[^/]+\/note$/.test(conflict.field);
}

const FIELD_KEYS: Readonly<Record<string, MessageKey>> = {
  'person/name': 'conflicts.field.person.name',
  'person/birth_year': 'conflicts.field.person.birth_year',
  'person/commune': 'conflicts.field.person.commune',
  'person/phone': 'conflicts.field.person.phone',
  'consent/given': 'conflicts.field.consent.given',
  'consent/date': 'conflicts.field.consent.date',
  'consent/scope': 'conflicts.field.consent.scope',
  'consent/recorded_by': 'conflicts.field.consent.recorded_by',
  'visits/at': 'conflicts.field.visits.at',
  'visits/worker': 'conflicts.field.visits.worker',
  'visits/place': 'conflicts.field.visits.place',
  'visits/kind': 'conflicts.field.visits.kind',
  'visits/present': 'conflicts.field.visits.present',
  'visits/topics': 'conflicts.field.visits.topics',
  'visits/duration_min': 'conflicts.field.visits.duration_min',
  'visits/note': 'conflicts.field.visits.note',
  'visits/archived': 'conflicts.field.visits.archived',
  'visits/reviewed_by': 'conflicts.field.visits.reviewed_by',
  'visits/reviewed_at': 'conflicts.field.visits.reviewed_at',
  'procedures/agency': 'conflicts.field.procedures.agency',
  'procedures/what': 'conflicts.field.procedures.what',
  'procedures/status': 'conflicts.field.procedures.status',
  'procedures/next_step': 'conflicts.field.procedures.next_step',
  'procedures/due': 'conflicts.field.procedures.due',
  'tasks/title': 'conflicts.field.tasks.title',
  'tasks/due': 'conflicts.field.tasks.due',
  'tasks/done': 'conflicts.field.tasks.done',
  'tasks/assignee': 'conflicts.field.tasks.assignee',
};

/** The visit, procedure or task a path is about, in words ("la visite du 12 mars 2026"). */
export function itemLabel(path: ParsedPath, view: CaseFileView | null, words: Words): string {
  const { t } = words;
  switch (path.section) {
    case 'visits': {
      const visit = view?.visits.find((v) => v.id === path.item);
      if (visit === undefined) return t('conflicts.item.visitUnknown');
      return visit.at ? t('conflicts.item.visit', { date: words.day(visit.at.slice(0, 10)) }) : t('conflicts.item.visitUndated');
    }
    case 'procedures': {
      const procedure = view?.procedures.find((p) => p.id === path.item);
      if (procedure === undefined) return t('conflicts.item.procedureUnknown');
      const agency = t(`agency.${procedure.agency}`);
      return procedure.what.trim()
        ? t('conflicts.item.procedure', { agency, what: procedure.what.trim() })
        : t('conflicts.item.procedureAgency', { agency });
    }
    case 'tasks': {
      const task = view?.tasks.find((k) => k.id === path.item);
      return task?.title.trim() ? t('conflicts.item.task', { title: task.title.trim() }) : t('conflicts.item.taskUnknown');
    }
    default:
      return t('conflicts.item.case');
  }
}

/**
 * The field in words. `view` is the case file as it stands, for the
 * item's date, agency or title; without it the item is named generically.
 */
export function fieldLabel(fieldPath: string, view: CaseFileView | null, words: Words): string {
  const path = parsePath(fieldPath);
  const item = itemLabel(path, view, words);
  const key = FIELD_KEYS[`${path.section}/${path.field}`];
  return key === undefined ? words.t('conflicts.field.other', { field: path.field, item }) : words.t(key, { item });
}

/** The kind of input that writes another value of a field. */
export type Editor =
  | { kind: 'text' }
  | { kind: 'note' }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'date' }
  | { kind: 'datetime' }
  | { kind: 'choice'; options: readonly { value: string; key: MessageKey }[] };

const yesNo = (yes: MessageKey, no: MessageKey) =>
  ({
    kind: 'choice',
    options: [
      { value: 'true', key: yes },
      { value: 'false', key: no },
    ],
  }) as const;

/** The input for another value of the field at `path` (its kinds as in carnet-core's field registry). */
export function editorFor(fieldPath: string): Editor {
  const { section, field } = parsePath(fieldPath);
  switch (`${section}/${field}`) {
    case 'visits/note':
      return { kind: 'note' };
    case 'person/birth_year':
      return { kind: 'number', min: 1900, max: 2100 };
    case 'visits/duration_min':
      return { kind: 'number', min: 0, max: 1440 };
    case 'consent/date':
    case 'procedures/due':
    case 'tasks/due':
      return { kind: 'date' };
    case 'visits/at':
      return { kind: 'datetime' };
    case 'procedures/agency':
      return { kind: 'choice', options: AGENCIES.map((a) => ({ value: a, key: `agency.${a}` as const })) };
    case 'procedures/status':
      return { kind: 'choice', options: PROCEDURE_STATUSES.map((s) => ({ value: s, key: `status.${s}` as const })) };
    case 'visits/kind':
      return { kind: 'choice', options: VISIT_KINDS.map((k) => ({ value: k, key: `kind.${k}` as const })) };
    case 'consent/given':
      return yesNo('conflicts.value.consentGiven', 'conflicts.value.consentWithdrawn');
    case 'tasks/done':
      return yesNo('conflicts.value.taskDone', 'conflicts.value.taskOpen');
    case 'visits/archived':
      return yesNo('conflicts.value.visitArchived', 'conflicts.value.visitActive');
    default:
      return { kind: 'text' };
  }
}

/**
 * A value as people read it: statuses, agencies and kinds by name, yes/no
 * in the field's own words, days and times in the locale, durations in
 * minutes, and text as it is.
 */
export function valueLabel(fieldPath: string, value: string, words: Words): string {
  const editor = editorFor(fieldPath);
  if (editor.kind === 'choice' && value !== '') {
    const option = editor.options.find((o) => o.value === value);
    if (option !== undefined && (value === 'true' || value === 'false')) return words.t(option.key);
  }
  if (value !== '') {
    if (editor.kind === 'date') return words.day(value);
    if (editor.kind === 'datetime') return words.dateTime(value);
    if (fieldName(fieldPath) === 'duration_min' && /^\d+$/.test(value)) {
      return words.t('visits.minutes', { count: Number(value) });
    }
  }
  if (editor.kind === 'note' && value === '') return words.t('conflicts.note.empty');
  const shown = conflictValueLabel(fieldPath, value);
  return 'key' in shown ? words.t(shown.key) : shown.text;
}

/** The value that fills the "another value" input at first: the shown one, in the input's form. */
export function initialValue(conflict: Conflict): string {
  const editor = editorFor(conflict.field);
  if (editor.kind === 'choice') {
    const match = conflictValueLabel(conflict.field, conflict.shown);
    // Stored status codes (`todo`) differ from the option values (`to_do`).
    if ('key' in match && match.key.startsWith('status.')) return match.key.slice('status.'.length);
    return editor.options.some((o) => o.value === conflict.shown) ? conflict.shown : '';
  }
  return conflict.shown;
}

/** One author of a merged note, with the look their parts get. */
export interface Author {
  /** Device id, else worker name, else '' for an unknown author. */
  id: string;
  /** The worker's name, or null when unknown. */
  worker: string | null;
  /** The device, to tell apart one worker's two tablets. */
  device: string | null;
  /** Index of the colour and underline style (0, 1, 2… in order of first appearance). */
  style: number;
}

/** The key that tells authors apart: the device when known, else the worker. */
export function authorId(who: { device: string | null; worker: string | null }): string {
  return who.device ?? who.worker ?? '';
}

/** The authors of a merged note's parts and of its versions, each once, in order of appearance. */
export function noteAuthors(parts: readonly TextPart[], values: Conflict['values'] = []): Author[] {
  const authors = new Map<string, Author>();
  for (const who of [...parts, ...values]) {
    const id = authorId(who);
    if (!authors.has(id)) {
      authors.set(id, { id, worker: who.worker, device: who.device, style: authors.size });
    }
  }
  return [...authors.values()];
}

/** How many looks (colour and underline pairs) there are; later authors reuse them in turn. */
export const AUTHOR_STYLES = 5;
