import type { AcsToken } from '../acs/acsIdentityGateway';
import type { AcsScope } from '../config/appSettingsSchema';

/**
 * Reuses ACS tokens, so that a client asking again soon does not cost an ACS call. An entry is
 * served only while it has enough lifetime left and never outlives what the request asked for.
 */
export interface TokenCache {
  find(communicationUserId: string, scopes: AcsScope[], latestExpiry: Date): Promise<AcsToken | undefined>;
  store(communicationUserId: string, scopes: AcsScope[], token: AcsToken): Promise<void>;
  /** After revoke, delete or erase: nothing cached for the identity may be served again. */
  invalidate(communicationUserId: string): Promise<void>;
}
