import { isRestError } from '@azure/core-rest-pipeline';
import { dependencyUnavailable } from '../errors/serviceError';

/** The HTTP status of a Table Storage error (the OData code sits elsewhere: branch on status). */
export function storageStatus(error: unknown): number | undefined {
  // isRestError checks by name: the SDKs may each bundle their own copy of the class.
  return isRestError(error) ? error.statusCode : undefined;
}

export const isConflict = (error: unknown) => storageStatus(error) === 409;
export const isPreconditionFailed = (error: unknown) => storageStatus(error) === 412;
export const isNotFound = (error: unknown) => storageStatus(error) === 404;

/**
 * Storage that is down, throttling or unreachable becomes a 503 the client may retry; any other
 * storage error is a bug of ours and stays unexpected.
 */
export function asStorageUnavailable(error: unknown): unknown {
  const status = storageStatus(error);
  const unreachable = isRestError(error) && status === undefined;
  if (unreachable || status === 429 || status === 408 || (status !== undefined && status >= 500)) {
    return dependencyUnavailable('Table Storage is unavailable.', {
      retryAfterSeconds: 5,
      code: 'StorageUnavailable',
    });
  }
  return error;
}
