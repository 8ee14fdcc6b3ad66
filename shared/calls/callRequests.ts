import type { CallKind, InviteeRole } from './call';

/** An invitee as a request names it: a bare subject id, or one with a Room role. */
export type InviteeInput = string | { subjectId: string; role?: InviteeRole | undefined };

export interface CreateCallRequest {
  kind?: CallKind | undefined;
  title?: string | undefined;
  startsAt?: string | undefined;
  endsAt?: string | undefined;
  groupCallId?: string | undefined;
  teamsMeetingLink?: string | undefined;
  invitees?: InviteeInput[] | undefined;
}

/** `null` clears a time (JSON merge-patch); an absent field is left as it is. */
export interface UpdateCallRequest {
  title?: string | undefined;
  startsAt?: string | null | undefined;
  endsAt?: string | null | undefined;
}
