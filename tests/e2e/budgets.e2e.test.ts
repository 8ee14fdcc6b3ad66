import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../support/localService';

let service: LocalService;
beforeAll(async () => {
  service = await startLocalService({
    SUBJECT_ACS_BUDGET_PER_MINUTE: '3',
    ADMIN_ACS_BUDGET_PER_MINUTE: '6',
    INCOMING_CALL_BUDGET_PER_MINUTE: '5',
    TOKEN_HIT_FLOOD_PER_MINUTE: '3',
  });
});
afterAll(() => service.stop());

describe('the per-subject ACS budget', () => {
  it('lets a user create 3 Rooms a minute, then 429 with Retry-After and nothing created', async () => {
    const token = await service.signIn('room-spammer');
    // Bad input spends nothing: it is refused before the budget is counted.
    const bad = await service.request('POST', '/api/calls', {
      token,
      body: { kind: 'room', title: 'x\u0007' },
    });
    expect(bad.status).toBe(400);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await service.request('POST', '/api/calls', { token, body: { kind: 'room' } })).status);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    const refused = await service.request('POST', '/api/calls', { token, body: { kind: 'room' } });
    expect(refused.body).toMatchObject({ status: 429, code: 'AcsBudgetExceeded' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const listed = await service.request<{ calls: unknown[] }>('GET', '/api/calls', { token });
    expect(listed.body.calls).toHaveLength(3);
  });

  it('is the subject’s own: another user is not held back by it', async () => {
    const token = await service.signIn('bystander');
    expect((await service.request('POST', '/api/calls', { token, body: {} })).status).toBe(201);
  });
});

describe('the incoming-call budget', () => {
  it('is Event Grid’s own, not a user’s: 5 deliveries a minute here, then 429', async () => {
    // Not `event-grid`, the subject npm start's own subscription handshake already spent one delivery of.
    const token = await service.signIn('event-grid-2', { roles: ['IncomingCall.Deliver'] });
    // An event the service does not take: answered with 200 and ignored, and it reaches no ACS.
    const delivery = () =>
      service.request<{ ignored?: number; code?: string }>('POST', '/api/callautomation/incoming-calls', {
        token,
        headers: { 'aeg-event-type': 'Notification' },
        body: [
          {
            id: crypto.randomUUID(),
            subject: 'elsewhere',
            eventType: 'Contoso.Other',
            eventTime: new Date(0).toISOString(),
            data: {},
            dataVersion: '1',
          },
        ],
      });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await delivery());
    // More than a user's 3 a minute get through.
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers[0]!.body).toMatchObject({ ignored: 1 });
    expect(answers[5]!.body).toMatchObject({ code: 'IncomingCallBudgetExceeded' });
    expect(Number(answers[5]!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('the per-instance flood guard on cached tokens', () => {
  it('serves a subject 3 cached tokens a minute, then 429 TokenRequestFlood with Retry-After, counted', async () => {
    const token = await service.signIn('hit-flooder');
    const admin = await service.signIn('flood-admin', { roles: ['admin'] });
    const metrics = async () =>
      (
        await service.request<{ tokens: { cacheHits: number; floodRefused: number } }>(
          'GET',
          '/api/manage/metrics',
          { token: admin },
        )
      ).body.tokens;
    expect((await service.request('POST', '/api/token', { token })).status).toBe(200);
    const before = await metrics();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await service.request('POST', '/api/token', { token })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await service.request('POST', '/api/token', { token });
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 429, code: 'TokenRequestFlood' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const after = await metrics();
    expect(after.cacheHits - before.cacheHits).toBe(3);
    expect(after.floodRefused - before.floodRefused).toBe(2);
  });
});
