import { createServer } from 'node:net';

/**
 * A port that was free a moment ago. The dev issuer's URL (and so the app's AUTH_ISSUER) must be
 * known before the app loads, which is before the host listens.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
