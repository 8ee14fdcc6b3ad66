import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices } from '../../shared/composition/createAppServices';
import { movableClock } from '../support/movableClock';
import { startTestStack, type TestStack } from '../support/testStack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

describe('the acs health check', () => {
  it('asks ACS once per 30 s whatever the number of health calls, and remembers a failure as long', async () => {
    const clock = movableClock();
    const services = createAppServices(stack.config({ ACS_MAX_RETRIES: '0' }), { clock: clock.now });
    const issued = () => stack.emulator.requestCount('issueAccessToken');
    const before = issued();

    // Anonymous callers: 50 health calls, one ACS request.
    for (let i = 0; i < 50; i++) expect((await services.health()).checks.acs).toEqual({ status: 'up' });
    expect(issued()).toBe(before + 1);

    clock.advance(30_000);
    stack.emulator.injectFaults({ count: 1, status: 503, operation: 'issueAccessToken' });
    expect((await services.health()).checks.acs).toMatchObject({ status: 'down' });
    expect(issued()).toBe(before + 2);
    // ACS is back, but the failure is what the next callers get until it is 30 s old.
    expect((await services.health()).checks.acs).toMatchObject({ status: 'down' });
    expect(issued()).toBe(before + 2);

    clock.advance(30_000);
    expect((await services.health()).checks.acs).toEqual({ status: 'up' });
    expect(issued()).toBe(before + 3);
  });
});
