// Opening and closing the notebook.

import { call } from './commands';
import type { SessionState } from './types';

/** Whether a notebook exists on this device and whether it is open. */
export function sessionState(): Promise<SessionState> {
  return call('session_state', {});
}

/** Creates the notebook and the device's identity. */
export function init(passphrase: string, worker: string, deviceName: string): Promise<SessionState> {
  return call('init', { passphrase, worker, device_name: deviceName });
}

/** Opens the notebook; a wrong passphrase fails with kind `wrong_passphrase`. */
export function unlock(passphrase: string): Promise<SessionState> {
  return call('unlock', { passphrase });
}

/** Closes the notebook: nothing can be read until it is unlocked again. */
export function lock(): Promise<SessionState> {
  return call('lock', {});
}
