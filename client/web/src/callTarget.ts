import type { Call } from 'acs-trusted-client';

/** What the Calling SDK is given to enter a call: a locator for `join`, or the callee for `startCall`. */
export type CallTarget =
  | { kind: 'group'; groupId: string }
  | { kind: 'room'; roomId: string }
  | { kind: 'teams'; meetingLink: string }
  | { kind: 'oneToOne'; communicationUserId: string };

/** The target of a call the service keeps; undefined for one the page cannot join (an outbound call). */
export function targetOfCall(call: Call): CallTarget | undefined {
  if (call.kind === 'group' && call.groupCallId) return { kind: 'group', groupId: call.groupCallId };
  if (call.kind === 'room' && call.roomId) return { kind: 'room', roomId: call.roomId };
  if (call.kind === 'teams' && call.teamsMeetingLink)
    return { kind: 'teams', meetingLink: call.teamsMeetingLink };
  return undefined;
}

/** The target as people read it: its name, and the value the SDK is given. */
export function describeTarget(target: CallTarget): { name: string; value: string; sdkCall: string } {
  switch (target.kind) {
    case 'group':
      return {
        name: 'Group call ID',
        value: target.groupId,
        sdkCall: `callAgent.join({ groupId: '${target.groupId}' })`,
      };
    case 'room':
      return {
        name: 'Room ID',
        value: target.roomId,
        sdkCall: `callAgent.join({ roomId: '${target.roomId}' })`,
      };
    case 'teams':
      return {
        name: 'Teams meeting link',
        value: target.meetingLink,
        sdkCall: 'callAgent.join({ meetingLink })',
      };
    case 'oneToOne':
      return {
        name: 'Callee',
        value: target.communicationUserId,
        sdkCall: `callAgent.startCall([{ communicationUserId: '${target.communicationUserId}' }])`,
      };
  }
}
