// The team lead's commands: review since the last review point, sign-off
// and comments, conflicts, history, statistics, exports and retention.

import { call } from './commands';
import type {
  CaseConflicts,
  CaseDetail,
  CaseFileAsOf,
  CaseFileView,
  CaseId,
  CsvFile,
  CsvTable,
  HistoryEntry,
  PdfFile,
  PeriodArgs,
  RetentionReport,
  ReviewMarked,
  SinceReview,
  Statistics,
  VisitId,
} from './types';

/** Every change since the last review point, grouped by case file. */
export function sinceReview(limit = 200): Promise<SinceReview> {
  return call('review_since', { limit });
}

/**
 * Marks reviewed the case files of a list as it was shown, and a review
 * point now; a change that arrived after the list was read stays to review.
 */
export function markReview(shown: SinceReview): Promise<ReviewMarked> {
  return call('review_mark', {
    cases: shown.cases.map((c) => ({ case_id: c.case_id, heads: c.heads })),
    read_ms: shown.read_ms,
  });
}

/** Signs off a visit as reviewed by this device's worker. */
export function reviewVisit(visit: VisitId): Promise<CaseFileView> {
  return call('visit_review', { visit });
}

/** A comment on a case file for its worker. */
export function addComment(caseId: CaseId, text: string): Promise<CaseDetail> {
  return call('comment_add', { case: caseId, text });
}

/** The conflicts of one case file, or of every case file that has some. */
export function conflicts(caseId?: CaseId): Promise<CaseConflicts[]> {
  return call('conflicts', caseId === undefined ? {} : { case: caseId });
}

/** Settles a field with one value (for a note: the text to keep). */
export function resolveConflict(caseId: CaseId, field: string, value: string): Promise<CaseDetail> {
  return call('conflict_resolve', { case: caseId, field, value });
}

/** Every change of a case file, oldest first. */
export function history(caseId: CaseId): Promise<HistoryEntry[]> {
  return call('history', { case: caseId });
}

/** The case file as it was at the end of a day (`YYYY-MM-DD`) or minute (`YYYY-MM-DDTHH:MM`). */
export function caseAsOf(caseId: CaseId, at: string): Promise<CaseFileAsOf> {
  return call('case_as_of', { case: caseId, at });
}

/** The figures of a period, for one worker or everyone. */
export function statistics(period: PeriodArgs): Promise<Statistics> {
  return call('stats', period);
}

/** A CSV table of visits or procedures. */
export function exportCsv(table: CsvTable, period: PeriodArgs, withNotes: boolean): Promise<CsvFile> {
  return call('export_csv', { table, ...period, with_notes: withNotes });
}

/** The activity report of a period as a PDF. */
export function reportPdf(
  period: PeriodArgs & { from: string; to: string },
  withNotes: boolean,
  language: 'fr' | 'en',
): Promise<PdfFile> {
  return call('report_pdf', { ...period, with_notes: withNotes, language });
}

/** Case files without contact for `months` months. */
export function retention(months: number): Promise<RetentionReport> {
  return call('retention', { months });
}

/** Archives a case file or brings it back. */
export function archiveCase(caseId: CaseId, archived: boolean): Promise<CaseFileView> {
  return call('case_archive', { case: caseId, archived });
}
