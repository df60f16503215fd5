import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_IDLE_MINUTES, IDLE_STORAGE_KEY, IdleTimer, storedIdleMinutes, type IdleClock } from './idle';

function fakeClock() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  const clock: IdleClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      now = due.at;
      due.fn();
    }
    now = end;
  };
  return { clock, advance, pending: () => timers.length };
}

describe('IdleTimer', () => {
  it('calls onIdle once the period passes without activity', () => {
    const { clock, advance } = fakeClock();
    const onIdle = vi.fn();
    const timer = new IdleTimer(10 * 60_000, onIdle, clock);
    timer.start();
    advance(10 * 60_000 - 1);
    expect(onIdle).not.toHaveBeenCalled();
    advance(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('starts the period again on activity', () => {
    const { clock, advance } = fakeClock();
    const onIdle = vi.fn();
    const timer = new IdleTimer(60_000, onIdle, clock);
    timer.start();
    advance(50_000);
    timer.touch();
    advance(50_000);
    expect(onIdle).not.toHaveBeenCalled();
    advance(10_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('never fires once stopped', () => {
    const { clock, advance, pending } = fakeClock();
    const onIdle = vi.fn();
    const timer = new IdleTimer(1000, onIdle, clock);
    timer.start();
    timer.stop();
    advance(5000);
    expect(onIdle).not.toHaveBeenCalled();
    expect(pending()).toBe(0);
  });

  it('applies a shorter period counted from the last activity', () => {
    const { clock, advance } = fakeClock();
    const onIdle = vi.fn();
    const timer = new IdleTimer(30 * 60_000, onIdle, clock);
    timer.start();
    advance(4 * 60_000);
    timer.setTimeoutMs(5 * 60_000);
    advance(60_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });
});

describe('storedIdleMinutes', () => {
  it('reads a valid choice and falls back to 10 minutes', () => {
    expect(storedIdleMinutes({ getItem: (k) => (k === IDLE_STORAGE_KEY ? '15' : null) })).toBe(15);
    expect(storedIdleMinutes({ getItem: () => '7' })).toBe(DEFAULT_IDLE_MINUTES);
    expect(storedIdleMinutes({ getItem: () => null })).toBe(10);
    expect(storedIdleMinutes(undefined)).toBe(10);
    expect(
      storedIdleMinutes({
        getItem: () => {
          throw new Error('denied');
        },
      }),
    ).toBe(10);
  });
});
