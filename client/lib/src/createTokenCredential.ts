import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import type { AcsTrustedClient } from './createAcsTrustedClient.js';
import type { OperationBody, OperationResult } from './operationTypes.js';

type TokenRequest = NonNullable<OperationBody<'issueToken'>>;

export interface TokenCredentialOptions {
  /** The scopes the app needs, and no more (the service's allow-list bounds them). Default: the service's (`voip`). */
  scopes?: TokenRequest['scopes'];
  /** One of the caller's identities; default: the caller's default identity. */
  communicationUserId?: string;
  expiresInMinutes?: number;
  /** A token the app already holds (say, from `issueToken`), so the first use costs no request. */
  initialToken?: string;
  /**
   * Told of every token the service issues to the credential (its identity, scopes and expiry), the first
   * and each refresh: a page can show them, an app can log when refreshes happen. Not told of `initialToken`.
   */
  onToken?: (issued: OperationResult<'issueToken'>) => void;
}

/** The SDK hands over its own abort signal type: follow it with a DOM one that fetch accepts. */
function followed(
  signal: { aborted: boolean; addEventListener: AbortSignal['addEventListener'] } | undefined,
) {
  if (!signal) return undefined;
  const controller = new AbortController();
  if (signal.aborted) controller.abort();
  else signal.addEventListener('abort', () => controller.abort(), { once: true });
  return controller.signal;
}

/**
 * The credential the ACS Calling and Chat SDKs take, fed by this service: its refresher asks
 * `POST /api/token` for the scopes the app needs, and it refreshes before the token expires
 * (`refreshProactively`), so a call in progress never meets an expired token. Dispose it on sign-out.
 */
export function createTokenCredential(
  client: AcsTrustedClient,
  options: TokenCredentialOptions = {},
): AzureCommunicationTokenCredential {
  const body: TokenRequest = {
    ...(options.scopes ? { scopes: options.scopes } : {}),
    ...(options.communicationUserId ? { communicationUserId: options.communicationUserId } : {}),
    ...(options.expiresInMinutes ? { expiresInMinutes: options.expiresInMinutes } : {}),
  };
  return new AzureCommunicationTokenCredential({
    tokenRefresher: async (abortSignal) => {
      const signal = followed(abortSignal);
      const issued = await client.issueToken({ body, ...(signal ? { signal } : {}) });
      options.onToken?.(issued);
      return issued.token;
    },
    refreshProactively: true,
    ...(options.initialToken ? { token: options.initialToken } : {}),
  });
}
