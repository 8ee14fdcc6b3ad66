import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallAutomationClient } from '@azure/communication-call-automation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';
import { callAutomationClient } from './acsTestClients';
import { shortType, startCallbackReceiver, waitFor, type CallbackReceiver } from './callbackReceiver';

interface GridPost {
  headers: IncomingHttpHeaders;
  events: Array<{
    id: string;
    eventType: string;
    subject: string;
    topic: string;
    data: Record<string, unknown>;
  }>;
}

/** A webhook like the service's Event Grid endpoint: it echoes the validation code only to an authenticated POST. */
async function startEventGridEndpoint(expectedAuthorization: string | undefined) {
  const posts: GridPost[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const events = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GridPost['events'];
      posts.push({ headers: req.headers, events });
      if (expectedAuthorization !== undefined && req.headers.authorization !== expectedAuthorization) {
        res.writeHead(401).end();
        return;
      }
      const validation = events[0]?.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent';
      if (validation && req.headers['aeg-event-type'] === 'SubscriptionValidation') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ validationResponse: events[0]?.data['validationCode'] }));
        return;
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/callautomation/incoming-calls`,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let emulator: AcsEmulator;
let client: CallAutomationClient;
let receiver: CallbackReceiver;
let grid: Awaited<ReturnType<typeof startEventGridEndpoint>>;
/** A second resource whose subscription starts out pointing at an endpoint that never validates. */
let other: AcsEmulator;
let silent: Awaited<ReturnType<typeof startEventGridEndpoint>>;

beforeAll(async () => {
  silent = await startEventGridEndpoint('Bearer expected');
  other = await startAcsEmulator({ eventGridSubscription: { endpoint: silent.url } });
  emulator = await startAcsEmulator({
    timeScale: 0.01,
    callAutomation: {
      durations: { incomingCallTimeoutMs: 5000 },
      phoneNumbers: [{ phoneNumber: '+14255550100' }, { phoneNumber: '+14255550101', calling: 'outbound' }],
    },
  });
  client = callAutomationClient(emulator.connectionString());
  receiver = await startCallbackReceiver(emulator);
  grid = await startEventGridEndpoint('Bearer grid-token');
  const subscription = await emulator.setEventGridSubscription({
    endpoint: grid.url,
    authorization: async () => 'grid-token',
  });
  expect(subscription).toMatchObject({ validated: true, authenticated: true, validation: { status: 200 } });
});
afterAll(async () => {
  await Promise.all([emulator.close(), other.close()]);
  await Promise.all([receiver.close(), grid.close(), silent.close()]);
});

const incomingEvents = () =>
  grid.posts
    .flatMap((post) => post.events)
    .filter((event) => event.eventType === 'Microsoft.Communication.IncomingCall');

describe('the Event Grid subscription', () => {
  it('validated with the handshake: a SubscriptionValidationEvent carrying a code and a validation URL', () => {
    const [handshake] = grid.posts;
    expect(handshake?.headers).toMatchObject({
      'aeg-event-type': 'SubscriptionValidation',
      authorization: 'Bearer grid-token',
    });
    expect(handshake?.events[0]).toMatchObject({
      eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
      data: {
        validationCode: expect.any(String),
        validationUrl: expect.stringContaining('__emulator/event-grid/validate'),
      },
      metadataVersion: '1',
    });
  });

  it('stays unvalidated when the endpoint does not echo the code, unless its validation URL is opened', async () => {
    {
      const view = other.eventGridSubscription();
      expect(view).toMatchObject({ validated: false, validation: { status: 401 } });
      await expect(
        other.deliverIncomingCall({ from: '+14255550400', to: '+14255550100' }),
      ).rejects.toMatchObject({
        status: 409,
      });
      const validationUrl = silent.posts.at(-1)?.events[0]?.data['validationUrl'] as string;
      expect((await fetch(validationUrl)).status).toBe(200);
      expect(other.eventGridSubscription()).toMatchObject({ validated: true });
    }
  });
});

describe('incoming calls', () => {
  it('delivers IncomingCall to the subscription, and answerCall connects the caller', async () => {
    const delivered = await emulator.deliverIncomingCall({ from: '+14255550401', to: '+14255550100' });
    expect(delivered.delivery).toEqual({ status: 200 });
    const event = incomingEvents().at(-1);
    expect(grid.posts.at(-1)?.headers).toMatchObject({
      'aeg-event-type': 'Notification',
      authorization: 'Bearer grid-token',
    });
    expect(event).toMatchObject({
      subject: '/caller/4:+14255550401/recipient/4:+14255550100',
      topic: expect.stringContaining('Microsoft.Communication/communicationServices'),
      data: {
        to: { kind: 'phoneNumber', rawId: '4:+14255550100', phoneNumber: { value: '+14255550100' } },
        from: { kind: 'phoneNumber', rawId: '4:+14255550401', phoneNumber: { value: '+14255550401' } },
        serverCallId: delivered.serverCallId,
        incomingCallContext: delivered.incomingCallContext,
        correlationId: delivered.correlationId,
      },
    });

    const uri = receiver.callbackUri();
    const { callConnectionProperties } = await client.answerCall(delivered.incomingCallContext, uri);
    expect(callConnectionProperties).toMatchObject({
      serverCallId: delivered.serverCallId,
      correlationId: delivered.correlationId,
      answeredFor: { phoneNumber: '+14255550100' },
      source: { phoneNumber: '+14255550401' },
    });
    const updated = await receiver.waitForEvent(uri, (each) => shortType(each) === 'ParticipantsUpdated');
    expect(updated.data['participants']).toEqual([
      expect.objectContaining({ identifier: expect.objectContaining({ rawId: '4:+14255550401' }) }),
    ]);
    await expect(
      client.answerCall(delivered.incomingCallContext, receiver.callbackUri()),
    ).rejects.toMatchObject({
      statusCode: 409,
    });
  });

  it('redirects or rejects a ringing call; a context is good once, and an unknown one is refused', async () => {
    const redirected = await emulator.deliverIncomingCall({ from: '+14255550402', to: '+14255550100' });
    await client.redirectCall(redirected.incomingCallContext, {
      targetParticipant: { phoneNumber: '+14255550499' },
    });
    const rejected = await emulator.deliverIncomingCall({ from: '+14255550403', to: '+14255550100' });
    await client.rejectCall(rejected.incomingCallContext, { callRejectReason: 'busy' });
    expect(
      emulator
        .calls()
        .incomingCalls.filter((call) =>
          [redirected.serverCallId, rejected.serverCallId].includes(call.serverCallId),
        ),
    ).toEqual([
      expect.objectContaining({ state: 'redirected', redirectedTo: '4:+14255550499' }),
      expect.objectContaining({ state: 'rejected', rejectReason: 'busy' }),
    ]);
    await expect(
      client.answerCall(rejected.incomingCallContext, receiver.callbackUri()),
    ).rejects.toMatchObject({
      statusCode: 409,
    });
    await expect(client.answerCall('not-a-context', receiver.callbackUri())).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it('rings only owned numbers that take calls, and gives up on a call nobody answers', async () => {
    await expect(
      emulator.deliverIncomingCall({ from: '+14255550404', to: '+14255550777' }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      emulator.deliverIncomingCall({ from: '+14255550404', to: '+14255550101' }),
    ).rejects.toMatchObject({ status: 404 });
    const missed = await emulator.deliverIncomingCall({ from: '+14255550404', to: '+14255550100' });
    await waitFor(
      () =>
        emulator.calls().incomingCalls.find((call) => call.serverCallId === missed.serverCallId)?.state ===
        'missed',
    );
    await expect(client.answerCall(missed.incomingCallContext, receiver.callbackUri())).rejects.toMatchObject(
      {
        statusCode: 409,
      },
    );
  });

  it('takes the subscription and incoming calls over the control routes too', async () => {
    const endpoint = await startEventGridEndpoint('Bearer over-http');
    try {
      const control = (path: string, body: unknown) =>
        fetch(new URL(`__emulator/${path}`, other.url), { method: 'POST', body: JSON.stringify(body) });
      const subscribed = await control('event-grid/subscription', {
        endpoint: endpoint.url,
        authorization: 'over-http',
      });
      expect(await subscribed.json()).toMatchObject({ subscription: { validated: true } });
      const call = await control('incoming-calls', { from: '+14255550405', to: '+14255550100' });
      expect(call.status).toBe(200);
      expect(await call.json()).toMatchObject({
        incomingCallContext: expect.any(String),
        delivery: { status: 200 },
      });
      expect(endpoint.posts.at(-1)?.events[0]?.eventType).toBe('Microsoft.Communication.IncomingCall');
      expect((await control('incoming-calls', { from: 'nobody', to: '+14255550100' })).status).toBe(400);
    } finally {
      await endpoint.close();
    }
  });
});
