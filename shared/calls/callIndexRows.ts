import type { Call } from './call';
import { indexRowKey, type CallIndexRow } from './callIndex';
import type { CallVersion } from './callStore';

/**
 * A row whose call record never appeared is the trace of a creation that stopped part-way; this is
 * long enough for any creation still under way (including its ACS or Graph calls) to finish first.
 */
export const orphanGraceMs = 10 * 60 * 1000;

/** The index rows a call record needs: one per member (organizer and invitees) while it is scheduled. */
export function wantedRows(call: Call): Map<string, string> {
  if (call.status !== 'scheduled') return new Map();
  const rowKey = indexRowKey(call);
  return new Map(
    [call.organizer, ...call.invitees.map((invitee) => invitee.subjectId)].map((s) => [s, rowKey]),
  );
}

/** Lists show a row only when its record, the truth, agrees: scheduled, with that subject, at that key. */
export function isListedRow(row: CallIndexRow, record: CallVersion | undefined): boolean {
  return record !== undefined && wantedRows(record.value).get(row.subjectId) === row.rowKey;
}

/**
 * Whether a row may be deleted. Rows are written before the record that names them, so a row the record
 * does not want may belong to a write still under way: one that read the record as it is now (the row
 * says which version it was put for) and has yet to replace it. Any other row is stale: a write based
 * on an older version can no longer land (its ETag is gone; its next try puts its rows again), and no
 * write lands on a cancelled call. A row whose record never appeared is stale after a grace period.
 * Comparing versions, not times, keeps this true whatever the storage servers' clocks say.
 */
export function isStaleRow(row: CallIndexRow, record: CallVersion | undefined, nowMs: number): boolean {
  if (!record) return nowMs - row.writtenAt > orphanGraceMs;
  if (isListedRow(row, record)) return false;
  return record.value.status === 'cancelled' || row.basedOn !== record.etag;
}
