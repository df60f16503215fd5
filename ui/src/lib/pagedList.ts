// A long list read from the backend a page at a time, as the user scrolls.
// Pages are fetched once each; a new query starts a new generation, and
// answers to an older one are dropped.

export interface Page<T> {
  /** Rows matching, in the whole list. */
  total: number;
  items: T[];
}

export type FetchPage<T> = (offset: number, limit: number) => Promise<Page<T>>;

export class PagedList<T> {
  readonly pageSize: number;
  #fetch: FetchPage<T>;
  #onChange: () => void;
  #onError: (error: unknown) => void;
  #pages = new Map<number, T[]>();
  #loading = new Set<number>();
  #generation = 0;
  #total: number | null = null;

  constructor(options: {
    fetch: FetchPage<T>;
    pageSize?: number;
    onChange: () => void;
    onError: (error: unknown) => void;
  }) {
    this.pageSize = options.pageSize ?? 50;
    this.#fetch = options.fetch;
    this.#onChange = options.onChange;
    this.#onError = options.onError;
  }

  /** Rows in the whole list, once the first page answered. */
  get total(): number | null {
    return this.#total;
  }

  /** Whether a page is being fetched. */
  get loading(): boolean {
    return this.#loading.size > 0;
  }

  /** The row at `index`, if its page has arrived. */
  get(index: number): T | undefined {
    return this.#pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** Replaces the fetch (a new query or filter) and forgets every page. */
  reset(fetch: FetchPage<T>): void {
    this.#fetch = fetch;
    this.#generation += 1;
    this.#pages.clear();
    this.#loading.clear();
    this.#total = null;
    this.#onChange();
  }

  /** Fetches the pages covering rows `start` to `end` (exclusive) not yet here. */
  ensure(start: number, end: number): Promise<void> {
    const first = Math.floor(Math.max(0, start) / this.pageSize);
    const last = Math.floor(Math.max(start, end - 1) / this.pageSize);
    const waits: Promise<void>[] = [];
    for (let page = first; page <= last; page++) {
      if (this.#total !== null && page * this.pageSize >= this.#total && page > 0) {
        break;
      }
      if (!this.#pages.has(page) && !this.#loading.has(page)) {
        waits.push(this.#load(page));
      }
    }
    return Promise.all(waits).then(() => undefined);
  }

  async #load(page: number): Promise<void> {
    const generation = this.#generation;
    this.#loading.add(page);
    try {
      const result = await this.#fetch(page * this.pageSize, this.pageSize);
      if (generation !== this.#generation) {
        return;
      }
      this.#pages.set(page, result.items);
      this.#total = result.total;
    } catch (error) {
      if (generation === this.#generation) {
        this.#onError(error);
      }
    } finally {
      if (generation === this.#generation) {
        this.#loading.delete(page);
        this.#onChange();
      }
    }
  }
}
