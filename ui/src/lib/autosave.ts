// Saving as the user types: a change is saved once typing pauses for
// `delayMs`; saves never overlap (the next starts when the last is done),
// and a failed save is kept pending and tried again on the next change or
// flush. The caller's `save` turns a value into API calls.

export type SaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

export interface AutosaveOptions<T> {
  delayMs: number;
  save: (value: T) => Promise<void>;
  onState: (state: SaveState, error?: unknown) => void;
}

export class Autosave<T> {
  #options: AutosaveOptions<T>;
  #latest: T | undefined;
  #dirty = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<void> | null = null;
  #state: SaveState = 'idle';

  constructor(options: AutosaveOptions<T>) {
    this.#options = options;
  }

  /** Where saving stands. */
  get state(): SaveState {
    return this.#state;
  }

  /** Whether some change is not saved yet. */
  get dirty(): boolean {
    return this.#dirty;
  }

  #set(state: SaveState, error?: unknown): void {
    this.#state = state;
    this.#options.onState(state, error);
  }

  /** Records the newest value; it is saved once changes pause. */
  change(value: T): void {
    this.#latest = value;
    this.#dirty = true;
    if (this.#running === null) {
      this.#set('pending');
    }
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#run();
    }, this.#options.delayMs);
  }

  /** Saves what is pending now, and waits until everything is saved (or failed). */
  async flush(): Promise<void> {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    await this.#run();
    // A save that was running when flush began ends its loop only once the
    // value is saved; run again in case it stopped on an error in between.
    if (this.#dirty && this.#running === null && this.#state !== 'error') {
      await this.#run();
    }
  }

  /** Stops the timer; a pending change is dropped unless flushed first. */
  dispose(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
  }

  #run(): Promise<void> {
    if (this.#running !== null) {
      return this.#running;
    }
    if (!this.#dirty) {
      return Promise.resolve();
    }
    this.#running = (async () => {
      // Keep saving while changes arrived during a save and no pause timer
      // is waiting for more typing.
      while (this.#dirty && this.#timer === null) {
        this.#dirty = false;
        const value = this.#latest as T;
        this.#set('saving');
        try {
          await this.#options.save(value);
        } catch (error) {
          this.#dirty = true;
          this.#set('error', error);
          return;
        }
      }
      this.#set(this.#dirty ? 'pending' : 'saved');
    })().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }
}

/** Saves not yet written, flushed before the notebook locks or the page goes away. */
const flushers = new Set<() => Promise<void>>();

/** Registers a flush to run before locking; returns a function that removes it. */
export function registerFlush(flush: () => Promise<void>): () => void {
  flushers.add(flush);
  return () => flushers.delete(flush);
}

/** Runs every registered flush; failures are left to each editor to show. */
export async function flushAll(): Promise<void> {
  await Promise.allSettled([...flushers].map((flush) => flush()));
}

/** Saves that editors started as their screen closed, not finished yet. */
const leaving = new Set<Promise<void>>();

/**
 * Keeps track of the save an editor starts as its screen closes, so that the
 * next screen can wait for it before reading (and never shows the case file
 * without what was just typed).
 */
export function saveOnLeave(save: Promise<void>): void {
  const tracked = save.catch(() => undefined);
  leaving.add(tracked);
  void tracked.finally(() => leaving.delete(tracked));
}

/** Waits until the saves of closed editors are written (or failed). */
export async function leftSaved(): Promise<void> {
  await Promise.allSettled([...leaving]);
}
