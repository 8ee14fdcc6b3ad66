import type { TokenCredential } from '@azure/core-auth';
import { z } from 'zod';
import { teamsMeetingLinkSchema } from '../calls/teamsMeetingLink';
import { dependencyUnavailable } from '../errors/serviceError';

export interface NewOnlineMeeting {
  subject: string;
  startsAt: Date;
  endsAt: Date;
}

export interface OnlineMeeting {
  meetingId: string;
  joinWebUrl: string;
}

/** Teams meetings the service creates itself, through Microsoft Graph. */
export interface OnlineMeetings {
  create(meeting: NewOnlineMeeting): Promise<OnlineMeeting>;
}

export interface GraphOnlineMeetingsOptions {
  /** With the version, e.g. https://graph.microsoft.com/v1.0 */
  baseUrl: string;
  /** The Entra user who organizes the meetings (the app needs an application access policy for them). */
  organizerUserId: string;
  credential: TokenCredential;
  fetch?: typeof fetch;
  maxRetries: number;
  maxRetryDelayMs: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const onlineMeetingResponseSchema = z.object({ id: z.string().min(1), joinWebUrl: teamsMeetingLinkSchema });

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `POST /users/{organizer}/onlineMeetings` with an app-only token for `<graph origin>/.default`.
 * 429 and 5xx are retried within the same bounds as ACS calls; anything else Graph says, or a token that
 * cannot be had, is a dependency the client cannot fix: 503.
 */
export function createGraphOnlineMeetings(options: GraphOnlineMeetingsOptions): OnlineMeetings {
  const fetchFn = options.fetch ?? fetch;
  const sleep = options.sleep ?? sleepFor;
  const base = options.baseUrl.replace(/\/+$/, '');
  const scope = `${new URL(base).origin}/.default`;
  const url = `${base}/users/${encodeURIComponent(options.organizerUserId)}/onlineMeetings`;

  const bearer = async (): Promise<string> => {
    try {
      const token = await options.credential.getToken(scope);
      if (token) return token.token;
    } catch {
      // The credential's message may name endpoints or tenants: the client learns only the outcome.
    }
    throw dependencyUnavailable('No token for Microsoft Graph could be obtained.', 30, 'GraphUnavailable');
  };

  /** undefined when Graph could not be reached at all (or did not answer in time). */
  const send = async (meeting: NewOnlineMeeting): Promise<Response | undefined> => {
    const authorization = `Bearer ${await bearer()}`;
    try {
      return await fetchFn(url, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({
          subject: meeting.subject,
          startDateTime: meeting.startsAt.toISOString(),
          endDateTime: meeting.endsAt.toISOString(),
        }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch {
      return undefined;
    }
  };

  return {
    async create(meeting) {
      for (let attempt = 0; ; attempt++) {
        const response = await send(meeting);
        if (response && (response.status === 200 || response.status === 201)) return parseMeeting(response);
        const transient = !response || response.status === 429 || response.status >= 500;
        const retryAfter = Number(response?.headers.get('retry-after') ?? Number.NaN);
        const waitMs = Number.isFinite(retryAfter)
          ? retryAfter * 1000
          : Math.min(options.maxRetryDelayMs, 100 * 2 ** attempt);
        await response?.body?.cancel().catch(() => undefined);
        if (!transient || attempt >= options.maxRetries || waitMs > options.maxRetryDelayMs) {
          throw dependencyUnavailable(
            'Microsoft Graph did not create the Teams meeting.',
            Math.max(1, Math.ceil(waitMs / 1000)),
            response?.status === 401 || response?.status === 403 ? 'GraphAccessDenied' : 'GraphUnavailable',
          );
        }
        await sleep(waitMs);
      }
    },
  };
}

async function parseMeeting(response: Response): Promise<OnlineMeeting> {
  const parsed = onlineMeetingResponseSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw dependencyUnavailable('Microsoft Graph answered with no usable join link.', 30, 'GraphUnavailable');
  }
  return { meetingId: parsed.data.id, joinWebUrl: parsed.data.joinWebUrl };
}
