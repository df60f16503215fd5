// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { Agency } from "./Agency";
import type { Day } from "./Day";
import type { OverdueTask } from "./OverdueTask";
import type { ProcedureStatus } from "./ProcedureStatus";
import type { StatsFilter } from "./StatsFilter";
import type { VisitKind } from "./VisitKind";
import type { WeekCount } from "./WeekCount";

/**
 * The figures of a period (see the module header for the rules).
 */
export type Statistics = {
/**
 * The period and worker asked for.
 */
filter: StatsFilter,
/**
 * Counted visits.
 */
visits: number,
/**
 * Counted visits per ISO week, oldest first, from the week of the first
 * to the week of the last dated visit (weeks without visits included,
 * with 0).
 */
visits_per_week: Array<WeekCount>,
/**
 * Counted visits without a date (possible only without a period); they
 * are in no week.
 */
undated_visits: number,
/**
 * Counted visits by kind.
 */
visits_by_kind: { [key in VisitKind]?: number },
/**
 * The sum of the counted visits' durations, in minutes.
 */
minutes: number,
/**
 * Counted visits whose duration was not recorded (not in `minutes`).
 */
visits_without_duration: number,
/**
 * Distinct people with a counted visit.
 */
people: number,
/**
 * Those people per commune (an empty name when none is recorded).
 */
people_by_commune: { [key in string]: number },
/**
 * Procedures of those people.
 */
procedures: number,
/**
 * Those procedures by agency.
 */
procedures_by_agency: { [key in Agency]?: number },
/**
 * Those procedures by status.
 */
procedures_by_status: { [key in ProcedureStatus]?: number },
/**
 * Overdue tasks are those due strictly before this day: the earlier of
 * the period's last day and today.
 */
overdue_before: Day,
/**
 * Tasks not done due before `overdue_before`, oldest due first.
 */
overdue_tasks: Array<OverdueTask>, };
