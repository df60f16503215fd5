// How the UI reaches the device API. Two implementations, chosen once at
// startup: the Tauri shell (`invoke(command, { args })`), or browser mode,
// where a server on localhost answers `POST /api/<command>`.
//
// Browser-mode contract (the Rust server matches it):
// - the page is opened at `http://127.0.0.1:PORT/?token=TOKEN`; the token is
//   read from the address once, kept in sessionStorage and removed from the
//   address bar;
// - every call is `POST /api/<command>` with the args object as JSON, headers
//   `content-type: application/json` and `x-carnet-token: TOKEN`;
// - success is HTTP 200 with the result as JSON (an empty body for none);
//   failure is any other status with `{ "kind": string, "message": string }`.

import type { ApiError } from './types';

/** The query parameter that carries the browser-mode token. */
export const TOKEN_PARAM = 'token';
/** Where the token is kept for the life of the tab. */
export const TOKEN_STORAGE_KEY = 'carnet.token';
/** The header every browser-mode call carries. */
export const TOKEN_HEADER = 'x-carnet-token';

/**
 * Kinds of failure the UI itself reports (the backend's kinds are listed in
 * errors.ts): the local API did not answer, refused the page's token, or sent
 * something that is not the JSON it promised.
 */
export const UNREACHABLE = 'unreachable';
export const UNAUTHORIZED = 'unauthorized';
export const BAD_RESPONSE = 'bad_response';

/** A failed call, carrying the backend's `{kind, message}`. */
export class CommandError extends Error implements ApiError {
  readonly kind: string;

  constructor(error: ApiError) {
    super(error.message);
    this.name = 'CommandError';
    this.kind = error.kind;
  }
}

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string' &&
    typeof (value as { message?: unknown }).message !== 'undefined'
  );
}

/** Whatever a call rejected with, as an `ApiError`. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof CommandError) {
    return { kind: error.kind, message: error.message };
  }
  if (isApiError(error)) {
    return { kind: error.kind, message: String(error.message) };
  }
  if (typeof error === 'string') {
    // Tauri rejects with the command's error value; a bare string is a
    // message without a kind.
    return { kind: 'unknown', message: error };
  }
  if (error instanceof Error) {
    return { kind: 'unknown', message: error.message };
  }
  return { kind: 'unknown', message: '' };
}

/** Stops listening. */
export type Unlisten = () => void;

/** One way of reaching the device API. */
export interface Transport {
  /** `tauri` pushes events; `browser` must be polled. */
  readonly mode: 'tauri' | 'browser';
  /**
   * Runs a command.
   * @throws CommandError
   */
  call(command: string, args: object): Promise<unknown>;
  /** Calls `handler` with each event named `event` (Tauri only). */
  listen(event: string, handler: (payload: unknown) => void): Promise<Unlisten>;
}

// ---------------------------------------------------------------- token

/** What `takeToken` needs from the page (injected so tests need no DOM). */
export interface TokenPlace {
  location: { href: string };
  history: { replaceState(data: unknown, unused: string, url: string): void };
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

/**
 * The browser-mode token: taken from the address the first time (then kept
 * in session storage and removed from the address bar, so it is neither
 * bookmarked nor shown), or from session storage after a reload.
 */
export function takeToken(place: TokenPlace): string | null {
  const url = new URL(place.location.href);
  const fromUrl = url.searchParams.get(TOKEN_PARAM);
  if (fromUrl !== null) {
    url.searchParams.delete(TOKEN_PARAM);
    place.history.replaceState(null, '', `${url.pathname}${url.search}${url.hash}`);
    if (fromUrl !== '') {
      try {
        place.storage.setItem(TOKEN_STORAGE_KEY, fromUrl);
      } catch {
        // Storage refused (private mode, quota): the token still works for
        // this page, only a reload will need a fresh address.
      }
      return fromUrl;
    }
  }
  try {
    return place.storage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- browser mode

/** The subset of `fetch` the HTTP transport uses. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

const COMMAND_NAME = /^[a-z][a-z0-9_]*$/;

/** Browser mode: `POST /api/<command>` on the page's own origin. */
export function httpTransport(options: { token: string | null; fetch: FetchLike; base?: string }): Transport {
  const base = options.base ?? '';
  return {
    mode: 'browser',
    async call(command, args) {
      if (!COMMAND_NAME.test(command)) {
        throw new CommandError({ kind: BAD_RESPONSE, message: `not a command name: ${command}` });
      }
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.token !== null) {
        headers[TOKEN_HEADER] = options.token;
      }
      let status: number;
      let ok: boolean;
      let text: string;
      try {
        const response = await options.fetch(`${base}/api/${command}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(args),
        });
        status = response.status;
        ok = response.ok;
        text = await response.text();
      } catch (error) {
        throw new CommandError({
          kind: UNREACHABLE,
          message: error instanceof Error ? error.message : 'the device API did not answer',
        });
      }
      let body: unknown = undefined;
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
          if (ok) {
            throw new CommandError({ kind: BAD_RESPONSE, message: `${command}: the answer is not JSON` });
          }
        }
      }
      if (ok) {
        return body;
      }
      if (isApiError(body)) {
        throw new CommandError({ kind: body.kind, message: String(body.message) });
      }
      throw new CommandError({
        kind: status === 401 || status === 403 ? UNAUTHORIZED : BAD_RESPONSE,
        message: `${command}: HTTP ${status}`,
      });
    },
    listen() {
      return Promise.reject(new CommandError({ kind: BAD_RESPONSE, message: 'browser mode has no events' }));
    },
  };
}

// ---------------------------------------------------------------- Tauri

/** The two Tauri functions the transport uses. */
export interface TauriBridge {
  invoke(command: string, args: Record<string, unknown>): Promise<unknown>;
  listen(event: string, handler: (event: { payload: unknown }) => void): Promise<Unlisten>;
}

/** The Tauri shell: each command takes one parameter, `args`. */
export function tauriTransport(bridge: TauriBridge): Transport {
  return {
    mode: 'tauri',
    async call(command, args) {
      try {
        return await bridge.invoke(command, { args });
      } catch (error) {
        throw new CommandError(toApiError(error));
      }
    },
    listen(event, handler) {
      return bridge.listen(event, (e) => handler(e.payload));
    },
  };
}

// ---------------------------------------------------------------- choice

/** Whether the page runs inside the Tauri shell. */
export function inTauri(win: object): boolean {
  return '__TAURI_INTERNALS__' in win && (win as Record<string, unknown>).__TAURI_INTERNALS__ != null;
}

/** The transport for this page: Tauri inside the shell, HTTP otherwise. */
export async function chooseTransport(): Promise<Transport> {
  if (inTauri(window)) {
    const [core, event] = await Promise.all([import('@tauri-apps/api/core'), import('@tauri-apps/api/event')]);
    return tauriTransport({
      invoke: (command, args) => core.invoke(command, args),
      listen: (name, handler) => event.listen(name, handler),
    });
  }
  const token = takeToken({ location: window.location, history: window.history, storage: window.sessionStorage });
  return httpTransport({ token, fetch: (url, init) => window.fetch(url, init) });
}

let current: Transport | null = null;

/** Sets the transport every API module uses (at startup, or a fake in tests). */
export function setTransport(transport: Transport | null): void {
  current = transport;
}

/** The transport set at startup. */
export function transport(): Transport {
  if (current === null) {
    throw new CommandError({ kind: UNREACHABLE, message: 'no transport was set' });
  }
  return current;
}
