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
  /** Outbound calls only (kind "outbound"): whom the service calls, and how (see callAutomation/). */
  targets?: OutboundTarget[] | undefined;
  callerId?: string | undefined;
  requestId?: string | undefined;
}

/** Someone an outbound call rings: a subject (their ACS identity), or a phone number (E.164). */
export type OutboundTarget = { subjectId: string } | { phoneNumber: string };

/** `null` clears a time (JSON merge-patch); an absent field is left as it is. */
export interface UpdateCallRequest {
  title?: string | undefined;
  startsAt?: string | null | undefined;
  endsAt?: string | null | undefined;
}
