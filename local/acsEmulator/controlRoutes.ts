import { z } from 'zod';
import { accessKeySchema } from './accessKey';
import { faultSpecSchema, type FaultSpec } from './faultInjector';
import type { IdentitySummary } from './identityStore';
import { parseJsonBody } from './requestBody';
import type { Route } from './route';

/** What a test in another process can steer; the same things AcsEmulator offers in-process. */
export interface EmulatorControl {
  injectFaults(fault: FaultSpec): void;
  rotateAccessKey(newKey?: string): string;
  identities(): IdentitySummary[];
  requestCounts(): Record<string, number>;
}

const rotateKeyBodySchema = z.object({ accessKey: accessKeySchema.optional() });

/** `/__emulator/*`: local only and unauthenticated, like the rest of the emulator's test aids. */
export function controlRoutes(control: EmulatorControl): Route[] {
  const route = (method: string, name: string, handle: Route['handle']): Route => ({
    method,
    pattern: new RegExp(`^/__emulator/${name}$`),
    operation: `control.${name}`,
    kind: 'control',
    handle,
  });
  return [
    route('POST', 'faults', async ({ body }) => {
      control.injectFaults(parseJsonBody(body, faultSpecSchema));
      return { status: 204 };
    }),
    route('POST', 'rotateKey', async ({ body }) => {
      const { accessKey } = parseJsonBody(body, rotateKeyBodySchema, {});
      return { status: 200, body: { accessKey: control.rotateAccessKey(accessKey) } };
    }),
    route('GET', 'identities', async () => ({ status: 200, body: { identities: control.identities() } })),
    route('GET', 'stats', async () => ({ status: 200, body: { requests: control.requestCounts() } })),
  ];
}
