import { z } from 'zod';
import { badRequest } from '../acsError';
import { parseJsonBody } from '../requestBody';
import type { Route } from '../route';
import { callbackFaultSpecSchema } from './callbackFaults';
import type { CallAutomationControl } from './callAutomationControl';
import { mediaFaultSpecSchema } from './mediaFaults';
import { ownedPhoneNumberSpecSchema } from './ownedPhoneNumbers';
import { partySpecSchema } from './partyBehaviours';

const participantSchema = z.string().min(1).max(512);
const dtmfBodySchema = z.object({
  participant: participantSchema,
  tones: z.array(z.string().min(1)).min(1).max(100),
});
const speechBodySchema = z.object({ participant: participantSchema, phrase: z.string().min(1).max(1000) });
const joinBodySchema = z.object({ participant: participantSchema });
const incomingCallBodySchema = z.object({
  from: participantSchema,
  to: z.string().min(1).max(32),
  callerDisplayName: z.string().max(256).optional(),
});
const subscriptionBodySchema = z.object({
  endpoint: z.url(),
  /** A bearer token (or a whole `Bearer ...` value) sent on every delivery. */
  authorization: z.string().min(1).optional(),
});

/**
 * `/__emulator/...` for what a person or a test does on the far end of a call, and for watching it:
 * local only and unauthenticated, like the emulator's other control routes.
 */
export function callAutomationControlRoutes(control: CallAutomationControl): Route[] {
  const route = (method: string, pattern: RegExp, name: string, handle: Route['handle']): Route => ({
    method,
    pattern,
    operation: `control.${name}`,
    kind: 'control',
    handle,
  });
  const call = (suffix: string) => new RegExp(`^/__emulator/calls/(?<callConnectionId>[^/]+)/${suffix}$`);
  const id = (params: Readonly<Record<string, string>>) => params['callConnectionId'] ?? '';
  return [
    route('GET', /^\/__emulator\/calls$/, 'calls', async () => ({ status: 200, body: control.calls() })),
    route('POST', call('dtmf'), 'dtmf', async ({ params, body }) => {
      const { participant, tones } = parseJsonBody(body, dtmfBodySchema);
      return { status: 200, body: control.pressDtmf(id(params), participant, tones) };
    }),
    route('POST', call('speech'), 'speech', async ({ params, body }) => {
      const { participant, phrase } = parseJsonBody(body, speechBodySchema);
      return { status: 200, body: control.speak(id(params), participant, phrase) };
    }),
    route('POST', call('participants'), 'join', async ({ params, body }) => {
      control.joinCall(id(params), parseJsonBody(body, joinBodySchema).participant);
      return { status: 204 };
    }),
    route('DELETE', call('participants/(?<participant>[^/]+)'), 'hangUpParty', async ({ params }) => {
      control.hangUpParty(id(params), params['participant'] ?? '');
      return { status: 204 };
    }),
    route('GET', /^\/__emulator\/parties$/, 'parties', async () => ({
      status: 200,
      body: { parties: control.parties() },
    })),
    route('POST', /^\/__emulator\/parties$/, 'setParty', async ({ body }) => {
      control.setParty(parseJsonBody(body, partySpecSchema));
      return { status: 204 };
    }),
    route('POST', /^\/__emulator\/incoming-calls$/, 'incomingCall', async ({ body }) => ({
      status: 200,
      body: await control.deliverIncomingCall(parseJsonBody(body, incomingCallBodySchema)),
    })),
    route('GET', /^\/__emulator\/phone-numbers$/, 'phoneNumbers', async () => ({
      status: 200,
      body: { phoneNumbers: control.phoneNumbers() },
    })),
    route('POST', /^\/__emulator\/phone-numbers$/, 'addPhoneNumber', async ({ body }) => ({
      status: 200,
      body: control.addPhoneNumber(parseJsonBody(body, ownedPhoneNumberSpecSchema)),
    })),
    route('POST', /^\/__emulator\/callback-faults$/, 'callbackFaults', async ({ body }) => {
      control.injectCallbackFault(parseJsonBody(body, callbackFaultSpecSchema));
      return { status: 204 };
    }),
    route('POST', /^\/__emulator\/media-faults$/, 'mediaFaults', async ({ body }) => {
      control.injectMediaFault(parseJsonBody(body, mediaFaultSpecSchema));
      return { status: 204 };
    }),
    route('GET', /^\/__emulator\/event-grid\/subscription$/, 'eventGridSubscription', async () => ({
      status: 200,
      body: { subscription: control.eventGridSubscription() ?? null },
    })),
    route(
      'POST',
      /^\/__emulator\/event-grid\/subscription$/,
      'setEventGridSubscription',
      async ({ body }) => {
        const { endpoint, authorization } = parseJsonBody(body, subscriptionBodySchema);
        const subscription = await control.setEventGridSubscription({
          endpoint,
          ...(authorization ? { authorization: async () => authorization } : {}),
        });
        return { status: 200, body: { subscription } };
      },
    ),
    route(
      'GET',
      /^\/__emulator\/event-grid\/validate$/,
      'validateEventGridSubscription',
      async ({ query }) => {
        if (!control.validateEventGridSubscription(query.get('code') ?? '')) {
          throw badRequest('That validation code is not the one Event Grid sent.');
        }
        return { status: 200, body: { validated: true } };
      },
    ),
  ];
}
