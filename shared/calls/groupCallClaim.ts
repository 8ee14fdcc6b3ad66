import { createHash } from 'node:crypto';
import { conflict, dependencyUnavailable } from '../errors/serviceError';
import type { StoredCall } from './call';
import type { CallStore } from './callStore';

export type GroupClaimOutcome =
  /** Create the call under this id (a fresh claim, or finishing an earlier try that stopped part-way). */
  | { kind: 'create'; callId: string }
  /** An identical earlier request created it already: answer with that call. */
  | { kind: 'existing'; call: StoredCall };

/** What makes two create requests "the same": everything the organizer asked for. */
export function callFingerprint(call: StoredCall): string {
  const { kind, title, organizer, groupCallId, startsAt, endsAt, invitees } = call;
  const request = { kind, title, organizer, groupCallId, startsAt, endsAt, invitees };
  return createHash('sha256').update(JSON.stringify(request)).digest('base64url');
}

const taken = () =>
  conflict('This group call ID is registered for another call already.', { code: 'GroupCallIdTaken' });

/**
 * Registers a group call ID for a new call. The claim row is inserted, so of two organizers racing for
 * one ID exactly one wins; the other gets 409. The same organizer may find their own claim:
 * - with its call written and the same request: a retry whose answer was lost; it gets that call;
 * - with no call written: an earlier try stopped part-way; this request finishes it under the claim's
 *   call id (taking the claim over, by ETag, if it asks for something different);
 * - otherwise: 409, as for anyone else (a group call ID belongs to one call).
 */
export async function claimGroupCall(store: CallStore, call: StoredCall): Promise<GroupClaimOutcome> {
  const groupCallId = call.groupCallId ?? '';
  const claim = {
    groupCallId,
    callId: call.id,
    organizer: call.organizer,
    fingerprint: callFingerprint(call),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await store.claimGroupCallId(claim)) return { kind: 'create', callId: call.id };
    const held = await store.readGroupClaim(groupCallId);
    if (!held) continue;
    if (held.value.organizer !== call.organizer) throw taken();
    const record = await store.read(held.value.callId);
    if (record) {
      if (record.value.status === 'scheduled' && callFingerprint(record.value) === claim.fingerprint) {
        return { kind: 'existing', call: record.value };
      }
      throw taken();
    }
    if (held.value.fingerprint === claim.fingerprint) return { kind: 'create', callId: held.value.callId };
    if (await store.replaceGroupClaim({ ...held.value, fingerprint: claim.fingerprint }, held.etag)) {
      return { kind: 'create', callId: held.value.callId };
    }
  }
  throw dependencyUnavailable('The group call ID is being registered by another request; try again.', {
    retryAfterSeconds: 1,
    code: 'CallBusy',
  });
}
