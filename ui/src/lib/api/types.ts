// The device API's data. Every type the commands take or answer is
// generated from the Rust types into ./bindings/ (one file per type, named
// after it) and re-exported here; do not write those by hand. To regenerate
// after changing a Rust type:
//
//   CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
//
// (`cargo test` fails while the files are out of date.)
//
// Rust `Option<T>` is `T | null`. In patches, a field left out changes
// nothing and `null` clears a field that may be empty (`Option<Option<T>>`).

import type { Agency, ProcedureStatus, VisitKind } from './bindings';

export type * from './bindings';

// ---------------------------------------------------------------------------
// UI only (written by hand): the closed lists in display order.
// ---------------------------------------------------------------------------

/**
 * `values` as a tuple of literals; a type error names any member of `T`
 * that it leaves out, so a value added on the Rust side must be placed here.
 */
function displayOrder<T extends string>() {
  return <const L extends readonly T[]>(
    values: L & ([T] extends [L[number]] ? unknown : { missing: Exclude<T, L[number]> }),
  ): L => values;
}

/** Every `Agency`, in display order. */
export const AGENCIES = displayOrder<Agency>()([
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
]);

/** Every `ProcedureStatus`, in display order. */
export const PROCEDURE_STATUSES = displayOrder<ProcedureStatus>()([
  'to_do',
  'in_progress',
  'submitted',
  'granted',
  'refused',
  'suspended',
]);

/** Every `VisitKind`, in display order. */
export const VISIT_KINDS = displayOrder<VisitKind>()(['home', 'office', 'phone', 'other']);
