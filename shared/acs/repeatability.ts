import { AsyncLocalStorage } from 'node:async_hooks';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/**
 * The repeatability headers of one logical ACS operation (the OASIS Repeatable Requests scheme ACS
 * implements): a request carrying an id ACS has seen is answered as the first one was, and nothing is done
 * twice. Stored with the operation before its first attempt, so every retry, in this process or a client's
 * retry of a request that crashed, sends the same pair.
 */
export interface RepeatabilityPin {
  requestId: string;
  /** When the operation was first sent: ACS ties the id to it. */
  firstSent: Date;
}

const requestIdHeader = 'Repeatability-Request-ID';
const firstSentHeader = 'Repeatability-First-Sent';

const pinned = new AsyncLocalStorage<RepeatabilityPin>();

/** Runs `operation` with every ACS request it makes carrying `pin` (see repeatabilityPolicy). */
export function withRepeatability<T>(pin: RepeatabilityPin, operation: () => Promise<T>): Promise<T> {
  return pinned.run(pin, operation);
}

/**
 * The Call Automation SDK generates a fresh Repeatability-Request-ID and First-Sent on every call, and
 * overwrites any passed in: a retry of a createCall or addParticipant that ACS had accepted (a timeout, a 503
 * from a gateway after the fact) would ring a phone twice. This policy runs on every try (perRetry) and, while
 * a pin is in scope, replaces the SDK's pair with the pinned one. Requests the SDK sends without the
 * headers (play, recognize, cancel) are left alone: ACS does not take them there.
 */
export const repeatabilityPolicy: PipelinePolicy = {
  name: 'pinnedRepeatability',
  sendRequest(request, next) {
    const pin = pinned.getStore();
    if (pin && request.headers.has(requestIdHeader)) {
      request.headers.set(requestIdHeader, pin.requestId);
      request.headers.set(firstSentHeader, pin.firstSent.toUTCString());
    }
    return next(request);
  },
};
