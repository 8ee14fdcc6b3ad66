import { expectJson } from './httpJson';

export type AcsRequestCounts = Record<string, number>;

/** How many requests the emulator has answered, per ACS operation (its `/__emulator/stats`). */
export async function readAcsRequestCounts(emulatorUrl: string): Promise<AcsRequestCounts> {
  const { requests } = await expectJson<{ requests: AcsRequestCounts }>(
    `${emulatorUrl}__emulator/stats`,
    200,
  );
  return requests;
}

/** The ACS operations made between two readings, without the emulator's own control requests. */
export function acsRequestsBetween(before: AcsRequestCounts, after: AcsRequestCounts): AcsRequestCounts {
  const delta: AcsRequestCounts = {};
  for (const [operation, count] of Object.entries(after)) {
    if (operation.startsWith('control.')) continue;
    const made = count - (before[operation] ?? 0);
    if (made > 0) delta[operation] = made;
  }
  return delta;
}
