// The workers of a team, from its devices: the names people choose from to
// see one person's statistics or exports.

import type { TeamMember } from './api/types';

/**
 * Each worker's name once (one worker may hold several devices), in
 * alphabetical order. Devices whose roster entry has not arrived yet have
 * no name; revoked devices stay, since their visits still count.
 */
export function workerNames(members: readonly TeamMember[], locale: string): string[] {
  const byKey = new Map<string, string>();
  for (const member of members) {
    const name = member.worker?.trim();
    if (!name) continue;
    const key = name.toLocaleLowerCase(locale);
    if (!byKey.has(key)) byKey.set(key, name);
  }
  return [...byKey.values()].sort((a, b) => a.localeCompare(b, locale));
}

/** A device's name for people: its given name, else the start of its id. */
export function deviceLabel(device: string, members: readonly TeamMember[]): string {
  const named = members.find((m) => m.device_id === device)?.device_name?.trim();
  return named || device.slice(0, 8);
}
