// The device API's data, as the Rust side serialises it with serde.
// Names are the Rust type names so that, once ts-rs writes them into
// ./bindings/, this file can simply re-export them.
//
// Rust `Option<T>` is `T | null`. In patches, a field left out changes
// nothing and `null` clears a field that may be empty (`Option<Option<T>>`).

/** `CaseId`: a UUID, hyphenated. */
export type CaseId = string;
/** `VisitId`. */
export type VisitId = string;
/** `ProcedureId`. */
export type ProcedureId = string;
/** `TaskId`. */
export type TaskId = string;
/** `CommentId`. */
export type CommentId = string;
/** `DeviceId`. */
export type DeviceId = string;
/** `Day`: `YYYY-MM-DD`. */
export type Day = string;
/** `LocalDateTime`: `YYYY-MM-DDTHH:MM`, local to the team. */
export type LocalDateTime = string;

/** `Agency`, in display order. */
export const AGENCIES = [
  'caf',
  'msa',
  'cpam',
  'france_travail',
  'impots',
  'ants',
  'mdph',
  'retraite',
  'energie',
  'other',
] as const;
export type Agency = (typeof AGENCIES)[number];

/** `ProcedureStatus`, in display order. */
export const PROCEDURE_STATUSES = [
  'to_do',
  'in_progress',
  'submitted',
  'granted',
  'refused',
  'suspended',
] as const;
export type ProcedureStatus = (typeof PROCEDURE_STATUSES)[number];

/** `VisitKind`, in display order. */
export const VISIT_KINDS = ['home', 'office', 'phone', 'other'] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];

/** `Person`. */
export interface Person {
  name: string;
  birth_year: number | null;
  commune: string;
  phone: string;
  situation: string;
}

/** `Consent`. */
export interface Consent {
  given: boolean;
  date: Day | null;
  scope: string;
  recorded_by: string;
}

/** `Review`. */
export interface Review {
  by: string;
  at: string;
}

/** `Visit`. */
export interface Visit {
  id: VisitId;
  at: LocalDateTime | null;
  worker: string;
  place: string;
  kind: VisitKind;
  present: string[];
  topics: string[];
  duration_min: number | null;
  note: string;
  archived: boolean;
  reviewed: Review | null;
}

/** `Procedure`. */
export interface Procedure {
  id: ProcedureId;
  agency: Agency;
  what: string;
  status: ProcedureStatus;
  next_step: string;
  due: Day | null;
}

/** `Task`. */
export interface Task {
  id: TaskId;
  title: string;
  due: Day | null;
  done: boolean;
  assignee: string;
}

/** `Comment`. */
export interface Comment {
  id: CommentId;
  author: string;
  at: string;
  text: string;
}

/** `CaseFileView`: the winning value of every field. */
export interface CaseFileView {
  id: CaseId;
  schema: number;
  read_only: string | null;
  person: Person;
  consent: Consent;
  /** Oldest first, archived ones included. */
  visits: Visit[];
  procedures: Procedure[];
  tasks: Task[];
  comments: Comment[];
}

/** `ConflictValue`: one of several concurrent values, in the field's text form. */
export interface ConflictValue {
  value: string;
  device: DeviceId | null;
  worker: string | null;
  time_ms: number;
}

/** `Conflict`: a field holding concurrent values (`person/commune`, `procedures/<id>/status`…). */
export interface Conflict {
  field: string;
  shown: string;
  values: ConflictValue[];
}

/** `CaseDetail`: what `case_show` returns. */
export interface CaseDetail {
  case: CaseFileView;
  conflicts: Conflict[];
  heads: string[];
}

/** `CaseSummary`: one line of the caseload. */
export interface CaseSummary {
  id: CaseId;
  name: string;
  commune: string;
  last_visit: LocalDateTime | null;
  visits: number;
  open_procedures: number;
  next_task_due: Day | null;
  conflicts: number;
  read_only: boolean;
}

/** `DueTask`. */
export interface DueTask {
  case_id: CaseId;
  name: string;
  task_id: TaskId;
  title: string;
  due: Day;
  assignee: string;
}

/** `NewPerson`. */
export interface NewPerson {
  name: string;
  birth_year: number | null;
  commune: string;
  phone: string;
  situation: string;
}

/** `PersonPatch`. */
export interface PersonPatch {
  name?: string;
  birth_year?: number | null;
  commune?: string;
  phone?: string;
  situation?: string;
}

/** `ConsentRecord`. */
export interface ConsentRecord {
  given: boolean;
  date: Day;
  scope: string;
}

/** `VisitInput`: a new visit (now and at home when left null). */
export interface VisitInput {
  at: LocalDateTime | null;
  place: string;
  kind: VisitKind | null;
  present: string[];
  topics: string[];
  duration_min: number | null;
  note: string;
}

/** `VisitPatch`. */
export interface VisitPatch {
  at?: LocalDateTime;
  place?: string;
  kind?: VisitKind;
  present?: string[];
  topics?: string[];
  duration_min?: number | null;
  /** The whole new note; the backend changes only the characters that differ. */
  note?: string;
}

/** `NewProcedure`; the backend replaces `id` with a new one. */
export interface NewProcedure {
  id: ProcedureId;
  agency: Agency;
  what: string;
  status: ProcedureStatus;
  next_step: string;
  due: Day | null;
}

/** `ProcedurePatch`. */
export interface ProcedurePatch {
  what?: string;
  status?: ProcedureStatus;
  next_step?: string;
  due?: Day | null;
}

/** `NewTask`; the backend replaces `id` with a new one. */
export interface NewTask {
  id: TaskId;
  title: string;
  due: Day | null;
  assignee: string;
}

/** `Role` of this device in its team. */
export type Role = 'lead' | 'worker';

/** `SessionState`: whether the notebook exists and is open, and who uses it. */
export interface SessionState {
  unlocked: boolean;
  initialized: boolean;
  worker: string | null;
  device_name: string | null;
  role: Role | null;
  team: boolean;
}

/** `CaseloadFilterInput`: the caseload filters a screen can set. */
export interface CaseloadFilterInput {
  /** Only people with a task due within this many days (overdue included). */
  due_within_days?: number | null;
  /** Only people with an open procedure. */
  open_procedures?: boolean;
  /** Only this commune (accents and case ignored). */
  commune?: string | null;
}

/** `CaseloadPage`: one page of the caseload, most recently visited first. */
export interface CaseloadPage {
  /** How many people match, on every page. */
  total: number;
  items: CaseSummary[];
}

/** `VisitAdded`. */
export interface VisitAdded {
  visit: VisitId;
  view: CaseFileView;
}

/** `ProcedureAdded`. */
export interface ProcedureAdded {
  procedure: ProcedureId;
  view: CaseFileView;
}

/** `TaskAdded`. */
export interface TaskAdded {
  task: TaskId;
  view: CaseFileView;
}

/** `SyncState`. */
export type SyncState = 'offline' | 'syncing' | 'up_to_date' | 'no_team' | 'error';

/** `SyncStatusView`: the status line shown on every screen. */
export interface SyncStatusView {
  state: SyncState;
  /** Last successful sync, ms since the Unix epoch. */
  last_sync_ms: number | null;
  /** Changes not yet acknowledged by the hub. */
  pending: number;
  /** The last error, in words (English, from the backend). */
  last_error: string | null;
}

/** `DeviceSettings`: what `settings_set` changes; a field left out is kept. */
export interface DeviceSettings {
  device_name?: string;
}

/** `ApiError`: every failure the backend reports. */
export interface ApiError {
  kind: string;
  message: string;
}
