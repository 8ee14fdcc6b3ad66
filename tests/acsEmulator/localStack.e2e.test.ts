import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../support/localService';

let service: LocalService;

beforeAll(async () => {
  service = await startLocalService();
});
afterAll(() => service.stop());

describe('npm start with the embedded ACS emulator', () => {
  it("subscribes the emulator's Event Grid to the service's incoming-call webhook with a bearer token", async () => {
    const response = await fetch(new URL('__emulator/event-grid/subscription', service.emulatorUrl));
    const { subscription } = (await response.json()) as {
      subscription: { endpoint: string; authenticated: boolean; validation?: { status: number | string } };
    };
    expect(subscription).toMatchObject({
      endpoint: `${service.url}/api/callautomation/incoming-calls`,
      authenticated: true,
    });
    // The handshake reached the local host (whether the app validated it depends on its webhook).
    expect(typeof subscription.validation?.status).toBe('number');
  });
});
