import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const DEFAULT_ROUTE_PREFIX = 'api';

/**
 * host.json `extensions.http.routePrefix`, as the Functions host reads it: "api" when absent, and an
 * empty string (a valid setting) means routes sit at the root. Slashes around it are ignored.
 */
export function readRoutePrefix(appRoot: string): string {
  const hostJsonPath = path.join(appRoot, 'host.json');
  if (!existsSync(hostJsonPath)) return DEFAULT_ROUTE_PREFIX;
  const hostJson: unknown = JSON.parse(readFileSync(hostJsonPath, 'utf8'));
  const prefix = property(property(property(hostJson, 'extensions'), 'http'), 'routePrefix');
  if (prefix === undefined) return DEFAULT_ROUTE_PREFIX;
  if (typeof prefix !== 'string')
    throw new Error(`${hostJsonPath}: extensions.http.routePrefix must be a string`);
  return prefix.replace(/^\/+|\/+$/g, '');
}

function property(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
}
