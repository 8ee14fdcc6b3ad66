import { CommunicationIdentityClient } from '@azure/communication-identity';
import { runClosedLoop } from '../load/closedLoopLoad';
import type { LoadShape } from '../load/autocannonLoad';
import type { LoadResult } from '../load/loadResult';

/** The service's own client settings: plain http to the loopback emulator, SDK retries off. */
export function benchIdentityClient(connectionString: string): CommunicationIdentityClient {
  return new CommunicationIdentityClient(connectionString, {
    allowInsecureConnection: true,
    retryOptions: { maxRetries: 0 },
  });
}

/** `CommunicationIdentityClient.getToken` for existing identities, rotating through them. */
export async function measureAcsTokenFloor(connectionString: string, shape: LoadShape): Promise<LoadResult> {
  const client = benchIdentityClient(connectionString);
  const users = await Promise.all(Array.from({ length: 64 }, () => client.createUser()));
  return runClosedLoop('floor: ACS SDK getToken', shape, async (index) => {
    await client.getToken(users[index % users.length] as (typeof users)[number], ['voip']);
  });
}

/** `createUserAndToken`: a new identity and its first token in one ACS call, the least a first token needs. */
export async function measureAcsCreateUserFloor(
  connectionString: string,
  shape: LoadShape,
): Promise<LoadResult> {
  const client = benchIdentityClient(connectionString);
  return runClosedLoop('floor: ACS SDK createUserAndToken', shape, async () => {
    await client.createUserAndToken(['voip']);
  });
}
