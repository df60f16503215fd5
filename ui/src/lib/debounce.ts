// Run a function once input has been quiet for a while.

export interface Debounced<A extends unknown[]> {
  /** Schedules a run with these arguments, replacing any scheduled one. */
  (...args: A): void;
  /** Drops the scheduled run. */
  cancel(): void;
  /** Runs the scheduled call now, if there is one. */
  flush(): void;
  /** Whether a run is scheduled. */
  readonly pending: boolean;
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastArgs: A | null = null;

  const run = () => {
    timer = null;
    const args = lastArgs;
    lastArgs = null;
    if (args !== null) {
      fn(...args);
    }
  };

  const debounced = (...args: A) => {
    lastArgs = args;
    if (timer !== null) {
      clearTimeout(timer);
    }
    timer = setTimeout(run, waitMs);
  };
  debounced.cancel = () => {
    if (timer !== null) {
      clearTimeout(timer);
    }
    timer = null;
    lastArgs = null;
  };
  debounced.flush = () => {
    if (timer !== null) {
      clearTimeout(timer);
      run();
    }
  };
  Object.defineProperty(debounced, 'pending', { get: () => timer !== null });
  return debounced as Debounced<A>;
}
