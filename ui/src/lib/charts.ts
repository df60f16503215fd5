// The geometry of the bar charts the statistics screen draws as inline SVG:
// pure functions from counts to rectangles, so the drawing component only
// places what these return and the arithmetic is tested here.

/** One bar: what it counts and how many. */
export interface BarDatum {
  /** The label shown next to or under the bar. */
  label: string;
  /** The count (negative counts are drawn as 0). */
  value: number;
}

/** One bar of a chart component: `label` under or beside it, `long` in its table and summary. */
export interface ChartItem extends BarDatum {
  long?: string;
}

/** A bar placed in the chart's coordinates (SVG user units). */
export interface PlacedBar extends BarDatum {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A scale line: its value and its position along the value axis. */
export interface Tick {
  value: number;
  at: number;
}

/** The area bars are drawn in: the chart's size less its margins. */
export interface Plot {
  width: number;
  height: number;
  /** Room left for labels on each side. */
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/**
 * The top of the value axis: the smallest of 1, 2, 2.5, 5 × 10ⁿ at or above
 * `max`, so scale lines fall on round numbers. Never below 1, so an empty
 * chart still has a scale.
 */
export function niceMax(max: number): number {
  if (!Number.isFinite(max) || max <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= max) return step * power;
  }
  return 10 * power;
}

/**
 * Scale lines from 0 to `top`, at most `count + 1` of them, on whole numbers
 * only (counts of visits have no halves).
 */
export function ticks(top: number, count: number, length: number): Tick[] {
  const step = Math.max(1, Math.ceil(top / Math.max(1, count)));
  const out: Tick[] = [];
  for (let value = 0; value <= top; value += step) {
    out.push({ value, at: top === 0 ? 0 : (value / top) * length });
  }
  return out;
}

/**
 * Vertical bars side by side across the plot, bottom-aligned, with `gap`
 * (a fraction of each slot, 0–1) between them.
 */
export function verticalBars(data: readonly BarDatum[], plot: Plot, gap = 0.25): { bars: PlacedBar[]; top: number } {
  const top = niceMax(Math.max(0, ...data.map((d) => d.value)));
  const innerWidth = plot.width - plot.left - plot.right;
  const innerHeight = plot.height - plot.top - plot.bottom;
  const slot = data.length === 0 ? 0 : innerWidth / data.length;
  const width = slot * (1 - gap);
  const bars = data.map((d, i) => {
    const height = (Math.max(0, d.value) / top) * innerHeight;
    return {
      ...d,
      x: plot.left + i * slot + (slot - width) / 2,
      y: plot.top + innerHeight - height,
      width,
      height,
    };
  });
  return { bars, top };
}

/**
 * Horizontal bars one under the other, each `row` units tall, starting at
 * the plot's left edge. The chart's height follows from the number of rows:
 * `plot.top + rows × row + plot.bottom` (see `horizontalHeight`).
 */
export function horizontalBars(
  data: readonly BarDatum[],
  plot: Omit<Plot, 'height'>,
  row: number,
  gap = 0.3,
): { bars: PlacedBar[]; top: number } {
  const top = niceMax(Math.max(0, ...data.map((d) => d.value)));
  const innerWidth = plot.width - plot.left - plot.right;
  const height = row * (1 - gap);
  const bars = data.map((d, i) => ({
    ...d,
    x: plot.left,
    y: plot.top + i * row + (row - height) / 2,
    width: (Math.max(0, d.value) / top) * innerWidth,
    height,
  }));
  return { bars, top };
}

/** The height a horizontal chart of `rows` rows needs. */
export function horizontalHeight(rows: number, plot: Pick<Plot, 'top' | 'bottom'>, row: number): number {
  return plot.top + Math.max(1, rows) * row + plot.bottom;
}

/**
 * Which of `count` bars get a label when at most `room` labels fit: every
 * n-th one from the first, and always the last when it is far enough from
 * the previous labelled one.
 */
export function labelled(count: number, room: number): boolean[] {
  const every = Math.max(1, Math.ceil(count / Math.max(1, room)));
  return Array.from({ length: count }, (_, i) => {
    if (i % every === 0) return true;
    return i === count - 1 && i % every >= Math.ceil(every / 2);
  });
}

/** A label cut to `max` characters with an ellipsis, for the room an SVG label has. */
export function shorten(label: string, max: number): string {
  const chars = [...label];
  return chars.length <= max ? label : `${chars.slice(0, Math.max(1, max - 1)).join('').trimEnd()}…`;
}

/**
 * The `n` largest entries, largest first (ties by label), and the rest
 * summed into one bar labelled `rest` when there is more than one left over.
 */
export function largest(data: readonly BarDatum[], n: number, rest: string): BarDatum[] {
  const sorted = [...data].sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
  if (sorted.length <= n + 1) return sorted;
  const others = sorted.slice(n).reduce((sum, d) => sum + d.value, 0);
  return [...sorted.slice(0, n), { label: rest, value: others }];
}

/** Minutes as whole hours and the minutes left over. */
export function hoursAndMinutes(minutes: number): { hours: number; minutes: number } {
  const total = Math.max(0, Math.round(minutes));
  return { hours: Math.floor(total / 60), minutes: total % 60 };
}

/** The week number of an ISO week `YYYY-Www` (`2026-W07` → 7), or null. */
export function isoWeekNumber(week: string): number | null {
  const m = /^\d{4}-W(\d{2})$/.exec(week);
  return m ? Number(m[1]) : null;
}
