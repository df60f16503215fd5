// Which rows of a long list to render: only those in view, plus a few
// above and below so fast scrolling shows no gap. Rows have a fixed height.

export interface WindowInput {
  /** Pixels scrolled from the top of the list. */
  scrollTop: number;
  /** Height of the visible part, in pixels. */
  viewportHeight: number;
  /** Height of one row, in pixels (fixed). */
  rowHeight: number;
  /** Rows in the whole list. */
  count: number;
  /** Extra rows rendered on each side. */
  overscan: number;
}

export interface VirtualWindow {
  /** First row rendered. */
  start: number;
  /** One past the last row rendered. */
  end: number;
  /** Where the first rendered row sits, in pixels from the top. */
  offsetTop: number;
  /** Height of the whole list, in pixels. */
  totalHeight: number;
}

/** The rows to render for a scroll position. */
export function computeWindow(input: WindowInput): VirtualWindow {
  const count = Math.max(0, Math.floor(input.count));
  const rowHeight = input.rowHeight;
  if (count === 0 || !(rowHeight > 0)) {
    return { start: 0, end: 0, offsetTop: 0, totalHeight: 0 };
  }
  const totalHeight = count * rowHeight;
  const overscan = Math.max(0, Math.floor(input.overscan));
  const viewport = Math.max(0, input.viewportHeight);
  const inView = Math.ceil(viewport / rowHeight) + 1;
  // A list that shrank under a deep scroll position still shows its last rows.
  const maxScroll = Math.max(0, totalHeight - viewport);
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxScroll);
  const first = Math.min(count - 1, Math.floor(scrollTop / rowHeight));
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + inView + overscan);
  return { start, end, offsetTop: start * rowHeight, totalHeight };
}
