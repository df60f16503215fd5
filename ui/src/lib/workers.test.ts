import { describe, expect, it } from 'vitest';
import type { TeamMember } from './api/types';
import { deviceLabel, workerNames } from './workers';

const member = (device_id: string, worker: string | null, extra: Partial<TeamMember> = {}): TeamMember => ({
  device_id,
  worker,
  device_name: worker ? `tablette ${worker}` : null,
  role: 'worker',
  revoked: false,
  this_device: false,
  ...extra,
});

describe('workerNames', () => {
  it('gives each worker once, sorted, without unnamed devices', () => {
    const members = [
      member('1', 'Bruno'),
      member('2', 'anne'),
      member('3', 'Anne '),
      member('4', null),
      member('5', 'Zoé', { revoked: true }),
      member('6', 'Élodie'),
    ];
    expect(workerNames(members, 'fr-FR')).toEqual(['anne', 'Bruno', 'Élodie', 'Zoé']);
  });

  it('gives nothing outside a team', () => {
    expect(workerNames([], 'fr-FR')).toEqual([]);
  });
});

describe('deviceLabel', () => {
  it('names a known device, and shortens an unknown id', () => {
    const members = [member('65731db3-9df9-462c-90ad-ebfdac7453bc', 'Anne')];
    expect(deviceLabel('65731db3-9df9-462c-90ad-ebfdac7453bc', members)).toBe('tablette Anne');
    expect(deviceLabel('d767cd36-54da-4480-8417-b74d2965ec1d', members)).toBe('d767cd36');
  });
});
