// One case file: the person, consent, visits, procedures and tasks.

import { call } from './commands';
import type {
  CaseDetail,
  CaseFileView,
  CaseId,
  ConsentRecord,
  NewPerson,
  PersonPatch,
  ProcedureAdded,
  ProcedureId,
  ProcedureInput,
  ProcedurePatch,
  TaskAdded,
  TaskId,
  TaskInput,
  TaskPatch,
  VisitAdded,
  VisitId,
  VisitInput,
  VisitPatch,
} from './types';

/** The case file in full, with the fields that hold concurrent values. */
export function show(caseId: CaseId): Promise<CaseDetail> {
  return call('case_show', { case: caseId });
}

/** Opens a new case file. */
export function addPerson(person: NewPerson): Promise<CaseFileView> {
  return call('person_add', { person });
}

/** Changes the person's details. */
export function updatePerson(caseId: CaseId, patch: PersonPatch): Promise<CaseFileView> {
  return call('person_update', { case: caseId, patch });
}

/** Records the person's consent (or its withdrawal). */
export function recordConsent(caseId: CaseId, consent: ConsentRecord): Promise<CaseFileView> {
  return call('consent_record', { case: caseId, consent });
}

/** Records a new visit. */
export function addVisit(caseId: CaseId, visit: VisitInput): Promise<VisitAdded> {
  return call('visit_add', { case: caseId, visit });
}

/** Changes a visit. */
export function editVisit(visit: VisitId, patch: VisitPatch): Promise<CaseFileView> {
  return call('visit_edit', { visit, patch });
}

/** Archives a visit or brings it back; nothing is deleted. */
export function archiveVisit(visit: VisitId, archived: boolean): Promise<CaseFileView> {
  return call('visit_archive', { visit, archived });
}

/** Adds a rights procedure; the backend chooses its id. */
export function addProcedure(caseId: CaseId, procedure: ProcedureInput): Promise<ProcedureAdded> {
  return call('procedure_add', { case: caseId, procedure });
}

/** Changes a procedure. */
export function setProcedure(procedure: ProcedureId, patch: ProcedurePatch): Promise<CaseFileView> {
  return call('procedure_set', { procedure, patch });
}

/** Adds a follow-up task; the backend chooses its id. */
export function addTask(caseId: CaseId, task: TaskInput): Promise<TaskAdded> {
  return call('task_add', { case: caseId, task });
}

/** Marks a task done or not done. */
export function setTaskDone(task: TaskId, done: boolean): Promise<CaseFileView> {
  return call('task_done', { task, done });
}

/** Changes a task's title, due date or assignee (a blank assignee means this device's worker). */
export function editTask(task: TaskId, patch: TaskPatch): Promise<CaseFileView> {
  return call('task_edit', { task, patch });
}
