import { dependencyUnavailable } from '../errors/serviceError';
import { acsFailure } from './acsFailure';
import type { AcsClientFactory, AcsClients } from './acsClientFactory';
import type { RetryPolicy } from '../retry/retryPolicy';
import { withAcsRetry } from './acsRetry';

/**
 * Runs an ACS operation with bounded retries. A 401 means the key was rotated under us: read the
 * secret again and try once more, so a rotation needs no restart; a second 401 is a 503, since the
 * client can do nothing about our key.
 */
export async function callAcs<T>(
  factory: AcsClientFactory,
  retry: RetryPolicy,
  operation: (clients: AcsClients) => Promise<T>,
): Promise<T> {
  try {
    return await withAcsRetry(async () => operation(await factory.clients()), retry);
  } catch (error) {
    if (acsFailure(error)?.status !== 401) throw error;
    const refreshed = await factory.clients({ refresh: true });
    try {
      return await withAcsRetry(() => operation(refreshed), retry);
    } catch (retryError) {
      if (acsFailure(retryError)?.status === 401) {
        throw dependencyUnavailable('Azure Communication Services rejected the access key.', {
          retryAfterSeconds: 30,
          code: 'AcsKeyRejected',
        });
      }
      throw retryError;
    }
  }
}
