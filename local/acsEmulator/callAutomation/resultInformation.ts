/** `resultInformation` of a callback event. */
export interface ResultInformation {
  code: number;
  subCode: number;
  message: string;
}

const result = (code: number, subCode: number, message: string): ResultInformation => ({
  code,
  subCode,
  message,
});

/**
 * The codes the emulator reports, as ACS documents them (Call Automation event codes, the recognize
 * and play how-tos, and the call-end codes).
 */
export const results = {
  connected: result(200, 0, 'Call connected.'),
  succeeded: result(200, 0, 'Action completed successfully.'),
  playStarted: result(200, 0, 'Action started.'),
  endedByApi: result(200, 7000, 'Call was ended by Call Automation API or a server bot.'),
  endedByParticipant: result(200, 0, 'The conversation has ended.'),
  transferred: result(200, 7015, 'Call ended as the transfer completed successfully.'),
  declined: result(603, 0, 'Call ended successfully as it was declined from callee.'),
  busyPhone: result(486, 560486, 'Call ended because remote PSTN participant was busy.'),
  busyUser: result(486, 8539, 'Callee busy.'),
  notAnswered: result(
    487,
    10004,
    "Call was canceled on timeout, as target user didn't accept or reject it on time.",
  ),
  canceled: result(400, 8508, 'Action failed, the operation was canceled.'),
  maxTonesReceived: result(200, 8531, 'Action completed, max digits received.'),
  stopToneDetected: result(200, 8514, 'Action completed as stop tone was detected.'),
  dtmfOptionMatched: result(200, 8533, 'Action completed, DTMF option matched.'),
  speechOptionMatched: result(200, 8545, 'Action completed, speech option matched.'),
  speechRecognized: result(200, 8569, 'Action completed, speech was recognized.'),
  interToneTimeout: result(400, 8532, 'Action failed, inter-digit silence timeout reached.'),
  initialSilenceTimeout: result(400, 8510, 'Action failed, initial silence timeout reached.'),
  incorrectTone: result(500, 8534, 'Action failed, incorrect tone entered.'),
  phraseNotMatched: result(400, 8547, 'Action failed, recognized phrase does not match a valid option.'),
  playPromptFailed: result(500, 8511, 'Action failed, encountered failure while trying to play the prompt.'),
  fileDownloadFailed: result(400, 8536, 'Action failed, file could not be downloaded.'),
  participantNotPresent: result(404, 8558, 'Participant is not present in the call.'),
  invitationNotPending: result(400, 8523, 'Invitation not found or no longer pending.'),
} as const;
