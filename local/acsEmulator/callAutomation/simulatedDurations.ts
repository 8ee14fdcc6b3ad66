/** Call-time lengths of what the simulated far end and media take, before the time scale applies. */
export interface SimulatedDurations {
  /** How long one play source (a file, a text) plays. */
  playSourceMs: number;
  /** How long createCall rings a target before giving up. */
  ringTimeoutMs: number;
  /** addParticipant's invitation timeout when the request sets none. */
  invitationTimeoutMs: number;
  /** How long an incoming call waits to be answered, redirected or rejected. */
  incomingCallTimeoutMs: number;
  /** How long sending one DTMF tone takes. */
  dtmfToneMs: number;
}

export const defaultDurations: SimulatedDurations = {
  playSourceMs: 3000,
  ringTimeoutMs: 60_000,
  invitationTimeoutMs: 60_000,
  incomingCallTimeoutMs: 30_000,
  dtmfToneMs: 250,
};
