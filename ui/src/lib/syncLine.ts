// The words of the sync status bar, as catalogue messages.

import type { SyncLine } from './api/types';
import type { MessageKey } from './i18n/fr';
import type { PluralKey } from './i18n/locale.svelte';
import { formatSyncMoment } from './i18n/format';

export type Message =
  | { key: MessageKey; params?: Record<string, string | number> }
  | { plural: PluralKey; count: number };

/** What the status bar says, in order: the state, then changes waiting. */
export function describeSync(status: SyncLine | null, now: Date, locale: string, timeZone?: string): Message[] {
  if (status === null) {
    return [{ key: 'sync.unknown' }];
  }
  const parts: Message[] = [];
  switch (status.state) {
    case 'offline':
      parts.push({ key: 'sync.offline' });
      break;
    case 'syncing':
      parts.push({ key: 'sync.syncing' });
      break;
    case 'no_team':
      parts.push({ key: 'sync.noTeam' });
      break;
    case 'error':
      parts.push({ key: 'sync.error' });
      break;
    case 'up_to_date':
      if (status.last_sync_ms === null) {
        parts.push({ key: 'sync.upToDate' });
      } else {
        const moment = formatSyncMoment(status.last_sync_ms, now, locale, timeZone);
        parts.push(
          moment.sameDay
            ? { key: 'sync.upToDateAt', params: { time: moment.text } }
            : { key: 'sync.upToDateOn', params: { date: moment.text } },
        );
      }
      break;
    default:
      parts.push({ key: 'sync.unknown' });
  }
  if (status.pending > 0) {
    parts.push({ plural: 'sync.pending', count: status.pending });
  }
  return parts;
}
