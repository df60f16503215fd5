import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debounce } from './debounce';

describe('debounce', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs once, with the last arguments, after input pauses', () => {
    const fn = vi.fn();
    const d = debounce(fn, 150);
    d('a');
    vi.advanceTimersByTime(100);
    d('ab');
    vi.advanceTimersByTime(100);
    d('abc');
    expect(fn).not.toHaveBeenCalled();
    expect(d.pending).toBe(true);
    vi.advanceTimersByTime(150);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith('abc');
    expect(d.pending).toBe(false);
  });

  it('runs at once on flush, and not again later', () => {
    const fn = vi.fn();
    const d = debounce(fn, 150);
    d(1);
    d.flush();
    expect(fn).toHaveBeenCalledWith(1);
    vi.advanceTimersByTime(500);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('drops the scheduled run on cancel', () => {
    const fn = vi.fn();
    const d = debounce(fn, 150);
    d(1);
    d.cancel();
    vi.advanceTimersByTime(500);
    d.flush();
    expect(fn).not.toHaveBeenCalled();
  });
});
