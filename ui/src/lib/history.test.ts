import { describe, expect, it } from 'vitest';
import type { FieldChange, HistoryEntry } from './api/types';
import { fr } from './i18n/fr';
import { changeLabel, deviceLabel, fieldKey, itemNames, otherTouched, parseFieldPath, shownFields, trimDiff, valueLabel } from './history';

const visit = '2d3262e4-015b-455d-a988-83ac556b5187';
const procedure = 'f9542318-e92f-478b-9513-d3e7d0394f59';
const task = '65731db3-9df9-462c-90ad-ebfdac7453bc';

const field = (path: string, before: string | null, after: string | null): FieldChange => ({
  field: path,
  before,
  after,
  diff: [],
});

const entry = (label: string, fields: FieldChange[], touched: string[] = fields.map((f) => f.field)): HistoryEntry => ({
  hash: 'a'.repeat(64),
  device: null,
  worker: 'Anne',
  time_ms: 0,
  label,
  touched,
  fields,
});

describe('changeLabel', () => {
  it.each([
    ['case.create', 'change.label.case.create'],
    ['procedure.set', 'change.label.procedure.set'],
    ['visit.add', 'change.label.visit.add'],
    ['comment.add', 'change.label.comment.add'],
    ['unknown', 'change.label.unknown'],
  ])('names %s', (label, key) => {
    expect(changeLabel(entry(label, []))).toEqual({ key });
  });

  it('tells an archive from putting back, and a task done from undone, by the value written', () => {
    expect(changeLabel(entry('visit.archive', [field(`visits/${visit}/archived`, 'false', 'true')])).key).toBe(
      'change.label.visit.archive',
    );
    expect(changeLabel(entry('visit.archive', [field(`visits/${visit}/archived`, 'true', 'false')])).key).toBe(
      'change.label.visit.unarchive',
    );
    expect(changeLabel(entry('task.done', [field(`tasks/${task}/done`, 'false', 'true')])).key).toBe(
      'change.label.task.done',
    );
    expect(changeLabel(entry('task.done', [field(`tasks/${task}/done`, 'true', 'false')])).key).toBe(
      'change.label.task.undone',
    );
  });

  it('shows a label from a newer version as it is', () => {
    expect(changeLabel(entry('visit.split', []))).toEqual({ key: 'change.label.other', params: { label: 'visit.split' } });
  });

  it('gives a key the catalogue holds for every known label', () => {
    for (const label of ['case.archive', 'person.update', 'consent.record', 'visit.edit', 'visit.review', 'procedure.add', 'task.add', 'task.edit', 'conflict.resolve']) {
      expect(Object.keys(fr)).toContain(changeLabel(entry(label, [])).key);
    }
  });
});

describe('fields', () => {
  it('cuts paths into section, item and field', () => {
    expect(parseFieldPath('person/commune')).toEqual({ section: 'person', item: null, field: 'commune' });
    expect(parseFieldPath(`procedures/${procedure}/status`)).toEqual({ section: 'procedures', item: procedure, field: 'status' });
    expect(parseFieldPath('comments/x/text')).toBeNull();
    expect(parseFieldPath('person')).toBeNull();
    expect(parseFieldPath(`visits/${visit}`)).toBeNull();
  });

  it('names known fields and leaves others to their raw name', () => {
    expect(fieldKey(`procedures/${procedure}/status`)).toBe('change.field.procedures.status');
    expect(fieldKey('person/commune')).toBe('change.field.person.commune');
    expect(fieldKey(`visits/${visit}/note`)).toBe('change.field.visits.note');
    expect(fieldKey(`tasks/${task}/colour`)).toBeNull();
    expect(fieldKey('archived')).toBeNull();
  });

  it('reads coded values and dates for people', () => {
    expect(valueLabel(`procedures/${procedure}/status`, 'todo')).toEqual({ key: 'status.to_do' });
    expect(valueLabel(`procedures/${procedure}/status`, 'submitted')).toEqual({ key: 'status.submitted' });
    expect(valueLabel(`procedures/${procedure}/agency`, 'caf')).toEqual({ key: 'agency.caf' });
    expect(valueLabel(`visits/${visit}/kind`, 'home')).toEqual({ key: 'kind.home' });
    expect(valueLabel(`tasks/${task}/done`, 'true')).toEqual({ key: 'common.yes' });
    expect(valueLabel(`tasks/${task}/due`, '2026-03-14')).toEqual({ day: '2026-03-14' });
    expect(valueLabel(`visits/${visit}/at`, '2026-03-14T09:30')).toEqual({ dateTime: '2026-03-14T09:30' });
    expect(valueLabel(`visits/${visit}/place`, '2026-03-14')).toEqual({ text: '2026-03-14' });
    expect(valueLabel('person/commune', '')).toEqual({ key: 'conflict.emptyValue' });
    expect(valueLabel('person/commune', 'Felletin')).toEqual({ text: 'Felletin' });
  });

  it('leaves out the empty defaults of a new item but keeps real changes to empty', () => {
    const fields = [
      field(`visits/${visit}/place`, null, 'domicile'),
      field(`visits/${visit}/archived`, null, 'false'),
      field(`visits/${visit}/reviewed_by`, null, ''),
      field(`visits/${visit}/duration_min`, '45', ''),
      field(`visits/${visit}/archived`, 'true', 'false'),
      { field: `visits/${visit}/note`, before: null, after: null, diff: [{ op: 'added', text: 'Bonjour' }] },
    ];
    expect(shownFields(fields).map((f) => [f.field.split('/')[2], f.before, f.after])).toEqual([
      ['place', null, 'domicile'],
      ['duration_min', '45', ''],
      ['note', null, null],
      ['archived', 'true', 'false'],
    ]);
  });

  it('puts fields in the order of the forms, unknown ones last', () => {
    const fields = [
      field('person/phone', null, '06'),
      field('person/zodiac', null, 'x'),
      field('person/commune', null, 'Felletin'),
      field('person/name', null, 'Yvette'),
    ];
    expect(shownFields(fields).map((f) => f.field)).toEqual(['person/name', 'person/commune', 'person/phone', 'person/zodiac']);
  });

  it('names the situation when it changed without a before and after', () => {
    expect(otherTouched(entry('person.update', [], ['person/situation']))).toEqual(['change.field.person.situation']);
    expect(otherTouched(entry('person.update', [field('person/commune', 'A', 'B')]))).toEqual([]);
    expect(otherTouched(entry('case.create', [], ['person/situation']))).toEqual([]);
  });
});

describe('itemNames', () => {
  it('names each item by the last value of its naming field', () => {
    const names = itemNames([
      entry('procedure.add', [field(`procedures/${procedure}/what`, null, 'RSA'), field(`procedures/${procedure}/status`, null, 'todo')]),
      entry('visit.add', [field(`visits/${visit}/at`, null, '2026-03-14T09:30')]),
      entry('procedure.set', [field(`procedures/${procedure}/what`, 'RSA', 'RSA socle')]),
      entry('task.done', [field(`tasks/${task}/done`, 'false', 'true')]),
    ]);
    expect(names.get(procedure)).toEqual({ section: 'procedures', name: 'RSA socle' });
    expect(names.get(visit)).toEqual({ section: 'visits', name: '2026-03-14T09:30' });
    expect(names.get(task)).toEqual({ section: 'tasks', name: null });
  });
});

describe('deviceLabel', () => {
  const members = [
    { device_id: 'd767cd36-54da-4480-8417-b74d2965ec1d', device_name: 'Tablette de Bruno', worker: 'Bruno' },
    { device_id: '65731db3-9df9-462c-90ad-ebfdac7453bc', device_name: null, worker: null },
  ];

  it('uses the name the team gave, else a short id', () => {
    expect(deviceLabel('d767cd36-54da-4480-8417-b74d2965ec1d', members)).toEqual({ name: 'Tablette de Bruno' });
    expect(deviceLabel('65731db3-9df9-462c-90ad-ebfdac7453bc', members)).toEqual({ short: '65731db3' });
    expect(deviceLabel('0f0e0d0c-0000-4000-8000-000000000000', [])).toEqual({ short: '0f0e0d0c' });
    expect(deviceLabel(null, members)).toEqual({ unknown: true });
  });
});

describe('trimDiff', () => {
  const words = (n: number, word: string) => Array.from({ length: n }, () => word).join(' ');

  it('leaves short diffs whole', () => {
    const parts = [
      { op: 'same', text: 'Dossier RSA ' },
      { op: 'removed', text: 'à compléter.' },
      { op: 'added', text: 'complet, envoyé.' },
    ];
    expect(trimDiff(parts)).toEqual(parts);
  });

  it('cuts long kept text around each change at word boundaries', () => {
    const long = `${words(60, 'avant')} `;
    const middle = ` ${words(60, 'milieu')} `;
    const shown = trimDiff(
      [
        { op: 'same', text: long },
        { op: 'added', text: 'très' },
        { op: 'same', text: middle },
        { op: 'removed', text: 'fin' },
        { op: 'same', text: ` ${words(60, 'après')}` },
      ],
      40,
    );
    expect(shown.map((p) => p.op)).toEqual(['gap', 'same', 'added', 'same', 'gap', 'same', 'removed', 'same', 'gap']);
    const [, before, , midHead, , midTail, , after] = shown;
    expect(before?.text.startsWith('avant')).toBe(true);
    expect(before?.text.endsWith('avant ')).toBe(true);
    expect(before!.text.length).toBeLessThanOrEqual(40);
    expect(midHead?.text.startsWith(' milieu')).toBe(true);
    expect(midTail?.text.startsWith('milieu')).toBe(true);
    expect(after?.text.trim().split(' ').every((w) => w === 'après')).toBe(true);
  });

  it('keeps unknown ops as kept text', () => {
    expect(trimDiff([{ op: 'moved', text: 'x' }])).toEqual([{ op: 'same', text: 'x' }]);
  });
});
