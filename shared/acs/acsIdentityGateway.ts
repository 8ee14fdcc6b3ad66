import type { CommunicationIdentityClient } from '@azure/communication-identity';
import { forbidden, notFound } from '../errors/serviceError';
import type { AcsScope } from '../config/acsScopes';
import { acsFailure } from './acsFailure';
import type { AcsClientFactory } from './acsClientFactory';
import type { RetryPolicy } from '../retry/retryPolicy';
import { callAcs } from './callAcs';

export interface AcsToken {
  token: string;
  expiresOn: Date;
}

/** The ACS Identity operations the service uses, with retries, key refresh and errors mapped. */
export interface AcsIdentityGateway {
  createIdentity(): Promise<string>;
  /** One ACS call for a new identity and its first token (what a new user's first request needs). */
  createIdentityWithToken(
    scopes: AcsScope[],
    expiresInMinutes: number,
  ): Promise<{ communicationUserId: string; token: AcsToken }>;
  issueToken(communicationUserId: string, scopes: AcsScope[], expiresInMinutes: number): Promise<AcsToken>;
  revokeTokens(communicationUserId: string): Promise<void>;
  /** Deleting an identity ACS no longer knows is a success: the goal is reached. */
  deleteIdentity(communicationUserId: string): Promise<void>;
  exchangeTeamsToken(teamsUserAadToken: string, appId: string, userObjectId: string): Promise<AcsToken>;
  /** Proves ACS answers and accepts the key, without creating anything. */
  probe(): Promise<void>;
}

export function createAcsIdentityGateway(factory: AcsClientFactory, retry: RetryPolicy): AcsIdentityGateway {
  const call = <T>(operation: (client: CommunicationIdentityClient) => Promise<T>): Promise<T> =>
    callAcs(factory, retry, (clients) => operation(clients.identity));

  const user = (communicationUserId: string) => ({ communicationUserId });

  const orNotFound = async <T>(promise: Promise<T>): Promise<T> => {
    try {
      return await promise;
    } catch (error) {
      if (acsFailure(error)?.status === 404)
        throw notFound('The ACS identity does not exist.', { code: 'IdentityNotFound' });
      throw error;
    }
  };

  return {
    async createIdentity() {
      return (await call((client) => client.createUser())).communicationUserId;
    },
    async createIdentityWithToken(scopes, expiresInMinutes) {
      const created = await call((client) =>
        client.createUserAndToken(scopes, { tokenExpiresInMinutes: expiresInMinutes }),
      );
      return {
        communicationUserId: created.user.communicationUserId,
        token: { token: created.token, expiresOn: created.expiresOn },
      };
    },
    async issueToken(communicationUserId, scopes, expiresInMinutes) {
      const token = await orNotFound(
        call((client) =>
          client.getToken(user(communicationUserId), scopes, { tokenExpiresInMinutes: expiresInMinutes }),
        ),
      );
      return { token: token.token, expiresOn: token.expiresOn };
    },
    async revokeTokens(communicationUserId) {
      await orNotFound(call((client) => client.revokeTokens(user(communicationUserId))));
    },
    async deleteIdentity(communicationUserId) {
      try {
        await call((client) => client.deleteUser(user(communicationUserId)));
      } catch (error) {
        if (acsFailure(error)?.status !== 404) throw error;
      }
    },
    async exchangeTeamsToken(teamsUserAadToken, appId, userObjectId) {
      try {
        const token = await call((client) =>
          client.getTokenForTeamsUser({ teamsUserAadToken, clientId: appId, userObjectId }),
        );
        return { token: token.token, expiresOn: token.expiresOn };
      } catch (error) {
        const status = acsFailure(error)?.status;
        if (status !== undefined && status >= 400 && status < 500) {
          throw forbidden('ACS did not accept the Teams user token.', { code: 'TeamsTokenRejected' });
        }
        throw error;
      }
    },
    async probe() {
      // Asking for a token of an identity that cannot exist costs nothing: 404 means ACS is up and
      // accepted our key.
      try {
        await call((client) =>
          client.getToken(user('8:acs:00000000-0000-0000-0000-000000000000_health-probe'), ['voip']),
        );
      } catch (error) {
        const status = acsFailure(error)?.status;
        if (status === 404 || status === 400) return;
        throw error;
      }
    },
  };
}
