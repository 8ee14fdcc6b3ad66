import type { Route } from '../route';
import type { CallAutomationContext } from './callAutomationContext';
import { parseCallAutomationBody } from './callAutomationBody';
import { notFoundThere } from './callAutomationErrors';
import {
  addParticipantRequestSchema,
  cancelAddParticipantRequestSchema,
  muteParticipantsRequestSchema,
  removeParticipantRequestSchema,
} from './callAutomationRequests';
import { callAutomationRoute, connectionPath } from './callAutomationRoute';
import { identifierModelOf } from './identifierModel';
import {
  addParticipant,
  cancelAddParticipant,
  muteParticipant,
  removeParticipant,
} from './participantOperations';
import type { RepeatableRequests } from './repeatableRequests';
import { participantModel } from './serverCall';

/** The roster of a call: `/calling/callConnections/{id}/participants...`. */
export function callParticipantRoutes(ctx: CallAutomationContext, repeatable: RepeatableRequests): Route[] {
  const connectionOf = (params: Readonly<Record<string, string>>) =>
    ctx.registry.liveConnection(params['callConnectionId'] ?? '');
  return [
    callAutomationRoute(
      'GET',
      connectionPath('/participants'),
      'listCallParticipants',
      async ({ params }) => ({
        status: 200,
        body: { value: connectionOf(params).serverCall.participantModels() },
      }),
    ),
    callAutomationRoute(
      'GET',
      /^\/calling\/callConnections\/(?<callConnectionId>[^/:]+)\/participants\/(?<rawId>[^/]+)$/,
      'getCallParticipant',
      async ({ params }) => {
        const participant = connectionOf(params).serverCall.participants.get(params['rawId'] ?? '');
        if (!participant) throw notFoundThere(`Participant ${params['rawId']} is not in the call.`);
        return { status: 200, body: participantModel(participant) };
      },
    ),
    callAutomationRoute(
      'POST',
      connectionPath('/participants:add'),
      'addParticipant',
      ({ params, body, headers }) =>
        repeatable.run('addParticipant', headers, async (requestId) => {
          const request = parseCallAutomationBody(body, addParticipantRequestSchema);
          const invitation = addParticipant(ctx, connectionOf(params), request, requestId);
          return {
            status: 202,
            body: {
              participant: {
                identifier: identifierModelOf(invitation.target),
                isMuted: false,
                isOnHold: false,
              },
              operationContext: request.operationContext,
              invitationId: invitation.invitationId,
            },
          };
        }),
    ),
    callAutomationRoute(
      'POST',
      connectionPath('/participants:remove'),
      'removeParticipant',
      ({ params, body, headers }) =>
        repeatable.run('removeParticipant', headers, async () => {
          const request = parseCallAutomationBody(body, removeParticipantRequestSchema);
          removeParticipant(ctx, connectionOf(params), request);
          return { status: 202, body: { operationContext: request.operationContext } };
        }),
    ),
    callAutomationRoute(
      'POST',
      connectionPath('/participants:mute'),
      'muteParticipant',
      ({ params, body, headers }) =>
        repeatable.run('muteParticipant', headers, async () => {
          const request = parseCallAutomationBody(body, muteParticipantsRequestSchema);
          muteParticipant(ctx, connectionOf(params), request);
          return { status: 200, body: { operationContext: request.operationContext } };
        }),
    ),
    callAutomationRoute(
      'POST',
      connectionPath('/participants:cancelAddParticipant'),
      'cancelAddParticipant',
      ({ params, body, headers }) =>
        repeatable.run('cancelAddParticipant', headers, async () => {
          const request = parseCallAutomationBody(body, cancelAddParticipantRequestSchema);
          cancelAddParticipant(ctx, connectionOf(params), request);
          return {
            status: 202,
            body: { invitationId: request.invitationId, operationContext: request.operationContext },
          };
        }),
    ),
  ];
}
