// Every device API command the UI calls: its name, its args object and its
// result. The Tauri commands and the browser-mode routes use these names and
// shapes; this table is the contract between the two sides.

import { CommandError, transport } from './transport';
import type {
  CaseDetail,
  CaseFileView,
  CaseId,
  CaseloadFilterInput,
  CaseloadPage,
  ConsentRecord,
  DeviceSettings,
  DueTask,
  NewPerson,
  NewProcedure,
  NewTask,
  PersonPatch,
  ProcedureAdded,
  ProcedureId,
  ProcedurePatch,
  SessionState,
  SyncStatusView,
  TaskAdded,
  TaskId,
  VisitAdded,
  VisitId,
  VisitInput,
  VisitPatch,
} from './types';

type NoArgs = Record<string, never>;

/** Command name → [args, result]. */
export interface Commands {
  session_state: [NoArgs, SessionState];
  init: [{ passphrase: string; worker: string; device_name: string }, SessionState];
  unlock: [{ passphrase: string }, SessionState];
  lock: [NoArgs, SessionState];

  caseload: [{ query: string; filter: CaseloadFilterInput; offset: number; limit: number }, CaseloadPage];
  communes: [NoArgs, string[]];
  tasks_due: [{ days: number }, DueTask[]];

  case_show: [{ case: CaseId }, CaseDetail];
  person_add: [{ person: NewPerson }, CaseFileView];
  person_update: [{ case: CaseId; patch: PersonPatch }, CaseFileView];
  consent_record: [{ case: CaseId; consent: ConsentRecord }, CaseFileView];
  visit_add: [{ case: CaseId; visit: VisitInput }, VisitAdded];
  visit_edit: [{ visit: VisitId; patch: VisitPatch }, CaseFileView];
  visit_archive: [{ visit: VisitId; archived: boolean }, CaseFileView];
  procedure_add: [{ case: CaseId; procedure: NewProcedure }, ProcedureAdded];
  procedure_set: [{ procedure: ProcedureId; patch: ProcedurePatch }, CaseFileView];
  task_add: [{ case: CaseId; task: NewTask }, TaskAdded];
  task_done: [{ task: TaskId; done: boolean }, CaseFileView];

  sync_status: [NoArgs, SyncStatusView];
  sync_now: [NoArgs, SyncStatusView];
  team_join: [{ hub: string; code: string }, SessionState];
  settings_set: [DeviceSettings, SessionState];
}

export type CommandName = keyof Commands;

/** The kind of failure that means the notebook is locked (by the backend, or another window). */
export const LOCKED = 'locked';

let onLocked: (() => void) | null = null;

/** Sets what happens when a call finds the notebook locked (the app shows the unlock screen). */
export function setLockedHandler(handler: (() => void) | null): void {
  onLocked = handler;
}

/** Runs a command through the transport chosen at startup. */
export async function call<C extends CommandName>(command: C, args: Commands[C][0]): Promise<Commands[C][1]> {
  try {
    return (await transport().call(command, args)) as Commands[C][1];
  } catch (error) {
    if (error instanceof CommandError && error.kind === LOCKED) {
      onLocked?.();
    }
    throw error;
  }
}

/** Events the Tauri shell emits, with their payloads. */
export interface Events {
  'sync-status': SyncStatusView;
}
