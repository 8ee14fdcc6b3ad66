import type { InviteeInput } from './callRequests';
import { badRequest, conflict } from '../errors/serviceError';
import type { CallKind, Invitee } from './call';

/** Invitees as the request gave them (a bare subject id or an object), as records. */
export function toInvitees(input: readonly InviteeInput[] = []): Invitee[] {
  return input.map((invitee) =>
    typeof invitee === 'string'
      ? { subjectId: invitee }
      : { subjectId: invitee.subjectId, ...(invitee.role ? { role: invitee.role } : {}) },
  );
}

/**
 * Adds invitees to a call's list: a new one is appended (in a room, with role Attendee unless given),
 * one already there keeps its place and takes the role given, if any. The organizer is never an
 * invitee: a list that names them (a team's members, say) simply skips them.
 */
export function mergeInvitees(
  current: readonly Invitee[],
  added: readonly Invitee[],
  call: { organizer: string; kind: CallKind },
): Invitee[] {
  const merged = current.map((invitee) => ({ ...invitee }));
  for (const invitee of added) {
    if (invitee.subjectId === call.organizer) continue;
    const existing = merged.find((candidate) => candidate.subjectId === invitee.subjectId);
    if (existing) {
      if (invitee.role) existing.role = invitee.role;
      continue;
    }
    const role = invitee.role ?? (call.kind === 'room' ? 'Attendee' : undefined);
    merged.push({ subjectId: invitee.subjectId, ...(role ? { role } : {}) });
  }
  return merged;
}

/** A request naming more invitees than a call may have is bad input, whatever the call holds. */
export function assertRequestWithinCap(invitees: readonly Invitee[], maxInvitees: number): void {
  if (invitees.length > maxInvitees) {
    throw badRequest(`A call may have at most ${maxInvitees} invitees.`, {
      code: 'TooManyInvitees',
      errors: [{ path: '/invitees', message: `must have at most ${maxInvitees} entries` }],
    });
  }
}

/** Adding to a call that would then hold too many invitees conflicts with what it holds. */
export function assertCallWithinCap(invitees: readonly Invitee[], maxInvitees: number): void {
  if (invitees.length > maxInvitees) {
    throw conflict(`A call may have at most ${maxInvitees} invitees.`, { code: 'InviteeLimitReached' });
  }
}
