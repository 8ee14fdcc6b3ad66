/** `outbound`: a call the service placed itself (Call Automation), to subjects and phone numbers. */
export const callKinds = ['group', 'teams', 'room', 'outbound'] as const;
export type CallKind = (typeof callKinds)[number];

import { roomRoles, type RoomRole } from '../acs/roomRole';

/** An invitee's role is an ACS Room role: it means something only for rooms, but any call may carry one. */
export const inviteeRoles = roomRoles;
export type InviteeRole = RoomRole;

export const callStatuses = ['scheduled', 'cancelled'] as const;
export type CallStatus = (typeof callStatuses)[number];

export interface Invitee {
  subjectId: string;
  role?: InviteeRole | undefined;
}

/** A call as clients see it. Times are UTC ISO 8601 (`toISOString`), whatever offset they came with. */
export interface Call {
  id: string;
  kind: CallKind;
  title: string;
  organizer: string;
  groupCallId?: string | undefined;
  teamsMeetingLink?: string | undefined;
  roomId?: string | undefined;
  startsAt?: string | undefined;
  endsAt?: string | undefined;
  invitees: Invitee[];
  status: CallStatus;
  createdAt: string;
}

/** What the service keeps beyond what clients see. */
export interface StoredCall extends Call {
  /** The Graph onlineMeeting id, when the service created the Teams meeting. */
  teamsMeetingId?: string | undefined;
}

/** Whoever may see a call: its organizer and its invitees. */
export function isMember(call: Call, subjectId: string): boolean {
  return call.organizer === subjectId || call.invitees.some((invitee) => invitee.subjectId === subjectId);
}

/** The client's view: the internal fields stay behind. */
export function publicCall(call: StoredCall): Call {
  const { teamsMeetingId: _teamsMeetingId, ...visible } = call;
  return visible;
}
