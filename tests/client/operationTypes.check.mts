// Compiled by `npm run check`, never run: what the client's types accept and refuse, as an app meets them.
import { createAcsTrustedClient, type Call, type IssuedToken } from 'acs-trusted-client';

const client = createAcsTrustedClient({ baseUrl: '', getBearerToken: () => undefined });

export async function typesAsAnAppMeetsThem(): Promise<unknown[]> {
  const issued: IssuedToken = await client.issueToken();
  const call: Call = await client.getCall({ params: { id: 'a-call' } });
  await client.joinCall({ params: { id: call.id } });
  const revoked: undefined = await client.revokeTokens();
  // @ts-expect-error a route parameter is required
  await client.getCall();
  // @ts-expect-error a body is required
  await client.requestContact({});
  // @ts-expect-error a scope ACS does not know
  await client.issueToken({ body: { scopes: ['admin'] } });
  // @ts-expect-error an operation the service does not have
  await client.issueTokens();
  return [issued.token, revoked];
}
