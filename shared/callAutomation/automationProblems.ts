import { badRequest, conflict, forbidden, notFound, unauthorized } from '../errors/serviceError';

/** The problems Call Automation answers with, each with the stable code clients branch on. */
export const automationProblems = {
  notConfigured: () =>
    notFound('Call Automation is not set up on this deployment (CALLBACK_BASE_URL is not set).', {
      code: 'CallAutomationNotConfigured',
    }),
  notConnected: () =>
    conflict('The service is not connected to this call (connect first, or wait for it to connect).', {
      code: 'CallNotConnected',
    }),
  noConnection: () => notFound('The service has no connection to this call.', { code: 'NotConnected' }),
  teamsNotSupported: () =>
    conflict('Call Automation cannot join a Teams meeting by its link.', { code: 'TeamsCallNotSupported' }),
  pstnRoleRequired: () =>
    forbidden('Calling phone numbers needs the PSTN role.', { code: 'PstnRoleRequired' }),
  unknownPrompt: (path: string) =>
    badRequest('No prompt of the catalog has that id.', {
      code: 'UnknownPrompt',
      errors: [{ path, message: 'is not in the prompt catalog' }],
    }),
  unknownParticipant: () =>
    badRequest('No participant of this call has that id.', {
      code: 'UnknownParticipant',
      errors: [{ path: '/participantId', message: 'is not a participant of this call' }],
    }),
  participantNotFound: () =>
    notFound('No participant of this call has that id.', { code: 'ParticipantNotFound' }),
  notInvited: () =>
    badRequest('Only the call’s invitees can be added by subject.', {
      code: 'SubjectNotInvited',
      errors: [{ path: '/subjectId', message: 'is not invited to this call' }],
    }),
  noIdentity: () =>
    conflict('The subject has no ACS identity yet (they have never signed in).', {
      code: 'SubjectHasNoIdentity',
    }),
  unknownCallerId: () =>
    badRequest('The caller id must be one of the resource’s phone numbers that can call out.', {
      code: 'UnknownCallerId',
      errors: [{ path: '/callerId', message: 'is not an outbound-capable number of this resource' }],
    }),
  noCallerId: () =>
    conflict('The resource owns no phone number that can call out.', { code: 'NoCallerIdNumber' }),
  operationNotFound: () => notFound('No such operation on this call.', { code: 'OperationNotFound' }),
  participantBusy: () =>
    conflict('This participant is being added by another request; try again.', {
      code: 'ParticipantBeingAdded',
    }),
  rejectedByAcs: (what: string) =>
    conflict(`Azure Communication Services refused to ${what}.`, { code: 'RejectedByAcs' }),
  callbackRefused: () => unauthorized('The callback is not bound to this connection.'),
};
