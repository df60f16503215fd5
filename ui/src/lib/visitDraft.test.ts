import { describe, expect, it, vi } from 'vitest';
import type { CaseFileView, Visit } from './api/types';
import { draftFromVisit, inputFromDraft, newDraft, parseDuration, visitPatch, visitSaver, type VisitDraft } from './visitDraft';

const visit: Visit = {
  id: '1414f3b9-cd52-4b26-b3e9-d4be3d078d23',
  at: '2025-07-01T11:00',
  worker: 'Anne',
  place: 'domicile',
  kind: 'home',
  present: ['Pascal Fontaine'],
  topics: ['CPAM'],
  duration_min: 105,
  note: 'Rendez-vous au domicile.',
  archived: false,
  reviewed: null,
};

const view = { id: 'case' } as unknown as CaseFileView;

describe('drafts', () => {
  it('start now, at home, empty', () => {
    const d = newDraft(new Date(2026, 10, 29, 9, 41));
    expect(d).toEqual({ at: '2026-11-29T09:41', place: '', kind: 'home', present: [], topics: [], duration: '', note: '' });
  });

  it('read minutes strictly', () => {
    expect(parseDuration('')).toBeNull();
    expect(parseDuration(' 45 ')).toBe(45);
    expect(parseDuration('4h')).toBe('invalid');
    expect(parseDuration('-3')).toBe('invalid');
  });

  it('become a VisitInput, leaving out what is invalid', () => {
    const d: VisitDraft = { ...newDraft(new Date(2026, 0, 1)), at: '', duration: 'abc', note: 'x' };
    expect(inputFromDraft(d)).toEqual({
      at: null,
      place: '',
      kind: 'home',
      present: [],
      topics: [],
      duration_min: null,
      note: 'x',
    });
  });
});

describe('visitPatch', () => {
  const saved = draftFromVisit(visit);

  it('is null when nothing changed', () => {
    expect(visitPatch(saved, draftFromVisit(visit))).toBeNull();
  });

  it('holds only the fields that changed', () => {
    const next = { ...saved, note: saved.note + ' Suite.', topics: ['CPAM', 'budget'] };
    expect(visitPatch(saved, next)).toEqual({ note: 'Rendez-vous au domicile. Suite.', topics: ['CPAM', 'budget'] });
  });

  it('sends null to clear the duration, and leaves out an invalid one', () => {
    expect(visitPatch(saved, { ...saved, duration: '' })).toEqual({ duration_min: null });
    expect(visitPatch(saved, { ...saved, duration: '1h30' })).toBeNull();
    expect(visitPatch(saved, { ...saved, duration: '90' })).toEqual({ duration_min: 90 });
  });

  it('sends a new date only when it is complete', () => {
    expect(visitPatch(saved, { ...saved, at: '' })).toBeNull();
    expect(visitPatch(saved, { ...saved, at: '2025-07-02T10:00' })).toEqual({ at: '2025-07-02T10:00' });
  });
});

describe('visitSaver', () => {
  it('creates the visit on the first save and patches it afterwards', async () => {
    const addVisit = vi.fn(() => Promise.resolve({ visit: 'v-1', view }));
    const editVisit = vi.fn(() => Promise.resolve(view));
    const onSaved = vi.fn();
    const start = newDraft(new Date(2026, 10, 29, 10, 0));
    const save = visitSaver({ caseId: 'case', visitId: null, saved: start, api: { addVisit, editVisit }, onSaved });

    await save({ ...start, note: 'B' });
    expect(addVisit).toHaveBeenCalledWith('case', expect.objectContaining({ at: '2026-11-29T10:00', note: 'B' }));
    expect(onSaved).toHaveBeenLastCalledWith('v-1', view);

    await save({ ...start, note: 'Bonjour', place: 'mairie' });
    expect(editVisit).toHaveBeenCalledWith('v-1', { note: 'Bonjour', place: 'mairie' });

    await save({ ...start, note: 'Bonjour', place: 'mairie' });
    expect(editVisit).toHaveBeenCalledTimes(1);
    expect(addVisit).toHaveBeenCalledTimes(1);
  });

  it('edits an existing visit from the first save', async () => {
    const addVisit = vi.fn();
    const editVisit = vi.fn(() => Promise.resolve(view));
    const saved = draftFromVisit(visit);
    const save = visitSaver({ caseId: 'case', visitId: visit.id, saved, api: { addVisit, editVisit }, onSaved: () => {} });
    await save({ ...saved, kind: 'phone' });
    expect(addVisit).not.toHaveBeenCalled();
    expect(editVisit).toHaveBeenCalledWith(visit.id, { kind: 'phone' });
  });

  it('patches from the last successful save after a failure', async () => {
    const editVisit = vi
      .fn()
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValue(view);
    const saved = draftFromVisit(visit);
    const save = visitSaver({ caseId: 'case', visitId: visit.id, saved, api: { addVisit: vi.fn(), editVisit }, onSaved: () => {} });
    await expect(save({ ...saved, place: 'a' })).rejects.toThrow('offline');
    await save({ ...saved, place: 'a', note: 'n' });
    expect(editVisit).toHaveBeenLastCalledWith(visit.id, { place: 'a', note: 'n' });
  });
});
