import { describe, expect, it } from 'vitest';
import { CommandError } from './api/transport';
import { errorKey, errorKind, KNOWN_KINDS } from './errors';
import { en } from './i18n/en';
import { fr } from './i18n/fr';

describe('errorKey', () => {
  it('maps each kind the backend reports to its own sentence', () => {
    expect(errorKey(new CommandError({ kind: 'wrong_passphrase', message: 'wrong passphrase: …' }))).toBe(
      'error.wrong_passphrase',
    );
    expect(errorKey({ kind: 'not_found', message: 'there is no case file x' })).toBe('error.not_found');
    expect(errorKey({ kind: 'disk_full', message: '' })).toBe('error.disk_full');
    expect(errorKey({ kind: 'offline', message: 'the hub cannot be reached' })).toBe('error.offline');
  });

  it('has a sentence in both languages for every known kind', () => {
    for (const kind of KNOWN_KINDS) {
      expect(fr[`error.${kind}`], kind).toBeTruthy();
      expect(en[`error.${kind}`], kind).toBeTruthy();
    }
  });

  it('falls back to the general sentence for an unknown kind or a bare failure', () => {
    expect(errorKey({ kind: 'something_new', message: 'x' })).toBe('error.generic');
    expect(errorKey(new TypeError('boom'))).toBe('error.generic');
    expect(errorKey('a string')).toBe('error.generic');
    expect(errorKey(undefined)).toBe('error.generic');
  });

  it('never shows the backend’s English message to a French user', () => {
    const key = errorKey({ kind: 'wrong_passphrase', message: "wrong passphrase: this device's notebook did not open" });
    expect(fr[key]).not.toContain('notebook');
    expect(fr[key]).toContain('Phrase de passe');
  });
});

describe('errorKind', () => {
  it('reads the kind of any failure', () => {
    expect(errorKind(new CommandError({ kind: 'locked', message: '' }))).toBe('locked');
    expect(errorKind(new Error('x'))).toBe('unknown');
  });
});
