import { describe, expect, it } from 'vitest';
import {
  horizontalBars,
  horizontalHeight,
  hoursAndMinutes,
  isoWeekNumber,
  labelled,
  largest,
  niceMax,
  shorten,
  ticks,
  verticalBars,
} from './charts';

const plot = { width: 600, height: 240, top: 10, right: 10, bottom: 30, left: 40 };

describe('niceMax', () => {
  it.each([
    [0, 1],
    [1, 1],
    [3, 5],
    [7, 10],
    [11, 20],
    [21, 25],
    [26, 50],
    [100, 100],
    [101, 200],
    [2400, 2500],
  ])('%d → %d', (max, top) => {
    expect(niceMax(max)).toBe(top);
  });
});

describe('ticks', () => {
  it('fall on whole numbers from 0 to the top', () => {
    expect(ticks(10, 5, 100).map((t) => [t.value, t.at])).toEqual([
      [0, 0],
      [2, 20],
      [4, 40],
      [6, 60],
      [8, 80],
      [10, 100],
    ]);
  });

  it('never step by less than one', () => {
    expect(ticks(1, 5, 50).map((t) => t.value)).toEqual([0, 1]);
  });
});

describe('verticalBars', () => {
  it('stand on the baseline with heights in proportion to the counts', () => {
    const { bars, top } = verticalBars(
      [
        { label: 'S10', value: 5 },
        { label: 'S11', value: 0 },
        { label: 'S12', value: 10 },
      ],
      plot,
    );
    expect(top).toBe(10);
    const baseline = plot.height - plot.bottom;
    const inner = plot.height - plot.top - plot.bottom;
    for (const bar of bars) {
      expect(bar.y + bar.height).toBeCloseTo(baseline);
    }
    expect(bars.map((b) => b.height)).toEqual([inner / 2, 0, inner]);
  });

  it('share the width evenly, in order, inside the plot', () => {
    const data = Array.from({ length: 4 }, (_, i) => ({ label: String(i), value: i + 1 }));
    const { bars } = verticalBars(data, plot, 0.5);
    const slot = (plot.width - plot.left - plot.right) / 4;
    expect(bars[0]?.x).toBeCloseTo(plot.left + slot / 4);
    expect(bars.every((b) => b.width === slot / 2)).toBe(true);
    const last = bars[3];
    expect(last && last.x + last.width).toBeCloseTo(plot.width - plot.right - slot / 4);
  });

  it('draw negative counts as nothing and survive an empty list', () => {
    expect(verticalBars([{ label: 'x', value: -3 }], plot).bars[0]?.height).toBe(0);
    expect(verticalBars([], plot)).toEqual({ bars: [], top: 1 });
  });
});

describe('horizontalBars', () => {
  it('run from the left edge, one row each, the longest filling the plot', () => {
    const p = { width: 600, top: 0, right: 20, bottom: 20, left: 200 };
    const { bars, top } = horizontalBars(
      [
        { label: 'CAF', value: 20 },
        { label: 'CPAM', value: 5 },
      ],
      p,
      40,
      0.25,
    );
    expect(top).toBe(20);
    expect(bars.map((b) => [b.x, b.y, b.width, b.height])).toEqual([
      [200, 5, 380, 30],
      [200, 45, 95, 30],
    ]);
    expect(horizontalHeight(2, p, 40)).toBe(100);
    expect(horizontalHeight(0, p, 40)).toBe(60);
  });
});

describe('labelled', () => {
  it('labels every bar when they fit', () => {
    expect(labelled(4, 10)).toEqual([true, true, true, true]);
  });

  it('labels every n-th bar, and the last when far enough from the previous', () => {
    expect(labelled(9, 3)).toEqual([true, false, false, true, false, false, true, false, true]);
    expect(labelled(7, 3)).toEqual([true, false, false, true, false, false, true]);
  });
});

describe('largest', () => {
  const data = [
    { label: 'Murat', value: 3 },
    { label: 'Aurillac', value: 9 },
    { label: 'Riom', value: 3 },
    { label: 'Salers', value: 1 },
    { label: 'Mauriac', value: 2 },
  ];

  it('keeps the largest first, ties by name, and sums the rest', () => {
    expect(largest(data, 2, 'Autres')).toEqual([
      { label: 'Aurillac', value: 9 },
      { label: 'Murat', value: 3 },
      { label: 'Autres', value: 6 },
    ]);
  });

  it('does not make a rest of a single entry', () => {
    expect(largest(data, 4, 'Autres').map((d) => d.label)).toEqual(['Aurillac', 'Murat', 'Riom', 'Mauriac', 'Salers']);
  });
});

describe('small helpers', () => {
  it('shortens long labels with an ellipsis', () => {
    expect(shorten('CAF', 10)).toBe('CAF');
    expect(shorten('CPAM (Assurance maladie)', 10)).toBe('CPAM (Ass…');
  });

  it('splits minutes into hours and minutes', () => {
    expect(hoursAndMinutes(0)).toEqual({ hours: 0, minutes: 0 });
    expect(hoursAndMinutes(59)).toEqual({ hours: 0, minutes: 59 });
    expect(hoursAndMinutes(605)).toEqual({ hours: 10, minutes: 5 });
  });

  it('reads the number of an ISO week', () => {
    expect(isoWeekNumber('2026-W07')).toBe(7);
    expect(isoWeekNumber('2026-07')).toBeNull();
  });
});
