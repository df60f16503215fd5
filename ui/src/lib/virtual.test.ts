import { describe, expect, it } from 'vitest';
import { computeWindow } from './virtual';

const base = { rowHeight: 76, viewportHeight: 760, overscan: 5 };

describe('computeWindow', () => {
  it('renders the rows in view plus overscan below at the top', () => {
    const w = computeWindow({ ...base, scrollTop: 0, count: 10_000 });
    expect(w.start).toBe(0);
    expect(w.end).toBe(10 + 1 + 5);
    expect(w.offsetTop).toBe(0);
    expect(w.totalHeight).toBe(760_000);
  });

  it('renders a small window in the middle of 10,000 rows', () => {
    const w = computeWindow({ ...base, scrollTop: 76 * 5000 + 30, count: 10_000 });
    expect(w.start).toBe(4995);
    expect(w.end).toBe(5000 + 11 + 5);
    expect(w.offsetTop).toBe(4995 * 76);
    expect(w.end - w.start).toBeLessThanOrEqual(11 + 2 * 5);
  });

  it('stops at the last row', () => {
    const w = computeWindow({ ...base, scrollTop: 76 * 10_000, count: 10_000 });
    expect(w.end).toBe(10_000);
    expect(w.start).toBe(10_000 - 10 - 5);
  });

  it('shows the last rows when the list shrank under a deep scroll', () => {
    const w = computeWindow({ ...base, scrollTop: 500_000, count: 3 });
    expect(w).toEqual({ start: 0, end: 3, offsetTop: 0, totalHeight: 228 });
  });

  it('renders nothing for an empty list or a bad row height', () => {
    expect(computeWindow({ ...base, scrollTop: 0, count: 0 })).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
    expect(computeWindow({ ...base, rowHeight: 0, scrollTop: 0, count: 5 }).end).toBe(0);
  });

  it('treats a negative scroll (rubber-band) as the top', () => {
    expect(computeWindow({ ...base, scrollTop: -40, count: 100 }).start).toBe(0);
  });
});
