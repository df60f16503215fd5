// Locks the notebook after a period without use. Activity only records a
// time stamp (cheap enough for every pointer move); one timer checks it
// when the period could have run out.

export interface IdleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: IdleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The default period: 10 minutes. */
export const DEFAULT_IDLE_MINUTES = 10;
/** The periods a user can choose. */
export const IDLE_CHOICES = [5, 10, 15, 30] as const;
/** Where the chosen period is kept. */
export const IDLE_STORAGE_KEY = 'carnet.autolockMinutes';

export class IdleTimer {
  #timeoutMs: number;
  #onIdle: () => void;
  #clock: IdleClock;
  #last = 0;
  #handle: unknown = null;

  constructor(timeoutMs: number, onIdle: () => void, clock: IdleClock = systemClock) {
    this.#timeoutMs = timeoutMs;
    this.#onIdle = onIdle;
    this.#clock = clock;
  }

  /** Starts counting from now. */
  start(): void {
    this.#last = this.#clock.now();
    this.#schedule(this.#timeoutMs);
  }

  /** Records activity: the period starts again. */
  touch(): void {
    this.#last = this.#clock.now();
  }

  /** Changes the period (counted from the last activity). */
  setTimeoutMs(ms: number): void {
    this.#timeoutMs = ms;
    if (this.#handle !== null) {
      this.#schedule(Math.max(0, this.#last + ms - this.#clock.now()));
    }
  }

  /** Stops without calling `onIdle`. */
  stop(): void {
    if (this.#handle !== null) {
      this.#clock.clearTimeout(this.#handle);
      this.#handle = null;
    }
  }

  #schedule(ms: number): void {
    this.stop();
    this.#handle = this.#clock.setTimeout(() => this.#check(), ms);
  }

  #check(): void {
    this.#handle = null;
    const left = this.#last + this.#timeoutMs - this.#clock.now();
    if (left <= 0) {
      this.#onIdle();
    } else {
      this.#schedule(left);
    }
  }
}

/** The chosen period in minutes (the default when none or an odd one is kept). */
export function storedIdleMinutes(storage: { getItem(key: string): string | null } | undefined): number {
  try {
    const value = Number(storage?.getItem(IDLE_STORAGE_KEY));
    return (IDLE_CHOICES as readonly number[]).includes(value) ? value : DEFAULT_IDLE_MINUTES;
  } catch {
    return DEFAULT_IDLE_MINUTES;
  }
}
