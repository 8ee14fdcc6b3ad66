/**
 * Names of the ACS operations the emulator serves. They key request counts and fault targeting, so a
 * typo in a test's FaultSpec is rejected instead of silently never matching.
 */
export const acsOperations = [
  'createIdentity',
  'issueAccessToken',
  'revokeAccessTokens',
  'deleteIdentity',
  'exchangeTeamsUserAccessToken',
  'createRoom',
  'getRoom',
  'listRooms',
  'updateRoom',
  'deleteRoom',
  'listParticipants',
  'updateParticipants',
  'createCall',
  'answerCall',
  'redirectCall',
  'rejectCall',
  'connectCall',
  'getCall',
  'hangUpCall',
  'terminateCall',
  'transferCall',
  'listCallParticipants',
  'getCallParticipant',
  'addParticipant',
  'removeParticipant',
  'muteParticipant',
  'cancelAddParticipant',
  'play',
  'recognize',
  'cancelAllMediaOperations',
  'startContinuousDtmfRecognition',
  'stopContinuousDtmfRecognition',
  'sendDtmfTones',
  'listPhoneNumbers',
  'getPhoneNumber',
] as const;

export type AcsOperation = (typeof acsOperations)[number];
