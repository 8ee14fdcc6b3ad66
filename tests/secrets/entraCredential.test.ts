import { systemClock } from '../../shared/time/clock';
import { realSleep } from '../../shared/time/sleep';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAcsClientFactory } from '../../shared/acs/acsClientFactory';
import { createAcsIdentityGateway } from '../../shared/acs/acsIdentityGateway';
import { createAppServices } from '../../shared/composition/createAppServices';
import { loadConfig } from '../../shared/config/loadConfig';
import { staticTestCredential } from '../support/keyVaultTestServer';
import { uniqueTablePrefix } from '../support/testStack';
import { startBearerRecordingServer, type BearerRecordingServer } from './bearerRecordingServer';
import { canMakeCertificates, selfSignedCertificate } from './selfSignedCertificate';

/*
 * What can be checked without Azure: that with ACS_AUTH=entra and TABLES_ENDPOINT the real SDK
 * clients send a bearer token from the injected credential, for the right resource, and nothing
 * signed with a key. Whether Azure accepts that token is Azure's business.
 *
 * The SDKs refuse to send a bearer token over plain http, whatever allowInsecureConnection says, so
 * the stand-in listens on loopback https with a throwaway certificate. The app has no setting to
 * trust a test CA (nor should it), so certificate checks are off in this test process only.
 */
const haveOpenssl = canMakeCertificates();
let server: BearerRecordingServer;
let previousTlsSetting: string | undefined;
const bearer = 'entra-test-token';

beforeAll(async () => {
  if (!haveOpenssl) return;
  previousTlsSetting = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  server = await startBearerRecordingServer(selfSignedCertificate());
});
afterAll(async () => {
  if (!haveOpenssl) return;
  if (previousTlsSetting === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previousTlsSetting;
  await server.close();
});

const entraConfig = () =>
  loadConfig({
    AUTH_ISSUER: 'http://127.0.0.1:9/unused',
    AUTH_AUDIENCE: 'api://tests',
    ACS_AUTH: 'entra',
    ACS_ENDPOINT: server.url,
    TABLES_ENDPOINT: `${server.url}devstoreaccount1`,
    TABLE_NAME_PREFIX: uniqueTablePrefix(),
    ACS_MAX_RETRIES: '0',
  });

describe.skipIf(!haveOpenssl)('Entra ID instead of keys', () => {
  it('creates an ACS identity with a bearer token from the injected credential', async () => {
    const config = entraConfig();
    const credential = staticTestCredential(bearer);
    const factory = createAcsClientFactory({ connection: config.acs.connection, credential: credential });
    const acs = createAcsIdentityGateway(factory, {
      maxRetries: 0,
      maxDelayMs: 10,
      sleep: realSleep,
      clock: systemClock,
    });
    const seen = server.requests.length;

    await expect(acs.createIdentity()).resolves.toMatch(/^8:acs:/);

    expect(server.requests.slice(seen)).toEqual([
      { method: 'POST', path: '/identities?api-version=2023-10-01', authorization: `Bearer ${bearer}` },
    ]);
    expect(credential.requests.map((request) => request.scopes)).toEqual([
      ['https://communication.azure.com//.default'],
    ]);
  });

  it('wires ACS and Table Storage to the credential in createAppServices, with no key anywhere', async () => {
    const config = entraConfig();
    expect(config.acs.connection).toEqual({ kind: 'entra', endpoint: server.url });
    expect(config.tables.connection).toEqual({ kind: 'entra', endpoint: `${server.url}devstoreaccount1` });
    const credential = staticTestCredential(bearer);
    const services = createAppServices(config, { credential });
    const seen = server.requests.length;

    // Both probes end in a 404 from the stand-in, which means "reachable and accepted".
    const health = await services.health();

    expect(health.checks).toMatchObject({ storage: { status: 'up' }, acs: { status: 'up' } });
    const sent = server.requests.slice(seen);
    expect(sent.map((request) => request.path)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/identities\/.+\/:issueAccessToken\?api-version=2023-10-01$/),
        expect.stringMatching(
          /^\/devstoreaccount1\/t[0-9a-f]+Subjects\(PartitionKey='health',RowKey='probe'\)/,
        ),
      ]),
    );
    expect(sent.map((request) => request.authorization)).toEqual(sent.map(() => `Bearer ${bearer}`));
    expect(new Set(credential.requests.flatMap((request) => request.scopes))).toEqual(
      new Set(['https://communication.azure.com//.default', 'https://storage.azure.com/.default']),
    );
  });
});
