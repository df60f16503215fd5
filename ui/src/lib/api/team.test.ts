import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLockedHandler } from './commands';
import { SYNC_POLL_MS, watchSyncStatus } from './team';
import { CommandError, setTransport, type Transport } from './transport';
import type { SyncLine } from './types';

const status = (pending: number): SyncLine => ({ state: 'offline', last_sync_ms: null, pending, last_error: null });

describe('watchSyncStatus', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    setTransport(null);
  });

  it('polls every 5 seconds in browser mode until stopped', async () => {
    let n = 0;
    const call = vi.fn(() => Promise.resolve(status(n++)));
    setTransport({ mode: 'browser', call, listen: vi.fn() });
    const seen: number[] = [];
    const stop = watchSyncStatus((s) => seen.push(s.pending), () => {});
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(SYNC_POLL_MS * 2);
    expect(seen).toEqual([0, 1, 2]);
    expect(call).toHaveBeenCalledWith('sync_status', {});
    stop();
    await vi.advanceTimersByTimeAsync(SYNC_POLL_MS * 3);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('reports a failed poll and keeps polling', async () => {
    const call = vi
      .fn()
      .mockRejectedValueOnce(new CommandError({ kind: 'unreachable', message: '' }))
      .mockResolvedValue(status(4));
    setTransport({ mode: 'browser', call, listen: vi.fn() });
    const errors: string[] = [];
    const seen: number[] = [];
    const stop = watchSyncStatus(
      (s) => seen.push(s.pending),
      (e) => errors.push(e.kind),
    );
    await vi.advanceTimersByTimeAsync(SYNC_POLL_MS);
    expect(errors).toEqual(['unreachable']);
    expect(seen).toEqual([4]);
    stop();
  });

  it('follows sync-status events in Tauri and stops listening', async () => {
    let emit: (payload: unknown) => void = () => {};
    const unlisten = vi.fn();
    const transport: Transport = {
      mode: 'tauri',
      call: vi.fn(() => Promise.resolve(status(1))),
      listen: vi.fn((_: string, handler: (payload: unknown) => void) => {
        emit = handler;
        return Promise.resolve(unlisten);
      }),
    };
    setTransport(transport);
    const seen: number[] = [];
    const stop = watchSyncStatus((s) => seen.push(s.pending), () => {});
    await vi.advanceTimersByTimeAsync(0);
    emit(status(7));
    emit({ not: 'a status' });
    await vi.advanceTimersByTimeAsync(SYNC_POLL_MS * 2);
    expect(seen).toEqual([1, 7]);
    expect(transport.call).toHaveBeenCalledTimes(1);
    stop();
    expect(unlisten).toHaveBeenCalled();
  });

  it('tells the app when a call finds the notebook locked', async () => {
    const onLocked = vi.fn();
    setLockedHandler(onLocked);
    setTransport({
      mode: 'browser',
      call: () => Promise.reject(new CommandError({ kind: 'locked', message: 'locked' })),
      listen: vi.fn(),
    });
    const stop = watchSyncStatus(() => {}, () => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(onLocked).toHaveBeenCalledTimes(1);
    stop();
    setLockedHandler(null);
  });
});
