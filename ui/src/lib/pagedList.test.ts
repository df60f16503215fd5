import { describe, expect, it, vi } from 'vitest';
import { PagedList, type Page } from './pagedList';

function rows(offset: number, limit: number, total: number): Page<number> {
  const items = [];
  for (let i = offset; i < Math.min(total, offset + limit); i++) items.push(i);
  return { total, items };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('PagedList', () => {
  it('fetches each page covering a range once', async () => {
    const fetch = vi.fn((offset: number, limit: number) => Promise.resolve(rows(offset, limit, 1000)));
    const list = new PagedList({ fetch, pageSize: 50, onChange: () => {}, onError: () => {} });
    await list.ensure(0, 120);
    expect(fetch.mock.calls).toEqual([
      [0, 50],
      [50, 50],
      [100, 50],
    ]);
    await list.ensure(40, 110);
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(list.total).toBe(1000);
    expect(list.get(0)).toBe(0);
    expect(list.get(149)).toBe(149);
    expect(list.get(150)).toBeUndefined();
  });

  it('does not ask twice for a page already on its way', async () => {
    const pending = deferred<Page<number>>();
    const fetch = vi.fn(() => pending.promise);
    const list = new PagedList({ fetch, pageSize: 50, onChange: () => {}, onError: () => {} });
    const first = list.ensure(0, 10);
    const second = list.ensure(5, 20);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(list.loading).toBe(true);
    pending.resolve(rows(0, 50, 60));
    await Promise.all([first, second]);
    expect(list.loading).toBe(false);
  });

  it('stops at the end of the list once the total is known', async () => {
    const fetch = vi.fn((offset: number, limit: number) => Promise.resolve(rows(offset, limit, 60)));
    const list = new PagedList({ fetch, pageSize: 50, onChange: () => {}, onError: () => {} });
    await list.ensure(0, 10);
    await list.ensure(0, 500);
    expect(fetch.mock.calls.map((c) => c[0])).toEqual([0, 50]);
  });

  it('drops answers to a query that was replaced', async () => {
    const old = deferred<Page<number>>();
    const list = new PagedList<number>({ fetch: () => old.promise, pageSize: 50, onChange: () => {}, onError: () => {} });
    const stale = list.ensure(0, 10);
    list.reset((offset, limit) => Promise.resolve({ total: 2, items: [100 + offset, 101 + offset].slice(0, limit) }));
    await list.ensure(0, 10);
    old.resolve({ total: 999, items: [7, 7, 7] });
    await stale;
    expect(list.total).toBe(2);
    expect(list.get(0)).toBe(100);
  });

  it('reports a failed page and fetches it again next time', async () => {
    const onError = vi.fn();
    let fail = true;
    const fetch = vi.fn((offset: number, limit: number) =>
      fail ? Promise.reject(new Error('offline')) : Promise.resolve(rows(offset, limit, 10)),
    );
    const list = new PagedList({ fetch, pageSize: 50, onChange: () => {}, onError });
    await list.ensure(0, 10);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(list.get(0)).toBeUndefined();
    fail = false;
    await list.ensure(0, 10);
    expect(list.get(3)).toBe(3);
  });
});
