// The team, sync and device settings.

import { call } from './commands';
import { toApiError, transport, type Unlisten } from './transport';
import type { ApiError, SessionState, SettingsSetArgs, SyncLine, TeamMember } from './types';

/** How often browser mode asks for the sync status (Tauri pushes it). */
export const SYNC_POLL_MS = 5000;

/** The sync status line. */
export function syncStatus(): Promise<SyncLine> {
  return call('sync_status', {});
}

/** Asks for a sync now; resolves with the status once it is under way or done. */
export function syncNow(): Promise<SyncLine> {
  return call('sync_now', {});
}

/** Joins a team with the hub's address and an invite code from the team lead. */
export function joinTeam(hub: string, code: string): Promise<SessionState> {
  return call('team_join', { hub, code });
}

/** The team's devices with their holders' names (this device alone before the first sync). */
export function teamMembers(): Promise<TeamMember[]> {
  return call('team_members', {});
}

/** Changes the device's settings. */
export function setSettings(settings: SettingsSetArgs): Promise<SessionState> {
  return call('settings_set', settings);
}

function isSyncStatus(value: unknown): value is SyncLine {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { state?: unknown }).state === 'string' &&
    typeof (value as { pending?: unknown }).pending === 'number'
  );
}

/**
 * Follows the sync status: once at once, then on every `sync-status` event in
 * Tauri, or every `pollMs` in browser mode. A failed poll calls `onError`
 * and polling goes on. Returns a function that stops following.
 */
export function watchSyncStatus(
  onStatus: (status: SyncLine) => void,
  onError: (error: ApiError) => void,
  pollMs: number = SYNC_POLL_MS,
): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setInterval> | null = null;
  let unlisten: Unlisten | null = null;

  const refresh = async () => {
    try {
      const status = await syncStatus();
      if (!stopped) {
        onStatus(status);
      }
    } catch (error) {
      if (!stopped) {
        onError(toApiError(error));
      }
    }
  };

  void refresh();
  const t = transport();
  if (t.mode === 'tauri') {
    t.listen('sync-status', (payload) => {
      if (!stopped && isSyncStatus(payload)) {
        onStatus(payload);
      }
    }).then(
      (stop) => {
        if (stopped) {
          stop();
        } else {
          unlisten = stop;
        }
      },
      (error: unknown) => onError(toApiError(error)),
    );
  } else {
    timer = setInterval(() => void refresh(), pollMs);
  }

  return () => {
    stopped = true;
    if (timer !== null) {
      clearInterval(timer);
    }
    unlisten?.();
  };
}
