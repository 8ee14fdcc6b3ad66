import { z } from 'zod';

export const partyBehaviourKinds = ['answer', 'busy', 'noAnswer', 'reject'] as const;
export type PartyBehaviourKind = (typeof partyBehaviourKinds)[number];

export const partySpecSchema = z.object({
  /** A raw id (`8:acs:...`, `4:+1...`) or a bare E.164 number. */
  target: z.string().min(1).max(512),
  behaviour: z.enum(partyBehaviourKinds),
  /** How long the party lets it ring before it answers, declines or says busy (call time, scaled). */
  answerDelayMs: z.number().int().min(0).max(600_000).optional(),
});
export type PartySpec = z.infer<typeof partySpecSchema>;

export interface PartyBehaviour {
  behaviour: PartyBehaviourKind;
  answerDelayMs: number;
}

/** Someone nobody configured picks up at once. */
const answersAtOnce: PartyBehaviour = { behaviour: 'answer', answerDelayMs: 0 };

/** How each simulated far end responds when it is called (by createCall, addParticipant, transfer or redirect). */
export class PartyBehaviours {
  private readonly byRawId = new Map<string, PartyBehaviour>();

  set(rawId: string, behaviour: PartyBehaviour): void {
    this.byRawId.set(rawId, behaviour);
  }

  of(rawId: string): PartyBehaviour {
    return this.byRawId.get(rawId) ?? answersAtOnce;
  }

  list(): Array<PartyBehaviour & { target: string }> {
    return [...this.byRawId].map(([target, behaviour]) => ({ target, ...behaviour }));
  }
}
