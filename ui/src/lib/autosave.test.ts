import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Autosave, flushAll, leftSaved, registerFlush, saveOnLeave, type SaveState } from './autosave';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Autosave', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('saves the newest value once typing pauses', async () => {
    const save = vi.fn(() => Promise.resolve());
    const states: SaveState[] = [];
    const a = new Autosave<string>({ delayMs: 600, save, onState: (s) => states.push(s) });
    a.change('B');
    await vi.advanceTimersByTimeAsync(300);
    a.change('Bo');
    await vi.advanceTimersByTimeAsync(300);
    a.change('Bon');
    expect(save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(600);
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenCalledWith('Bon');
    expect(a.state).toBe('saved');
    expect(states).toEqual(['pending', 'pending', 'pending', 'saving', 'saved']);
  });

  it('never runs two saves at once, and saves what was typed during a save', async () => {
    const first = deferred();
    let running = 0;
    let most = 0;
    const saved: string[] = [];
    const save = vi.fn(async (value: string) => {
      running++;
      most = Math.max(most, running);
      if (saved.length === 0) await first.promise;
      saved.push(value);
      running--;
    });
    const a = new Autosave<string>({ delayMs: 600, save, onState: () => {} });
    a.change('one');
    await vi.advanceTimersByTimeAsync(600);
    expect(a.state).toBe('saving');
    a.change('one two');
    await vi.advanceTimersByTimeAsync(600);
    expect(save).toHaveBeenCalledTimes(1);
    first.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(saved).toEqual(['one', 'one two']);
    expect(most).toBe(1);
    expect(a.state).toBe('saved');
    expect(a.dirty).toBe(false);
  });

  it('keeps a failed save pending and tries again on flush', async () => {
    let fail = true;
    const save = vi.fn(() => (fail ? Promise.reject(new Error('disk full')) : Promise.resolve()));
    let lastError: unknown = null;
    const a = new Autosave<string>({
      delayMs: 600,
      save,
      onState: (_, e) => (lastError = e ?? lastError),
    });
    a.change('note');
    await vi.advanceTimersByTimeAsync(600);
    expect(a.state).toBe('error');
    expect(a.dirty).toBe(true);
    expect(lastError).toBeInstanceOf(Error);
    fail = false;
    await a.flush();
    expect(save).toHaveBeenLastCalledWith('note');
    expect(a.state).toBe('saved');
    expect(a.dirty).toBe(false);
  });

  it('saves at once on flush without waiting for the pause', async () => {
    const save = vi.fn(() => Promise.resolve());
    const a = new Autosave<number>({ delayMs: 600, save, onState: () => {} });
    a.change(1);
    await a.flush();
    expect(save).toHaveBeenCalledWith(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('does nothing on flush when nothing changed', async () => {
    const save = vi.fn(() => Promise.resolve());
    const a = new Autosave<number>({ delayMs: 600, save, onState: () => {} });
    await a.flush();
    expect(save).not.toHaveBeenCalled();
    expect(a.state).toBe('idle');
  });

  it('flushes every registered editor before locking', async () => {
    const save = vi.fn(() => Promise.resolve());
    const a = new Autosave<string>({ delayMs: 600, save, onState: () => {} });
    const unregister = registerFlush(() => a.flush());
    a.change('unsaved');
    await flushAll();
    expect(save).toHaveBeenCalledWith('unsaved');
    unregister();
    a.change('later');
    await flushAll();
    expect(save).toHaveBeenCalledTimes(1);
    a.dispose();
  });
});

describe('saves started as an editor closes', () => {
  it('are waited for by leftSaved, failed or not', async () => {
    const order: string[] = [];
    let finish: () => void = () => {};
    let fail: (e: Error) => void = () => {};
    saveOnLeave(new Promise<void>((resolve) => (finish = resolve)).then(() => void order.push('saved')));
    saveOnLeave(new Promise<void>((_, reject) => (fail = reject)).catch((e: unknown) => {
      order.push('failed');
      throw e;
    }));
    const waiting = leftSaved().then(() => order.push('read'));
    await Promise.resolve();
    expect(order).toEqual([]);
    finish();
    fail(new Error('disk full'));
    await waiting;
    expect(order).toEqual(['saved', 'failed', 'read']);
    // Nothing left: the next read does not wait.
    await leftSaved();
  });
});
