import { AcsError } from '../acsError';
import type { CallAutomationContext } from './callAutomationContext';
import { leave } from './callLifecycle';
import { isPhoneRawId, parseParticipant } from './identifierModel';
import { toneSchema, type Tone } from './callAutomationRequests';
import type { ServerCall } from './serverCall';

const keypad: Record<string, Tone> = {
  '0': 'zero',
  '1': 'one',
  '2': 'two',
  '3': 'three',
  '4': 'four',
  '5': 'five',
  '6': 'six',
  '7': 'seven',
  '8': 'eight',
  '9': 'nine',
  '*': 'asterisk',
  '#': 'pound',
};

/** A tone as the API spells it (`one`, `pound`), or as a keypad shows it (`1`, `#`). */
export function toneOf(key: string): Tone {
  const spelled = keypad[key] ?? key.toLowerCase();
  const parsed = toneSchema.safeParse(spelled);
  if (!parsed.success) throw new AcsError(400, 'BadRequest', `${key} is not a DTMF tone.`);
  return parsed.data;
}

/** What the far end's input reached: the legs whose recognizer took at least part of it. */
export interface FarEndInput {
  tones?: Tone[];
  heardBy: string[];
}

/**
 * A party in the call presses keys: every app leg of the call hears them, in order. Keys nobody was
 * recognizing are lost, as on a real line.
 */
export function pressKeys(
  ctx: CallAutomationContext,
  callConnectionId: string,
  participant: string,
  keys: string[],
): FarEndInput {
  const tones = keys.map(toneOf);
  const call = callOf(ctx, callConnectionId);
  const rawId = inCall(call, participant);
  const heardBy = new Set<string>();
  for (const tone of tones) {
    for (const connection of call.liveConnections()) {
      if (connection.media.tone(rawId, tone)) heardBy.add(connection.id);
    }
  }
  return { tones, heardBy: [...heardBy] };
}

/** A party says a phrase (matched against choices, or taken as recognized speech). */
export function speak(
  ctx: CallAutomationContext,
  callConnectionId: string,
  participant: string,
  phrase: string,
): FarEndInput {
  const call = callOf(ctx, callConnectionId);
  const rawId = inCall(call, participant);
  const heardBy = call.liveConnections().filter((connection) => connection.media.speech(rawId, phrase));
  return { heardBy: heardBy.map((connection) => connection.id) };
}

/**
 * Someone joins the call from their own client. A Room admits only communication users on its
 * roster (call-end codes 5830 and 5828).
 */
export function joinCall(ctx: CallAutomationContext, callConnectionId: string, participant: string) {
  const call = callOf(ctx, callConnectionId);
  const rawId = parseParticipant(participant, 'participant');
  if (call.locator.kind === 'room') {
    if (isPhoneRawId(rawId)) {
      throw new AcsError(403, '5830', 'Only Communication Services users can join a Rooms call.');
    }
    const onRoster = ctx.rooms.participants(call.locator.roomId).some((member) => member.rawId === rawId);
    if (!onRoster) throw new AcsError(403, '5828', `${rawId} is not on the room's roster.`);
  }
  if (call.participants.has(rawId)) return;
  call.join(rawId);
  ctx.events.participantsUpdated(call);
}

/** A party hangs up. */
export function hangUpParty(ctx: CallAutomationContext, callConnectionId: string, participant: string) {
  const call = callOf(ctx, callConnectionId);
  leave(ctx, call, inCall(call, participant));
}

function callOf(ctx: CallAutomationContext, callConnectionId: string): ServerCall {
  const call = ctx.registry.liveConnection(callConnectionId).serverCall;
  if (call.state !== 'active') throw new AcsError(404, 'NotFound', 'The call has ended.');
  return call;
}

function inCall(call: ServerCall, participant: string): string {
  const rawId = parseParticipant(participant, 'participant');
  if (!call.participants.has(rawId)) throw new AcsError(404, 'NotFound', `${rawId} is not in the call.`);
  return rawId;
}
