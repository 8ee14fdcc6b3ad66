import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Certificate } from './selfSignedCertificate';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
}

export interface BearerRecordingServer {
  /** https://127.0.0.1:PORT/ */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const acsIdentityId = '8:acs:00000000-0000-0000-0000-000000000001_00000000-0000-0000-0000-000000000002';

/**
 * Stands where ACS or Table Storage would, only to see what the SDKs send: it records each request's
 * Authorization header and answers as those services do for the few calls the tests make
 * (`POST /identities` 201, an unknown identity or entity 404).
 */
export async function startBearerRecordingServer(certificate: Certificate): Promise<BearerRecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(certificate, (request, response) => {
    request.resume();
    request.on('end', () => {
      const path = request.url ?? '/';
      requests.push({
        method: request.method ?? '',
        path,
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      });
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.method === 'POST' && path.startsWith('/identities?'))
        return send(201, { identity: { id: acsIdentityId } });
      if (path.startsWith('/identities/')) {
        return send(404, { error: { code: 'IdentityNotFound', message: 'Identity not found.' } });
      }
      return send(404, {
        'odata.error': {
          code: 'ResourceNotFound',
          message: { lang: 'en-US', value: 'The resource does not exist.' },
        },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
