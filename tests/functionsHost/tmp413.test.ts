import { test, expect } from 'vitest';
import path from 'node:path';
import { request } from 'node:http';
import { startFunctionsHost } from '../../local/functionsHost/startFunctionsHost';
test('big', async () => {
  const host = await startFunctionsHost({ appRoot: path.resolve('tests/fixtures/functionsHost'), log: () => {} });
  for (let i = 0; i < 5; i++) {
    const r = await fetch(host.url + '/api/echo/text', { method: 'POST', body: 'x'.repeat(5_000_000) });
    expect(r.status).toBe(413); await r.text();
  }
  // chunked, fast, 4 MB without pauses
  for (let i = 0; i < 5; i++) {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(host.url + '/api/echo/text', { method: 'POST', agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode!)); });
      req.on('error', reject);
      for (let j = 0; j < 64; j++) req.write(Buffer.alloc(65536, 'a'));
      req.end();
    });
    expect(status).toBe(413);
  }
  // streamed body via fetch with duplex
  const stream = new ReadableStream({ start(c) { for (let j = 0; j < 20; j++) c.enqueue(new Uint8Array(65536)); c.close(); } });
  const r = await fetch(host.url + '/api/echo/text', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
  expect(r.status).toBe(413);
  const t0 = Date.now(); await host.close(); console.log('close ms', Date.now() - t0);
});
