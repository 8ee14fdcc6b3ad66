/** Values for replayed problem examples: well-formed, and naming nothing that exists in a fresh service. */
export const exampleValues = {
  communicationUserId: '8:acs:00000000-0000-0000-0000-000000000001_example-identity',
  subjectId: 'example-subject',
  callId: '00000000-0000-4000-8000-000000000001',
  operationId: '00000000-0000-4000-8000-000000000002',
  participantId: 'AAAAAAAAAAAAAAAAAAAAAA',
  bindingId: 'AAAAAAAAAAAAAAAAAAAAAA',
  promptId: 'example-prompt',
  phoneNumber: '+14255550199',
} as const;
