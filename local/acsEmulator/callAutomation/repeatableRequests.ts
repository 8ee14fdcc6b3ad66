import type { IncomingHttpHeaders } from 'node:http';
import { AcsError } from '../acsError';
import { acsErrorResponse, type EmulatorResponse } from '../emulatorResponse';
import { invalidRequest } from './callAutomationErrors';

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const maxRemembered = 10_000;

/**
 * Repeatable requests as ACS honours them: a request that repeats an earlier one's
 * Repeatability-Request-ID gets the first one's answer (success or refusal) and does nothing again:
 * no second call, no second invitation. An identical retry that arrives while the first is still
 * being handled waits for it. Answers are remembered per operation.
 */
export class RepeatableRequests {
  private readonly answers = new Map<string, Promise<EmulatorResponse>>();
  private replayCount = 0;

  async run(
    operation: string,
    headers: IncomingHttpHeaders,
    handle: (repeatabilityRequestId: string | undefined) => Promise<EmulatorResponse>,
  ): Promise<EmulatorResponse> {
    const requestId = single(headers['repeatability-request-id']);
    if (requestId === undefined) return handle(undefined);
    if (!guid.test(requestId)) throw invalidRequest('Repeatability-Request-ID must be a GUID.');
    const firstSent = single(headers['repeatability-first-sent']);
    if (firstSent !== undefined && Number.isNaN(Date.parse(firstSent))) {
      throw invalidRequest('Repeatability-First-Sent must be an HTTP date.');
    }
    const key = `${operation} ${requestId.toLowerCase()}`;
    const earlier = this.answers.get(key);
    if (earlier) {
      this.replayCount += 1;
      return structuredClone(await earlier);
    }
    const answer = handle(requestId).catch((error: unknown) => {
      if (error instanceof AcsError) return acsErrorResponse(error);
      this.answers.delete(key);
      throw error;
    });
    this.answers.set(key, answer);
    if (this.answers.size > maxRemembered) this.answers.delete(this.answers.keys().next().value ?? key);
    return structuredClone(await answer);
  }

  /** How many requests were answered from memory instead of being done again. */
  replays(): number {
    return this.replayCount;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
