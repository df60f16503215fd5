import { describe, expect, it, vi } from 'vitest';
import {
  CommandError,
  httpTransport,
  inTauri,
  takeToken,
  tauriTransport,
  toApiError,
  TOKEN_HEADER,
  TOKEN_STORAGE_KEY,
  type FetchLike,
  type TokenPlace,
} from './transport';

function place(href: string, stored: Record<string, string> = {}) {
  const storage = new Map(Object.entries(stored));
  const replaced: string[] = [];
  const p: TokenPlace = {
    location: { href },
    history: { replaceState: (_d, _u, url) => replaced.push(url) },
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
  };
  return { p, storage, replaced };
}

describe('takeToken', () => {
  it('takes the token from the address once, keeps it, and removes it from the address bar', () => {
    const { p, storage, replaced } = place('http://127.0.0.1:7171/?token=s3cr3t&lang=fr#/case/abc');
    expect(takeToken(p)).toBe('s3cr3t');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('s3cr3t');
    expect(replaced).toEqual(['/?lang=fr#/case/abc']);
  });

  it('reads the kept token after a reload', () => {
    const { p, replaced } = place('http://127.0.0.1:7171/#/due', { [TOKEN_STORAGE_KEY]: 'kept' });
    expect(takeToken(p)).toBe('kept');
    expect(replaced).toEqual([]);
  });

  it('prefers a new token in the address to a kept one', () => {
    const { p, storage } = place('http://127.0.0.1:7171/?token=new', { [TOKEN_STORAGE_KEY]: 'old' });
    expect(takeToken(p)).toBe('new');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('new');
  });

  it('strips an empty token and falls back to the kept one', () => {
    const { p, replaced } = place('http://127.0.0.1:7171/?token=', { [TOKEN_STORAGE_KEY]: 'kept' });
    expect(takeToken(p)).toBe('kept');
    expect(replaced).toEqual(['/']);
  });

  it('still works when storage refuses', () => {
    const { p } = place('http://127.0.0.1:7171/?token=t');
    p.storage.setItem = () => {
      throw new Error('quota');
    };
    expect(takeToken(p)).toBe('t');
    p.location.href = 'http://127.0.0.1:7171/';
    p.storage.getItem = () => {
      throw new Error('denied');
    };
    expect(takeToken(p)).toBeNull();
  });
});

function answer(status: number, body: string) {
  return Promise.resolve({ ok: status >= 200 && status < 300, status, text: () => Promise.resolve(body) });
}

describe('httpTransport', () => {
  it('posts the args as JSON with the token header and returns the JSON result', async () => {
    const fetch = vi.fn<FetchLike>(() => answer(200, '{"total":1,"items":[]}'));
    const t = httpTransport({ token: 'tok', fetch });
    const result = await t.call('caseload', { query: 'é', filter: {}, offset: 0, limit: 50 });
    expect(result).toEqual({ total: 1, items: [] });
    expect(fetch).toHaveBeenCalledWith('/api/caseload', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: 'tok' },
      body: '{"query":"é","filter":{},"offset":0,"limit":50}',
    });
  });

  it('returns undefined for an empty success', async () => {
    const t = httpTransport({ token: 'tok', fetch: () => answer(200, '') });
    await expect(t.call('visit_archive', {})).resolves.toBeUndefined();
  });

  it('turns an error answer into a CommandError with its kind and message', async () => {
    const t = httpTransport({
      token: 'tok',
      fetch: () => answer(401, '{"kind":"wrong_passphrase","message":"wrong passphrase: nothing was changed"}'),
    });
    const error = await t.call('unlock', { passphrase: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ kind: 'wrong_passphrase', message: 'wrong passphrase: nothing was changed' });
  });

  it('calls a refused token unauthorized even without a JSON body', async () => {
    const t = httpTransport({ token: null, fetch: () => answer(403, 'forbidden') });
    await expect(t.call('session_state', {})).rejects.toMatchObject({ kind: 'unauthorized' });
  });

  it('sends no token header when there is no token', async () => {
    const fetch = vi.fn<FetchLike>(() => answer(200, 'null'));
    await httpTransport({ token: null, fetch }).call('lock', {});
    expect(fetch.mock.calls[0]?.[1].headers).not.toHaveProperty(TOKEN_HEADER);
  });

  it('reports a network failure as unreachable', async () => {
    const t = httpTransport({ token: 'tok', fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(t.call('sync_status', {})).rejects.toMatchObject({ kind: 'unreachable' });
  });

  it('reports a success that is not JSON as a bad response', async () => {
    const t = httpTransport({ token: 'tok', fetch: () => answer(200, '<html>') });
    await expect(t.call('communes', {})).rejects.toMatchObject({ kind: 'bad_response' });
  });

  it('refuses a command name that is not one', async () => {
    const fetch = vi.fn<FetchLike>(() => answer(200, '{}'));
    await expect(httpTransport({ token: 'tok', fetch }).call('../admin', {})).rejects.toBeInstanceOf(CommandError);
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('tauriTransport', () => {
  it('invokes the command with one args parameter', async () => {
    const invoke = vi.fn(() => Promise.resolve({ unlocked: true }));
    const t = tauriTransport({ invoke, listen: vi.fn() });
    await expect(t.call('unlock', { passphrase: 'p' })).resolves.toEqual({ unlocked: true });
    expect(invoke).toHaveBeenCalledWith('unlock', { args: { passphrase: 'p' } });
  });

  it('turns the command’s error value into a CommandError', async () => {
    const t = tauriTransport({
      invoke: () => Promise.reject({ kind: 'not_found', message: 'there is no case file x' }),
      listen: vi.fn(),
    });
    await expect(t.call('case_show', { case: 'x' })).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('hands event payloads to the handler', async () => {
    let emit: (e: { payload: unknown }) => void = () => {};
    const listen = vi.fn((_: string, handler: (e: { payload: unknown }) => void) => {
      emit = handler;
      return Promise.resolve(() => {});
    });
    const got: unknown[] = [];
    await tauriTransport({ invoke: vi.fn(), listen }).listen('sync-status', (p) => got.push(p));
    emit({ payload: { state: 'syncing' } });
    expect(listen).toHaveBeenCalledWith('sync-status', expect.any(Function));
    expect(got).toEqual([{ state: 'syncing' }]);
  });
});

describe('toApiError and inTauri', () => {
  it('normalises anything a call rejects with', () => {
    expect(toApiError(new CommandError({ kind: 'corrupt', message: 'm' }))).toEqual({ kind: 'corrupt', message: 'm' });
    expect(toApiError({ kind: 'io', message: 'disk' })).toEqual({ kind: 'io', message: 'disk' });
    expect(toApiError('plain')).toEqual({ kind: 'unknown', message: 'plain' });
    expect(toApiError(null)).toEqual({ kind: 'unknown', message: '' });
  });

  it('detects the Tauri shell by its internals', () => {
    expect(inTauri({ __TAURI_INTERNALS__: {} })).toBe(true);
    expect(inTauri({})).toBe(false);
    expect(inTauri({ __TAURI_INTERNALS__: undefined })).toBe(false);
  });
});
