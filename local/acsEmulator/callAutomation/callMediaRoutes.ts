import type { Route } from '../route';
import type { CallAutomationContext } from './callAutomationContext';
import { parseCallAutomationBody } from './callAutomationBody';
import {
  continuousDtmfRequestSchema,
  playRequestSchema,
  recognizeRequestSchema,
  sendDtmfTonesRequestSchema,
} from './callAutomationRequests';
import { callAutomationRoute, connectionPath } from './callAutomationRoute';
import {
  cancelAllMediaOperations,
  play,
  recognize,
  sendDtmfTones,
  startContinuousDtmf,
  stopContinuousDtmf,
} from './mediaOperations';
import type { RepeatableRequests } from './repeatableRequests';

/** Media in a call: play, recognize, cancel, continuous DTMF and sending DTMF. */
export function callMediaRoutes(ctx: CallAutomationContext, repeatable: RepeatableRequests): Route[] {
  const connectionOf = (params: Readonly<Record<string, string>>) =>
    ctx.registry.liveConnection(params['callConnectionId'] ?? '');
  return [
    callAutomationRoute('POST', connectionPath(':play'), 'play', async ({ params, body }) => {
      play(connectionOf(params), parseCallAutomationBody(body, playRequestSchema));
      return { status: 202 };
    }),
    callAutomationRoute('POST', connectionPath(':recognize'), 'recognize', async ({ params, body }) => {
      recognize(connectionOf(params), parseCallAutomationBody(body, recognizeRequestSchema));
      return { status: 202 };
    }),
    callAutomationRoute(
      'POST',
      connectionPath(':cancelAllMediaOperations'),
      'cancelAllMediaOperations',
      async ({ params }) => {
        cancelAllMediaOperations(connectionOf(params));
        return { status: 202 };
      },
    ),
    callAutomationRoute(
      'POST',
      connectionPath(':startContinuousDtmfRecognition'),
      'startContinuousDtmfRecognition',
      async ({ params, body }) => {
        startContinuousDtmf(connectionOf(params), parseCallAutomationBody(body, continuousDtmfRequestSchema));
        return { status: 200 };
      },
    ),
    callAutomationRoute(
      'POST',
      connectionPath(':stopContinuousDtmfRecognition'),
      'stopContinuousDtmfRecognition',
      async ({ params, body }) => {
        stopContinuousDtmf(connectionOf(params), parseCallAutomationBody(body, continuousDtmfRequestSchema));
        return { status: 200 };
      },
    ),
    callAutomationRoute(
      'POST',
      connectionPath(':sendDtmfTones'),
      'sendDtmfTones',
      ({ params, body, headers }) =>
        repeatable.run('sendDtmfTones', headers, async () => {
          const request = parseCallAutomationBody(body, sendDtmfTonesRequestSchema);
          sendDtmfTones(connectionOf(params), request);
          return { status: 202, body: { operationContext: request.operationContext } };
        }),
    ),
  ];
}
