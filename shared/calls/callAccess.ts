import { conflict, forbidden, notFound } from '../errors/serviceError';
import { isMember, type StoredCall } from './call';

/** A call the subject is not on is, to them, a call that does not exist. */
export function visibleCall(call: StoredCall | undefined, subjectId: string): StoredCall {
  if (!call || !isMember(call, subjectId)) throw notFound('No such call.', { code: 'CallNotFound' });
  return call;
}

/** Changing a call is for its organizer; an invitee is told so, anyone else learns nothing. */
export function organizedCall(call: StoredCall | undefined, subjectId: string): StoredCall {
  const visible = visibleCall(call, subjectId);
  if (visible.organizer !== subjectId)
    throw forbidden('Only the organizer may change this call.', { code: 'NotCallOrganizer' });
  return visible;
}

export function assertScheduled(call: StoredCall): void {
  if (call.status === 'cancelled') throw conflict('The call is cancelled.', { code: 'CallCancelled' });
}
