import { describe, expect, it } from 'vitest';
import type { Conflict } from './api/types';
import { conflictValueLabel, fieldPath, indexConflicts, itemConflicts } from './conflicts';

// As `carnet person show --json` prints them after two devices edited the
// same fields offline.
const conflicts: Conflict[] = [
  {
    field: 'person/commune',
    shown: 'Aubusson',
    values: [
      { value: 'Guéret', device: '65731db3-9df9-462c-90ad-ebfdac7453bc', worker: 'Anne', time_ms: 1795989381264 },
      { value: 'Aubusson', device: 'd767cd36-54da-4480-8417-b74d2965ec1d', worker: 'Bruno', time_ms: 1795989381613 },
    ],
    parts: [],
  },
  {
    field: 'procedures/f9542318-e92f-478b-9513-d3e7d0394f59/status',
    shown: 'refused',
    values: [
      { value: 'granted', device: null, worker: 'Anne', time_ms: 1795989383698 },
      { value: 'refused', device: null, worker: 'Bruno', time_ms: 1795989384038 },
    ],
    parts: [],
  },
];

describe('conflict lookup', () => {
  const index = indexConflicts(conflicts);

  it('finds a person field by its path', () => {
    expect(index.get(fieldPath('person', 'commune'))?.shown).toBe('Aubusson');
    expect(index.get(fieldPath('person', 'name'))).toBeUndefined();
  });

  it('finds the conflicts of one item', () => {
    const id = 'f9542318-e92f-478b-9513-d3e7d0394f59';
    expect(index.get(fieldPath('procedures', 'status', id))).toBe(conflicts[1]);
    expect(itemConflicts(index, 'procedures', id)).toEqual([conflicts[1]]);
    expect(itemConflicts(index, 'procedures', 'f9542318')).toEqual([]);
    expect(itemConflicts(index, 'tasks', id)).toEqual([]);
  });
});

describe('conflictValueLabel', () => {
  it('translates coded values, including the stored status codes', () => {
    expect(conflictValueLabel('procedures/x/status', 'todo')).toEqual({ key: 'status.to_do' });
    expect(conflictValueLabel('procedures/x/status', 'granted')).toEqual({ key: 'status.granted' });
    expect(conflictValueLabel('procedures/x/agency', 'france_travail')).toEqual({ key: 'agency.france_travail' });
    expect(conflictValueLabel('visits/x/kind', 'phone')).toEqual({ key: 'kind.phone' });
    expect(conflictValueLabel('consent/given', 'true')).toEqual({ key: 'common.yes' });
    expect(conflictValueLabel('person/phone', '')).toEqual({ key: 'conflict.emptyValue' });
  });

  it('shows free text as it is', () => {
    expect(conflictValueLabel('person/commune', 'Guéret')).toEqual({ text: 'Guéret' });
    expect(conflictValueLabel('procedures/x/what', 'todo')).toEqual({ text: 'todo' });
  });
});
