import type { TokenCredential } from '@azure/core-auth';
import { z } from 'zod';
import { teamsMeetingLinkSchema } from './teamsMeetingLink';
import { dependencyUnavailable } from '../errors/serviceError';
import { HealthProbeFailure } from '../health/healthProbeFailure';
import { RetriesExhausted } from '../retry/retriesExhausted';
import { retryAfterSeconds } from '../retry/retryAfter';
import type { RetryPolicy } from '../retry/retryPolicy';
import { withRetries } from '../retry/withRetries';
import type { Clock } from '../time/clock';

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
  /**
   * Whether the service may create meetings for the organizer: a token can be had and Graph lets it list
   * the organizer's meetings (by a join link nobody has), which needs the same permission and application
   * access policy as creating one. Throws a HealthProbeFailure saying which is missing.
   */
  probe(): Promise<void>;
}

export interface GraphOnlineMeetingsOptions {
  /** With the version, e.g. https://graph.microsoft.com/v1.0 */
  baseUrl: string;
  /** The Entra user who organizes the meetings (the app needs an application access policy for them). */
  organizerUserId: string;
  credential: TokenCredential;
  retry: RetryPolicy;
  clock: Clock;
  fetch?: typeof fetch | undefined;
  timeoutMs?: number;
}

const onlineMeetingResponseSchema = z.object({ id: z.string().min(1), joinWebUrl: teamsMeetingLinkSchema });

/** Graph answered 429 or 5xx, or could not be reached: worth another try. */
class TransientGraphFailure extends Error {
  constructor(readonly retryAfterSeconds: number | undefined) {
    super('Microsoft Graph is unavailable.');
  }
}

/**
 * `POST /users/{organizer}/onlineMeetings` with an app-only token for `<graph origin>/.default`.
 * 429 and 5xx are retried within the same policy as ACS calls; anything else Graph says, or a token that
 * cannot be had, is a dependency the client cannot fix: 503.
 */
export function createGraphOnlineMeetings(options: GraphOnlineMeetingsOptions): OnlineMeetings {
  const fetchFn = options.fetch ?? fetch;
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
    throw dependencyUnavailable('No token for Microsoft Graph could be obtained.', {
      retryAfterSeconds: 30,
      code: 'GraphUnavailable',
    });
  };

  const attempt = async (meeting: NewOnlineMeeting): Promise<OnlineMeeting> => {
    const authorization = `Bearer ${await bearer()}`;
    let response: Response;
    try {
      response = await fetchFn(url, {
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
      throw new TransientGraphFailure(undefined);
    }
    if (response.status === 200 || response.status === 201) return parseMeeting(response);
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 429 || response.status >= 500) {
      throw new TransientGraphFailure(
        retryAfterSeconds(response.headers.get('retry-after'), options.clock()),
      );
    }
    throw dependencyUnavailable('Microsoft Graph did not create the Teams meeting.', {
      retryAfterSeconds: 30,
      code: response.status === 401 || response.status === 403 ? 'GraphAccessDenied' : 'GraphUnavailable',
    });
  };

  const probe = async () => {
    let authorization: string;
    try {
      authorization = `Bearer ${await bearer()}`;
    } catch {
      throw new HealthProbeFailure('no token for Microsoft Graph');
    }
    const filter = `JoinWebUrl eq 'https://teams.microsoft.com/l/meetup-join/health-probe'`;
    let response: Response;
    try {
      response = await fetchFn(`${url}?$filter=${encodeURIComponent(filter)}`, {
        headers: { authorization },
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch {
      throw new HealthProbeFailure('unreachable');
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return;
    throw new HealthProbeFailure(
      response.status === 401 || response.status === 403
        ? 'configured but not authorized (OnlineMeetings.ReadWrite.All and an application access policy for the organizer)'
        : `answered ${response.status}`,
    );
  };

  return {
    probe,
    async create(meeting) {
      try {
        return await withRetries(
          () => attempt(meeting),
          (error) =>
            error instanceof TransientGraphFailure
              ? { retryAfterSeconds: error.retryAfterSeconds }
              : undefined,
          options.retry,
        );
      } catch (error) {
        if (!(error instanceof RetriesExhausted)) throw error;
        throw dependencyUnavailable('Microsoft Graph did not create the Teams meeting.', {
          retryAfterSeconds: error.retryAfterSeconds,
          code: 'GraphUnavailable',
        });
      }
    },
  };
}

async function parseMeeting(response: Response): Promise<OnlineMeeting> {
  const parsed = onlineMeetingResponseSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw dependencyUnavailable('Microsoft Graph answered with no usable join link.', {
      retryAfterSeconds: 30,
      code: 'GraphUnavailable',
    });
  }
  return { meetingId: parsed.data.id, joinWebUrl: parsed.data.joinWebUrl };
}
