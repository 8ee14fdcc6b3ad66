import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionsHost, type FunctionsHost } from '../../local/functionsHost/startFunctionsHost';

/**
 * The local host refuses what the Azure Functions host refuses (see hostRegistrationRules.ts for the
 * host's sources), with the host's own log text; a refused function answers 404, the rest still runs.
 * The fixture's routePrefix is "v1", so nothing here depends on the default "api".
 */
const APP_ROOT = path.resolve(__dirname, '../fixtures/functionsHost/refused');

let host: FunctionsHost;
const logLines: string[] = [];

beforeAll(async () => {
  host = await startFunctionsHost({ appRoot: APP_ROOT, log: (line) => logLines.push(line) });
});

afterAll(async () => {
  await host?.close();
});

function errorOf(name: string): string | undefined {
  return host.functionErrors.find((error) => error.name === name)?.message;
}

async function statusOf(pathname: string, method = 'GET'): Promise<number> {
  const response = await fetch(`${host.url}${pathname}`, { method });
  await response.arrayBuffer();
  return response.status;
}

/** Refused with exactly this message, logged as the host logs it, and not served. */
async function expectRefused(name: string, message: string, pathname: string): Promise<void> {
  expect(errorOf(name), name).toBe(message);
  expect(logLines).toContain(`  The '${name}' function is in error: ${message}`);
  expect(host.functions.map((fn) => fn.name)).not.toContain(name);
  expect(await statusOf(pathname), pathname).toBe(404);
}

describe('reserved route prefixes', () => {
  const reserved = 'The specified route conflicts with one or more built in routes.';

  it('refuses routes starting with admin or runtime: trimmed of "/", any case, as a plain prefix', async () => {
    await expectRefused('adminThings', reserved, '/v1/admin/things');
    await expectRefused('runtimeStatus', reserved, '/v1/Runtime/status');
    await expectRefused('administration', reserved, '/v1/administration/x');
  });

  it('refuses a function without a route whose name (its route) starts with admin', async () => {
    await expectRefused('adminReport', reserved, '/v1/adminReport');
  });
});

describe('duplicate route and method', () => {
  it('refuses the later of two functions with the same route text and a shared method', async () => {
    await expectRefused(
      'listThingsAgain',
      "The route specified conflicts with the route defined by function 'listThings'.",
      '/v1/nothing-here',
    );
    expect(await (await fetch(`${host.url}/v1/things`)).text()).toBe('listThings');
    // Its POST went with it: the route now takes GET and DELETE only.
    const post = await fetch(`${host.url}/v1/things`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET']);
  });

  it('serves the same route for other methods, and templates that differ only in parameter names', async () => {
    expect(errorOf('deleteThings')).toBeUndefined();
    expect(await statusOf('/v1/things', 'DELETE')).toBe(204);
    expect(errorOf('patchThing')).toBeUndefined();
    expect(await (await fetch(`${host.url}/v1/things/7`, { method: 'PATCH' })).text()).toBe('patchThing');
    expect(await (await fetch(`${host.url}/v1/things/7`)).text()).toBe('thingById');
  });
});

describe('invalid route templates', () => {
  const creating = (name: string, template: string, reason: string) =>
    `An error occurred while creating the route with name '${name}' and template '${template}'. ${reason}`;

  it('refuses templates ASP.NET Core routing cannot parse, with its message', async () => {
    await expectRefused(
      'unclosed',
      creating(
        'unclosed',
        'v1/calls/{id',
        "There is an incomplete parameter in the route template. Check that each '{' character has a matching '}' character.",
      ),
      '/v1/calls/1',
    );
    const consecutive =
      "The route template separator character '/' cannot appear consecutively. It must be separated by either a parameter or a literal value.";
    await expectRefused('doubleSlash', creating('doubleSlash', 'v1/a//b', consecutive), '/v1/a/b');
    // The host joins prefix and route with '/', so a route that starts with one doubles it.
    await expectRefused('leadingSlash', creating('leadingSlash', 'v1//lead', consecutive), '/v1/lead');
    await expectRefused(
      'catchAllFirst',
      creating(
        'catchAllFirst',
        'v1/files/{*rest}/tail',
        'A catch-all parameter can only appear as the last segment of the route template.',
      ),
      '/v1/files/x/tail',
    );
    await expectRefused(
      'repeatedParameter',
      creating(
        'repeatedParameter',
        'v1/pair/{id}/{ID}',
        "The route parameter name 'ID' appears more than one time in the route template.",
      ),
      '/v1/pair/1/2',
    );
  });

  it('refuses a constraint ASP.NET Core does not know', async () => {
    await expectRefused(
      'unknownConstraint',
      creating(
        'unknownConstraint',
        'v1/items/{id:number}',
        "The constraint entry 'id' - 'number' on the route 'v1/items/{id:number}' could not be resolved by the constraint resolver of type 'DefaultInlineConstraintResolver'.",
      ),
      '/v1/items/1',
    );
  });
});

describe('function names', () => {
  it('refuses names that are not a letter then up to 127 letters, digits, _ or -, and "host"', async () => {
    await expectRefused('bad name', "'bad name' is not a valid function name.", '/v1/bad-name');
    await expectRefused('9lives', "'9lives' is not a valid function name.", '/v1/nine');
    await expectRefused('host', "'host' is not a valid function name.", '/v1/host-route');
    const tooLong = 'a'.repeat(129);
    await expectRefused(tooLong, `'${tooLong}' is not a valid function name.`, '/v1/long-name');
    expect(errorOf('b'.repeat(128))).toBeUndefined();
    expect(await statusOf('/v1/longest-name')).toBe(200);
  });
});

describe('the rest of the app', () => {
  it('is served, and the errors are reported in the order the host finds them, after the function list', async () => {
    expect(await (await fetch(`${host.url}/v1/ok`)).text()).toBe('ok');
    expect(host.functionErrors.map((error) => error.name)).toEqual([
      'adminThings',
      'runtimeStatus',
      'administration',
      'adminReport',
      'listThingsAgain',
      'bad name',
      '9lives',
      'host',
      'a'.repeat(129),
      'unclosed',
      'doubleSlash',
      'leadingSlash',
      'catchAllFirst',
      'repeatedParameter',
      'unknownConstraint',
    ]);
    const header = logLines.findIndex((line) => line.startsWith('15 function(s) in error'));
    expect(header).toBeGreaterThan(logLines.indexOf('Functions:'));
  });
});
