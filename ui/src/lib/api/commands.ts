// Every device API command the UI calls: its name, its args object and its
// result. The Tauri commands and the browser-mode routes use these names and
// shapes; this table is the contract between the two sides.

import { CommandError, transport } from './transport';
import type {
  CaseDetail,
  CaseFileView,
  CaseloadArgs,
  CaseloadPage,
  CaseShowArgs,
  ConsentRecordArgs,
  DueTask,
  InitArgs,
  PersonAddArgs,
  PersonUpdateArgs,
  ProcedureAddArgs,
  ProcedureAdded,
  ProcedureSetArgs,
  SessionState,
  SettingsSetArgs,
  SyncLine,
  TaskAddArgs,
  TaskAdded,
  TaskDoneArgs,
  TaskEditArgs,
  TasksDueArgs,
  TeamJoinArgs,
  TeamMember,
  UnlockArgs,
  VisitAddArgs,
  VisitAdded,
  VisitArchiveArgs,
  VisitEditArgs,
  CaseArchiveArgs,
  CaseAsOfArgs,
  CaseConflicts,
  CaseFileAsOf,
  CommentAddArgs,
  ConflictResolveArgs,
  ConflictsArgs,
  CsvFile,
  ExportCsvArgs,
  HistoryArgs,
  HistoryEntry,
  PdfFile,
  PeriodArgs,
  ReportPdfArgs,
  RetentionArgs,
  RetentionReport,
  ReviewMarkArgs,
  ReviewMarked,
  ReviewSinceArgs,
  SinceReview,
  Statistics,
  VisitReviewArgs,
} from './types';

type NoArgs = Record<string, never>;

/**
 * Command name → [args, result]. The args and results are the Rust types
 * of `carnet_app::commands` (generated into ./bindings/); this table pairs
 * them with the command names that `commands::call` dispatches on.
 */
export interface Commands {
  session_state: [NoArgs, SessionState];
  init: [InitArgs, SessionState];
  unlock: [UnlockArgs, SessionState];
  lock: [NoArgs, SessionState];

  caseload: [CaseloadArgs, CaseloadPage];
  communes: [NoArgs, string[]];
  tasks_due: [TasksDueArgs, DueTask[]];

  case_show: [CaseShowArgs, CaseDetail];
  person_add: [PersonAddArgs, CaseFileView];
  person_update: [PersonUpdateArgs, CaseFileView];
  consent_record: [ConsentRecordArgs, CaseFileView];
  visit_add: [VisitAddArgs, VisitAdded];
  visit_edit: [VisitEditArgs, CaseFileView];
  visit_archive: [VisitArchiveArgs, CaseFileView];
  procedure_add: [ProcedureAddArgs, ProcedureAdded];
  procedure_set: [ProcedureSetArgs, CaseFileView];
  task_add: [TaskAddArgs, TaskAdded];
  task_done: [TaskDoneArgs, CaseFileView];
  task_edit: [TaskEditArgs, CaseFileView];

  sync_status: [NoArgs, SyncLine];
  sync_now: [NoArgs, SyncLine];
  team_join: [TeamJoinArgs, SessionState];
  team_members: [NoArgs, TeamMember[]];
  settings_set: [SettingsSetArgs, SessionState];

  // The lead's commands.
  review_since: [ReviewSinceArgs, SinceReview];
  review_mark: [ReviewMarkArgs, ReviewMarked];
  visit_review: [VisitReviewArgs, CaseFileView];
  comment_add: [CommentAddArgs, CaseDetail];
  conflicts: [ConflictsArgs, CaseConflicts[]];
  conflict_resolve: [ConflictResolveArgs, CaseDetail];
  history: [HistoryArgs, HistoryEntry[]];
  case_as_of: [CaseAsOfArgs, CaseFileAsOf];
  stats: [PeriodArgs, Statistics];
  export_csv: [ExportCsvArgs, CsvFile];
  report_pdf: [ReportPdfArgs, PdfFile];
  retention: [RetentionArgs, RetentionReport];
  case_archive: [CaseArchiveArgs, CaseFileView];
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
  'sync-status': SyncLine;
}
