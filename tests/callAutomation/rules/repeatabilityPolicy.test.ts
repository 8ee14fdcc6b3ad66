import { createHttpHeaders, createPipelineRequest, type PipelineRequest } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { repeatabilityPolicy, withRepeatability } from '../../../shared/acs/repeatability';

/** Runs the policy on a request as the SDK would send it, and returns what went on the wire. */
async function sent(headers: Record<string, string>): Promise<PipelineRequest> {
  const request = createPipelineRequest({ url: 'http://127.0.0.1/', headers: createHttpHeaders(headers) });
  let wire: PipelineRequest | undefined;
  await repeatabilityPolicy.sendRequest(request, async (outgoing) => {
    wire = outgoing;
    return { request: outgoing, status: 202, headers: createHttpHeaders() };
  });
  return wire!;
}

describe('the repeatability policy', () => {
  const sdkHeaders = {
    'Repeatability-Request-ID': 'fresh-from-the-sdk',
    'Repeatability-First-Sent': 'Thu, 01 Jan 2026 00:00:09 GMT',
  };
  const pin = {
    requestId: '11111111-1111-4111-8111-111111111111',
    firstSent: new Date('2026-01-01T00:00:00Z'),
  };

  it('replaces the SDK’s fresh pair with the pinned one, on every try', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const request = await withRepeatability(pin, () => sent(sdkHeaders));
      expect(request.headers.get('repeatability-request-id')).toBe(pin.requestId);
      expect(request.headers.get('repeatability-first-sent')).toBe('Thu, 01 Jan 2026 00:00:00 GMT');
    }
  });

  it('leaves requests alone outside a pin, and adds nothing to requests ACS takes no pair on', async () => {
    expect((await sent(sdkHeaders)).headers.get('repeatability-request-id')).toBe('fresh-from-the-sdk');
    const play = await withRepeatability(pin, () => sent({}));
    expect(play.headers.has('repeatability-request-id')).toBe(false);
  });
});
