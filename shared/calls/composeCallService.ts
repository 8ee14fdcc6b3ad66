import type { TokenCredential } from '@azure/core-auth';
import type { AcsClientFactory } from '../acs/acsClientFactory';
import { createAcsRoomsGateway } from '../acs/acsRoomsGateway';
import type { AppConfig } from '../config/appConfig';
import { createGraphOnlineMeetings } from '../graph/graphOnlineMeetings';
import type { IdentityService } from '../identity/identityService';
import type { IdentityStore } from '../identity/identityStore';
import type { TableClients } from '../storage/tableClients';
import type { TokenService } from '../tokens/tokenService';
import { createCallIndex } from './callIndex';
import { createCallService, type CallService } from './callService';
import { createCallStore } from './callStore';
import { subjectIdentitiesFrom } from './subjectIdentities';

export interface CallServiceParts {
  config: Pick<AppConfig, 'acs' | 'calls' | 'graph'>;
  tables: Pick<TableClients, 'Calls' | 'CallIndex'>;
  acsClients: AcsClientFactory;
  identities: IdentityService;
  identityStore: IdentityStore;
  tokens: TokenService;
  /** Asked for only when a Teams meeting is created, so that nothing waits on it otherwise. */
  graphCredential: () => TokenCredential;
  fetch?: typeof fetch;
  clock: () => Date;
}

/** The call service over the real tables, ACS Rooms and (when configured) Microsoft Graph. */
export function composeCallService(parts: CallServiceParts): CallService {
  const { config } = parts;
  const retry = { maxRetries: config.acs.maxRetries, maxRetryDelayMs: config.acs.maxRetryDelayMs };
  const onlineMeetings = config.graph
    ? createGraphOnlineMeetings({
        ...config.graph,
        ...retry,
        credential: { getToken: (scopes, options) => parts.graphCredential().getToken(scopes, options) },
        ...(parts.fetch ? { fetch: parts.fetch } : {}),
      })
    : undefined;
  return createCallService({
    store: createCallStore(parts.tables.Calls),
    index: createCallIndex(parts.tables.CallIndex),
    rooms: createAcsRoomsGateway(parts.acsClients, retry),
    ...(onlineMeetings ? { onlineMeetings } : {}),
    identities: parts.identities,
    subjectIdentities: subjectIdentitiesFrom(parts.identityStore),
    tokens: parts.tokens,
    limits: config.calls,
    clock: parts.clock,
  });
}
