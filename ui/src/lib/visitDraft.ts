// A visit as it is being typed, and how it becomes API calls: the first
// save creates the visit, each later one sends only the fields that changed
// since the last save.

import type { CaseFileView, CaseId, Visit, VisitAdded, VisitId, VisitInput, VisitKind, VisitPatch } from './api/types';
import { nowLocalDateTime } from './i18n/format';

export interface VisitDraft {
  /** `YYYY-MM-DDTHH:MM` (a datetime-local value). */
  at: string;
  place: string;
  kind: VisitKind;
  present: string[];
  topics: string[];
  /** As typed: minutes, or empty. */
  duration: string;
  note: string;
}

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** A new visit: now, at home, nothing else yet. */
export function newDraft(now: Date): VisitDraft {
  return { at: nowLocalDateTime(now), place: '', kind: 'home', present: [], topics: [], duration: '', note: '' };
}

/** An existing visit, for editing. */
export function draftFromVisit(visit: Visit): VisitDraft {
  return {
    at: visit.at ?? '',
    place: visit.place,
    kind: visit.kind,
    present: [...visit.present],
    topics: [...visit.topics],
    duration: visit.duration_min === null ? '' : String(visit.duration_min),
    note: visit.note,
  };
}

/** Minutes typed: a whole number, null for empty, `invalid` otherwise. */
export function parseDuration(text: string): number | null | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^\d{1,4}$/.test(trimmed)) return 'invalid';
  return Number(trimmed);
}

/** A datetime-local value the backend accepts, or null. */
function validAt(at: string): string | null {
  return LOCAL_DATE_TIME.test(at) ? at : null;
}

/** The first save of a draft. Invalid fields are left out (the editor shows why). */
export function inputFromDraft(draft: VisitDraft): VisitInput {
  const duration = parseDuration(draft.duration);
  return {
    at: validAt(draft.at),
    place: draft.place,
    kind: draft.kind,
    present: [...draft.present],
    topics: [...draft.topics],
    duration_min: duration === 'invalid' ? null : duration,
    note: draft.note,
  };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** What changed from `saved` to `next`, or null when nothing did. */
export function visitPatch(saved: VisitDraft, next: VisitDraft): VisitPatch | null {
  const patch: VisitPatch = {};
  const at = validAt(next.at);
  if (next.at !== saved.at && at !== null) patch.at = at;
  if (next.place !== saved.place) patch.place = next.place;
  if (next.kind !== saved.kind) patch.kind = next.kind;
  if (!sameList(next.present, saved.present)) patch.present = [...next.present];
  if (!sameList(next.topics, saved.topics)) patch.topics = [...next.topics];
  const before = parseDuration(saved.duration);
  const after = parseDuration(next.duration);
  if (after !== 'invalid' && after !== before) patch.duration_min = after;
  if (next.note !== saved.note) patch.note = next.note;
  return Object.keys(patch).length === 0 ? null : patch;
}

export interface VisitApi {
  addVisit(caseId: CaseId, visit: VisitInput): Promise<VisitAdded>;
  editVisit(visit: VisitId, patch: VisitPatch): Promise<CaseFileView>;
}

/**
 * The save function of one visit editor. Calls must not overlap (Autosave
 * guarantees it): the first creates the visit, later ones patch it.
 */
export function visitSaver(options: {
  caseId: CaseId;
  visitId: VisitId | null;
  saved: VisitDraft;
  api: VisitApi;
  onSaved: (visitId: VisitId, view: CaseFileView) => void;
}): (draft: VisitDraft) => Promise<void> {
  let visitId = options.visitId;
  let saved = options.saved;
  return async (draft) => {
    const next: VisitDraft = { ...draft, present: [...draft.present], topics: [...draft.topics] };
    if (visitId === null) {
      const added = await options.api.addVisit(options.caseId, inputFromDraft(next));
      visitId = added.visit;
      saved = next;
      options.onSaved(added.visit, added.view);
      return;
    }
    const patch = visitPatch(saved, next);
    if (patch === null) {
      return;
    }
    const view = await options.api.editVisit(visitId, patch);
    saved = next;
    options.onSaved(visitId, view);
  };
}
