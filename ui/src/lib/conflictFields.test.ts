import { describe, expect, it } from 'vitest';
import type { CaseFileView, Conflict } from './api/types';
import {
  editorFor,
  fieldLabel,
  initialValue,
  isNoteConflict,
  noteAuthors,
  parsePath,
  valueLabel,
  type Words,
} from './conflictFields';
import { formatDateTime, formatDay } from './i18n/format';
import { t } from './i18n/locale.svelte';

const VISIT = '0b6c2f0e-6b1a-4d2e-9a59-1f0c6f1f2a11';
const PROCEDURE = 'f9542318-e92f-478b-9513-d3e7d0394f59';
const TASK = '7d3f0c1e-2b4a-4c5d-8e9f-0a1b2c3d4e5f';

const words: Words = {
  t,
  day: (d) => formatDay(d, 'fr-FR'),
  dateTime: (v) => formatDateTime(v, 'fr-FR'),
};

const view = {
  id: 'c1',
  schema: 1,
  read_only: null,
  person: { name: 'Mme Martin', birth_year: null, commune: 'Murat', phone: '', situation: '' },
  consent: { given: true, date: null, scope: '', recorded_by: '' },
  visits: [
    {
      id: VISIT,
      at: '2026-03-12T09:30',
      worker: 'Anne',
      place: '',
      kind: 'home',
      present: [],
      topics: [],
      duration_min: 45,
      note: '',
      archived: false,
      reviewed: null,
    },
  ],
  procedures: [{ id: PROCEDURE, agency: 'caf', what: 'RSA', status: 'submitted', next_step: '', due: null }],
  tasks: [{ id: TASK, title: 'Rappeler la CAF', due: null, done: false, assignee: '' }],
  comments: [],
  archived: false,
} as unknown as CaseFileView;

describe('parsePath', () => {
  it('cuts person, consent and item paths', () => {
    expect(parsePath('person/commune')).toEqual({ section: 'person', item: null, field: 'commune' });
    expect(parsePath(`visits/${VISIT}/note`)).toEqual({ section: 'visits', item: VISIT, field: 'note' });
  });
});

describe('fieldLabel', () => {
  it.each([
    ['person/commune', 'Commune'],
    ['consent/date', 'Date du consentement'],
    [`visits/${VISIT}/note`, 'Note de la visite du 12 mars 2026'],
    [`procedures/${PROCEDURE}/status`, 'Statut de la démarche CAF « RSA »'],
    [`tasks/${TASK}/due`, 'Échéance de la tâche « Rappeler la CAF »'],
  ])('%s → %s', (path, label) => {
    expect(fieldLabel(path, view, words)).toBe(label);
  });

  it('names the item generically when the case file is not at hand', () => {
    expect(fieldLabel(`procedures/${PROCEDURE}/status`, null, words)).toBe('Statut de la démarche');
    expect(fieldLabel(`visits/${VISIT}/note`, null, words)).toBe('Note de la visite');
  });

  it('names the agency alone when the procedure has no subject', () => {
    const bare = { ...view, procedures: [{ ...view.procedures[0], what: ' ' }] } as CaseFileView;
    expect(fieldLabel(`procedures/${PROCEDURE}/status`, bare, words)).toBe('Statut de la démarche CAF');
  });

  it('still says something for a field this version does not know', () => {
    expect(fieldLabel(`tasks/${TASK}/priority`, view, words)).toBe('priority (la tâche « Rappeler la CAF »)');
  });
});

describe('valueLabel', () => {
  it.each([
    [`procedures/${PROCEDURE}/status`, 'todo', 'À faire'],
    [`procedures/${PROCEDURE}/agency`, 'cpam', 'CPAM (Assurance maladie)'],
    [`visits/${VISIT}/kind`, 'phone', 'Par téléphone'],
    ['consent/given', 'false', 'Retiré'],
    [`tasks/${TASK}/done`, 'true', 'Faite'],
    [`tasks/${TASK}/due`, '2026-04-01', '1 avr. 2026'],
    [`visits/${VISIT}/duration_min`, '45', '45 min'],
    ['person/commune', '', '(vide)'],
    [`visits/${VISIT}/note`, '', '(texte vide)'],
    ['person/commune', 'Aurillac', 'Aurillac'],
  ])('%s = %j → %s', (path, value, label) => {
    expect(valueLabel(path, value, words)).toBe(label);
  });
});

describe('editorFor and initialValue', () => {
  it('offers a list for coded fields, a text area for notes', () => {
    expect(editorFor(`visits/${VISIT}/note`).kind).toBe('note');
    expect(editorFor('person/commune').kind).toBe('text');
    expect(editorFor(`tasks/${TASK}/due`).kind).toBe('date');
    const status = editorFor(`procedures/${PROCEDURE}/status`);
    expect(status.kind === 'choice' && status.options.map((o) => o.value)).toContain('to_do');
  });

  it('starts from the shown value in the input’s own codes', () => {
    const conflict = (field: string, shown: string): Conflict => ({ field, shown, values: [], parts: [] });
    expect(initialValue(conflict(`procedures/${PROCEDURE}/status`, 'todo'))).toBe('to_do');
    expect(initialValue(conflict(`procedures/${PROCEDURE}/agency`, 'caf'))).toBe('caf');
    expect(initialValue(conflict(`procedures/${PROCEDURE}/agency`, 'nonsense'))).toBe('');
    expect(initialValue(conflict('person/commune', 'Murat'))).toBe('Murat');
  });
});

describe('note authors', () => {
  it('lists each author once, by device, in order of appearance', () => {
    const parts = [
      { text: 'Vu ', device: 'd-anne', worker: 'Anne' },
      { text: 'Mme M. ', device: 'd-bruno', worker: 'Bruno' },
      { text: 'ce matin', device: 'd-anne', worker: 'Anne' },
      { text: '.', device: null, worker: null },
    ];
    const values = [{ value: 'x', device: 'd-carla', worker: 'Carla', time_ms: 1 }];
    expect(noteAuthors(parts, values).map((a) => [a.id, a.style])).toEqual([
      ['d-anne', 0],
      ['d-bruno', 1],
      ['', 2],
      ['d-carla', 3],
    ]);
  });

  it('recognises a note conflict by its parts or its path', () => {
    expect(isNoteConflict({ field: `visits/${VISIT}/note`, shown: '', values: [], parts: [] })).toBe(true);
    expect(isNoteConflict({ field: 'person/commune', shown: '', values: [], parts: [] })).toBe(false);
  });
});
