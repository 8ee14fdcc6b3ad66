import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The cheapest possible answer over the same loopback HTTP/1.1 keep-alive path: what any endpoint
 * costs before it does any work. Its own process, like the host, so it does not share the load
 * generator's event loop. Prints `{"url":...}` once listening.
 */
const body = JSON.stringify({ status: 'ok' });
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.once('SIGINT', () => server.close(() => process.exit(0)));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
