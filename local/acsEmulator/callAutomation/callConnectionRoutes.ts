import type { Route } from '../route';
import type { CallAutomationContext } from './callAutomationContext';
import { parseCallAutomationBody } from './callAutomationBody';
import {
  answerCallRequestSchema,
  connectRequestSchema,
  createCallRequestSchema,
  redirectCallRequestSchema,
  rejectCallRequestSchema,
  transferRequestSchema,
} from './callAutomationRequests';
import { callAutomationRoute, connectionPath } from './callAutomationRoute';
import { disconnect, endCall } from './callLifecycle';
import { answerCall, connectCall, createCall, redirectCall, rejectCall } from './callSetup';
import { transferCall } from './participantOperations';
import type { RepeatableRequests } from './repeatableRequests';
import { results } from './resultInformation';

/** Placing, answering, joining, reading and ending calls: `/calling/callConnections...`. */
export function callConnectionRoutes(ctx: CallAutomationContext, repeatable: RepeatableRequests): Route[] {
  const connectionOf = (params: Readonly<Record<string, string>>) =>
    ctx.registry.liveConnection(params['callConnectionId'] ?? '');
  return [
    callAutomationRoute('POST', /^\/calling\/callConnections$/, 'createCall', ({ body, headers }) =>
      repeatable.run('createCall', headers, async (requestId) => {
        const connection = createCall(ctx, parseCallAutomationBody(body, createCallRequestSchema), requestId);
        return { status: 201, body: connection.properties() };
      }),
    ),
    callAutomationRoute('POST', /^\/calling\/callConnections:answer$/, 'answerCall', ({ body, headers }) =>
      repeatable.run('answerCall', headers, async (requestId) => {
        const connection = answerCall(ctx, parseCallAutomationBody(body, answerCallRequestSchema), requestId);
        return { status: 200, body: connection.properties() };
      }),
    ),
    callAutomationRoute(
      'POST',
      /^\/calling\/callConnections:redirect$/,
      'redirectCall',
      ({ body, headers }) =>
        repeatable.run('redirectCall', headers, async () => {
          redirectCall(ctx, parseCallAutomationBody(body, redirectCallRequestSchema));
          return { status: 204 };
        }),
    ),
    callAutomationRoute('POST', /^\/calling\/callConnections:reject$/, 'rejectCall', ({ body, headers }) =>
      repeatable.run('rejectCall', headers, async () => {
        rejectCall(ctx, parseCallAutomationBody(body, rejectCallRequestSchema));
        return { status: 204 };
      }),
    ),
    callAutomationRoute('POST', /^\/calling\/callConnections:connect$/, 'connectCall', ({ body, headers }) =>
      repeatable.run('connectCall', headers, async (requestId) => {
        const connection = connectCall(ctx, parseCallAutomationBody(body, connectRequestSchema), requestId);
        return { status: 200, body: connection.properties() };
      }),
    ),
    callAutomationRoute('GET', connectionPath(), 'getCall', async ({ params }) => ({
      status: 200,
      body: connectionOf(params).properties(),
    })),
    callAutomationRoute('DELETE', connectionPath(), 'hangUpCall', async ({ params }) => {
      disconnect(ctx, connectionOf(params), results.endedByApi);
      return { status: 204 };
    }),
    callAutomationRoute('POST', connectionPath(':terminate'), 'terminateCall', ({ params, headers }) =>
      repeatable.run('terminateCall', headers, async () => {
        endCall(ctx, connectionOf(params).serverCall, results.endedByApi);
        return { status: 204 };
      }),
    ),
    callAutomationRoute(
      'POST',
      connectionPath(':transferToParticipant'),
      'transferCall',
      ({ params, body, headers }) =>
        repeatable.run('transferCall', headers, async () => {
          const request = parseCallAutomationBody(body, transferRequestSchema);
          transferCall(ctx, connectionOf(params), request);
          return { status: 202, body: { operationContext: request.operationContext } };
        }),
    ),
  ];
}
