import { describe, expect, it } from 'vitest';
import type { SyncLine } from './api/types';
import { describeSync } from './syncLine';

const now = new Date(Date.UTC(2026, 10, 29, 16, 0));
const status = (s: Partial<SyncLine>): SyncLine => ({
  state: 'up_to_date',
  last_sync_ms: null,
  pending: 0,
  last_error: null,
  ...s,
});

describe('describeSync', () => {
  it('says up to date with the time of a sync made today', () => {
    expect(describeSync(status({ last_sync_ms: Date.UTC(2026, 10, 29, 14, 5) }), now, 'fr-FR', 'UTC')).toEqual([
      { key: 'sync.upToDateAt', params: { time: '14:05' } },
    ]);
  });

  it('gives the date of an older sync', () => {
    const [part] = describeSync(status({ last_sync_ms: Date.UTC(2026, 10, 20, 9, 0) }), now, 'fr-FR', 'UTC');
    expect(part).toMatchObject({ key: 'sync.upToDateOn' });
    expect(JSON.stringify(part)).toContain('20 nov. 2026');
  });

  it('adds the changes waiting to the state', () => {
    expect(describeSync(status({ state: 'offline', pending: 3 }), now, 'fr-FR', 'UTC')).toEqual([
      { key: 'sync.offline' },
      { plural: 'sync.pending', count: 3 },
    ]);
  });

  it.each([
    ['syncing', 'sync.syncing'],
    ['no_team', 'sync.noTeam'],
    ['error', 'sync.error'],
  ] as const)('names the %s state', (state, key) => {
    expect(describeSync(status({ state }), now, 'fr-FR', 'UTC')).toEqual([{ key }]);
  });

  it('says the status is unknown when there is none', () => {
    expect(describeSync(null, now, 'fr-FR')).toEqual([{ key: 'sync.unknown' }]);
  });
});
