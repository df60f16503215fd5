// Backend failures `{kind, message}` in the user's language. The backend's
// message is English and meant for logs and scripts; people see the
// catalogue's sentence for the kind, or a general one for a kind the UI does
// not know.

import { toApiError } from './api/transport';
import type { MessageKey } from './i18n/fr';

/** Every kind the device API reports (carnet-device and carnet-store `kind()`), plus the UI's own. */
export const KNOWN_KINDS = [
  'wrong_passphrase',
  'not_initialised',
  'already_initialised',
  'already_in_team',
  'key_file',
  'newer_database',
  'migration',
  'not_found',
  'ambiguous',
  'corrupt',
  'disk_full',
  'invalid_document',
  'read_only',
  'different_case_files',
  'invalid_input',
  'internal',
  'database',
  'io',
  'offline',
  'refused',
  'locked',
  'unreachable',
  'unauthorized',
  'bad_response',
] as const;

export type KnownKind = (typeof KNOWN_KINDS)[number];

function isKnown(kind: string): kind is KnownKind {
  return (KNOWN_KINDS as readonly string[]).includes(kind);
}

/** The catalogue key of the sentence for whatever a call rejected with. */
export function errorKey(error: unknown): MessageKey {
  const { kind } = toApiError(error);
  return isKnown(kind) ? `error.${kind}` : 'error.generic';
}

/** The error's kind, for branching (e.g. `wrong_passphrase`, `locked`). */
export function errorKind(error: unknown): string {
  return toApiError(error).kind;
}
