import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionsHost, type FunctionsHost } from '../../local/functionsHost/startFunctionsHost';
import { startBanner } from '../../local/startBanner';

/** An app with functions the Azure Functions host refuses (see registrationRules.test.ts). */
const REFUSED_APP = path.resolve(__dirname, '../fixtures/functionsHost/refused');

let host: FunctionsHost;
beforeAll(async () => {
  host = await startFunctionsHost({ appRoot: REFUSED_APP, log: () => undefined });
});
afterAll(async () => {
  await host?.close();
});

describe('the npm start banner', () => {
  it('says how many functions are in error, each in the host’s words, before how to try it', () => {
    const banner = startBanner(
      { url: host.url, issuer: 'http://issuer', functionErrors: host.functionErrors },
      undefined,
    );
    const lines = banner.split('\n');
    const header = lines.indexOf(
      `${host.functionErrors.length} function(s) in error: not served here (404), and Azure refuses them too:`,
    );
    expect(host.functionErrors.length).toBeGreaterThan(1);
    expect(header).toBeGreaterThan(0);
    expect(lines.slice(header + 1, header + 1 + host.functionErrors.length)).toEqual(
      host.functionErrors.map((error) => `  The '${error.name}' function is in error: ${error.message}`),
    );
    expect(lines).toContain(
      "  The 'adminThings' function is in error: The specified route conflicts with one or more built in routes.",
    );
    expect(lines.indexOf('Try it:')).toBeGreaterThan(header + host.functionErrors.length);
  });

  it('has no such lines when every function registered', () => {
    const banner = startBanner({ url: host.url, issuer: 'http://issuer', functionErrors: [] }, '/data');
    expect(banner).not.toContain('in error');
    expect(banner).toContain(`ACS trusted service running at ${host.url}/api`);
    expect(banner).toContain('  data:          /data');
  });
});
