import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubjectBudget, type BudgetRule } from '../../shared/budgets/subjectBudget';
import { ServiceError } from '../../shared/errors/serviceError';
import { ensureTables } from '../../shared/storage/tableClients';
import { tablesOf } from '../support/storageOf';
import { startTestStack, type TestStack } from '../support/testStack';

const minute = 60_000;
const rule = (limit: number): BudgetRule => ({
  name: 'acs',
  limit,
  windowMs: minute,
  code: 'AcsBudgetExceeded',
  describe: `At most ${limit} a minute.`,
});

let stack: TestStack;
let budgetAt: (clock: () => Date) => ReturnType<typeof createSubjectBudget>;
beforeAll(async () => {
  stack = await startTestStack();
  const tables = tablesOf(stack.config());
  await ensureTables(tables);
  // Waits between lost races are skipped: nothing here waits on wall time.
  budgetAt = (clock) =>
    createSubjectBudget({ table: tables.RateLimits, clock, sleep: async () => undefined });
});
afterAll(() => stack.close());

/** The take's outcome: true, or the 429's Retry-After in seconds. */
async function outcome(take: Promise<unknown>): Promise<true | number> {
  try {
    await take;
    return true;
  } catch (error) {
    if (error instanceof ServiceError && error.status === 429) return error.retryAfterSeconds ?? 0;
    throw error;
  }
}

describe('the subject budget in Table Storage', () => {
  it('admits exactly the limit when 25 requests of one subject race, and refuses the rest with 429', async () => {
    const now = new Date(100 * minute + 30_000);
    const budget = budgetAt(() => now);
    const subject = randomUUID();
    const outcomes = await Promise.all(
      Array.from({ length: 25 }, () => outcome(budget.take(subject, rule(10)))),
    );
    expect(outcomes.filter((result) => result === true)).toHaveLength(10);
    for (const refused of outcomes.filter((result) => result !== true)) expect(refused).toBeGreaterThan(0);
  });

  it('holds a burst then greedy requests to 2 x limit - 1 in a rolling minute, on a stepped clock', async () => {
    let nowMs = 200 * minute + 59_900;
    const budget = budgetAt(() => new Date(nowMs));
    const subject = randomUUID();
    const admittedAt: number[] = [];
    for (let i = 0; i < 20; i++)
      if ((await outcome(budget.take(subject, rule(10)))) === true) admittedAt.push(nowMs);
    expect(admittedAt).toHaveLength(10);
    for (nowMs += 1_000; nowMs < 200 * minute + 59_900 + 2 * minute; nowMs += 1_000) {
      if ((await outcome(budget.take(subject, rule(10)))) === true) admittedAt.push(nowMs);
    }
    const inRollingMinute = admittedAt.map(
      (start) => admittedAt.filter((t) => t >= start && t < start + minute).length,
    );
    expect(Math.max(...inRollingMinute)).toBe(19);
  });

  it('takes a hint for a write, never for a refusal, and a stale hint costs a read, not a wrong count', async () => {
    const now = new Date(300 * minute + 10_000);
    const budget = budgetAt(() => now);
    const subject = randomUUID();
    const first = await budget.take(subject, rule(3));
    await budget.take(subject, rule(3));
    await budget.take(subject, rule(3));
    // The first hint says one was spent; the row says three: the write fails, the row is read, 429.
    expect(await outcome(budget.take(subject, rule(3), first))).toBeGreaterThan(0);

    // A hint that says the budget is spent, for a subject with no row: not believed, so admitted.
    const fresh = randomUUID();
    const full = { counts: { windowStart: 300 * minute, count: 3, previousCount: 0 }, etag: 'W/"stale"' };
    expect(await outcome(budget.take(fresh, rule(3), full))).toBe(true);
    expect(await outcome(budget.take(fresh, rule(3), 'absent'))).toBe(true);
  });
});
