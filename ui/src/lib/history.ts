// A case file's changes as people read them: what kind of edit, which field
// of which visit, procedure or task, the values before and after, and the
// device that wrote it. History entries name edits by stable labels
// (`procedure.set`) and fields by path (`procedures/<id>/status`); screens
// turn them into sentences through the catalogue keys chosen here.

import type { DiffPart, FieldChange, HistoryEntry, TeamMember } from './api/types';
import { conflictValueLabel, fieldName } from './conflicts';
import type { MessageKey } from './i18n/fr';

/** The edit labels Carnet writes (format: stored in change messages). */
const LABELS = [
  'case.create',
  'case.archive',
  'person.update',
  'consent.record',
  'visit.add',
  'visit.edit',
  'visit.archive',
  'visit.review',
  'procedure.add',
  'procedure.set',
  'task.add',
  'task.done',
  'task.edit',
  'comment.add',
  'conflict.resolve',
  'unknown',
] as const;

type Label = (typeof LABELS)[number];

/** The sentence for one change, with what it did where the label alone cannot say. */
export function changeLabel(entry: Pick<HistoryEntry, 'label' | 'fields'>): {
  key: MessageKey;
  params?: Record<string, string>;
} {
  const { label } = entry;
  if (!(LABELS as readonly string[]).includes(label)) {
    return { key: 'change.label.other', params: { label } };
  }
  const after = (field: string) => entry.fields.find((f) => fieldName(f.field) === field)?.after;
  // An archive or a tick can go either way: the value written says which.
  if (label === 'visit.archive' && after('archived') === 'false') return { key: 'change.label.visit.unarchive' };
  if (label === 'task.done' && after('done') === 'false') return { key: 'change.label.task.undone' };
  return { key: `change.label.${label as Label}` };
}

export type Section = 'person' | 'consent' | 'visits' | 'procedures' | 'tasks';

/** A field path cut into its parts, or null for a path that names no field. */
export function parseFieldPath(path: string): { section: Section; item: string | null; field: string } | null {
  const parts = path.split('/');
  const [section] = parts;
  if ((section === 'person' || section === 'consent') && parts.length === 2 && parts[1]) {
    return { section, item: null, field: parts[1] };
  }
  if ((section === 'visits' || section === 'procedures' || section === 'tasks') && parts.length === 3) {
    const [, item, field] = parts;
    if (item && field) return { section, item, field };
  }
  return null;
}

/** Every field this UI names, in the order the forms show them. */
const FIELD_ORDER: readonly string[] = [
  'person.name',
  'person.birth_year',
  'person.commune',
  'person.phone',
  'person.situation',
  'consent.given',
  'consent.date',
  'consent.scope',
  'consent.recorded_by',
  'visits.at',
  'visits.worker',
  'visits.place',
  'visits.kind',
  'visits.present',
  'visits.topics',
  'visits.duration_min',
  'visits.note',
  'visits.archived',
  'visits.reviewed_by',
  'visits.reviewed_at',
  'procedures.agency',
  'procedures.what',
  'procedures.status',
  'procedures.next_step',
  'procedures.due',
  'tasks.title',
  'tasks.due',
  'tasks.done',
  'tasks.assignee',
];

const FIELD_KEYS: ReadonlySet<string> = new Set(FIELD_ORDER);

/** The catalogue key naming a field, or null for a field this UI does not know (shown by its name). */
export function fieldKey(path: string): MessageKey | null {
  const parsed = parseFieldPath(path);
  if (parsed === null) return null;
  const key = `${parsed.section}.${parsed.field}`;
  return FIELD_KEYS.has(key) ? (`change.field.${key}` as MessageKey) : null;
}

/** What names a visit, procedure or task: its date, what it is, its title. */
export type ItemName = { section: 'visits' | 'procedures' | 'tasks'; name: string | null };

const NAMING_FIELD = { visits: 'at', procedures: 'what', tasks: 'title' } as const;

/**
 * The name of every visit, procedure and task the entries mention, from the
 * last value their naming field took in them (oldest entry first), so a
 * procedure renamed later shows under its last name. An item whose naming
 * field the entries never set has no name.
 */
export function itemNames(entries: readonly Pick<HistoryEntry, 'fields' | 'touched'>[]): Map<string, ItemName> {
  const names = new Map<string, ItemName>();
  for (const entry of entries) {
    for (const path of [...entry.touched, ...entry.fields.map((f) => f.field)]) {
      const parsed = parseFieldPath(path);
      if (parsed === null || parsed.item === null || parsed.section === 'person' || parsed.section === 'consent') continue;
      if (!names.has(parsed.item)) names.set(parsed.item, { section: parsed.section, name: null });
    }
    for (const change of entry.fields) {
      const parsed = parseFieldPath(change.field);
      if (parsed === null || parsed.item === null || parsed.section === 'person' || parsed.section === 'consent') continue;
      if (parsed.field === NAMING_FIELD[parsed.section] && change.after) {
        names.set(parsed.item, { section: parsed.section, name: change.after });
      }
    }
  }
  return names;
}

/** How a value reads: a catalogue key, a day or date-time to format, or the text itself. */
export type ValueLabel = { key: MessageKey } | { text: string } | { day: string } | { dateTime: string };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const DATE_FIELDS: ReadonlySet<string> = new Set(['at', 'due', 'date', 'reviewed_at']);

/** A field's value as people read it (statuses, agencies and kinds by name; dates formatted). */
export function valueLabel(path: string, value: string): ValueLabel {
  if (DATE_FIELDS.has(fieldName(path))) {
    if (DAY.test(value)) return { day: value };
    if (DATE_TIME.test(value)) return { dateTime: value };
  }
  return conflictValueLabel(path, value);
}

/**
 * The field changes worth showing: a new item's fields that were only set
 * to their empty default (no place, not archived, not reviewed) say nothing.
 */
export function shownFields(fields: readonly FieldChange[]): FieldChange[] {
  // In the order of the forms (name before commune, date before place), not by path.
  const order = (f: FieldChange) => {
    const parsed = parseFieldPath(f.field);
    const at = parsed === null ? -1 : FIELD_ORDER.indexOf(`${parsed.section}.${parsed.field}`);
    return at === -1 ? FIELD_ORDER.length : at;
  };
  return fields
    .filter((f) => f.diff.length > 0 || f.before !== null || (f.after !== null && f.after !== '' && f.after !== 'false'))
    .sort((a, b) => order(a) - order(b));
}

/**
 * Fields a change touched that carry no before/after (the situation is free
 * text outside the field registry): named so the change does not look empty.
 */
export function otherTouched(entry: Pick<HistoryEntry, 'label' | 'touched' | 'fields'>): MessageKey[] {
  // Opening a case file writes every field, the situation too, empty or not.
  if (entry.label === 'case.create') return [];
  const set = new Set(entry.fields.map((f) => f.field));
  return entry.touched.includes('person/situation') && !set.has('person/situation') ? ['change.field.person.situation'] : [];
}

/** Which device wrote a change: its name in the team, a short id, or unknown. */
export function deviceLabel(
  device: string | null,
  members: readonly Pick<TeamMember, 'device_id' | 'device_name' | 'worker'>[],
): { name: string } | { short: string } | { unknown: true } {
  if (device === null || device === '') return { unknown: true };
  const member = members.find((m) => m.device_id === device);
  const name = member?.device_name?.trim();
  if (name) return { name };
  return { short: device.replace(/-/g, '').slice(0, 8) };
}

/** A part of a note's diff as shown: kept, added, removed, or kept text left out (`gap`). */
export type ShownDiffPart = { op: 'same' | 'added' | 'removed' | 'gap'; text: string };

/**
 * A note's diff with long stretches of kept text cut down to `context`
 * characters around each change (at word boundaries), so a one-word edit in
 * a long note shows where it is without the whole note.
 */
export function trimDiff(parts: readonly DiffPart[], context = 120): ShownDiffPart[] {
  const shown: ShownDiffPart[] = [];
  const gap: ShownDiffPart = { op: 'gap', text: '…' };
  parts.forEach((part, i) => {
    const op = part.op === 'added' || part.op === 'removed' ? part.op : 'same';
    if (op !== 'same' || part.text.length <= 2 * context + 40) {
      shown.push({ op, text: part.text });
      return;
    }
    const first = i === 0;
    const last = i === parts.length - 1;
    const head = (text: string) => {
      const cut = text.lastIndexOf(' ', context);
      return text.slice(0, cut > context / 2 ? cut + 1 : context);
    };
    const tail = (text: string) => {
      const from = text.length - context;
      const cut = text.indexOf(' ', from);
      return text.slice(cut !== -1 && cut < from + context / 2 ? cut + 1 : from);
    };
    if (!first) shown.push({ op: 'same', text: head(part.text) });
    shown.push(gap);
    if (!last) shown.push({ op: 'same', text: tail(part.text) });
  });
  return shown;
}
