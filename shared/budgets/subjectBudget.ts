import type { TableClient } from '@azure/data-tables';
import { dependencyUnavailable, tooManyRequests } from '../errors/serviceError';
import { backoffDelay } from '../retry/backoff';
import {
  asStorageUnavailable,
  isConflict,
  isNotFound,
  isPreconditionFailed,
} from '../storage/storageFailure';
import { tableKey } from '../storage/tableKey';
import type { Clock } from '../time/clock';
import type { Sleep } from '../time/sleep';
import { admitOne, type WindowCounts } from './slidingWindow';

/** One kind of spending a subject is held to: how much, per how long, and what the 429 says. */
export interface BudgetRule {
  /** The row key in the subject's partition of the RateLimits table. */
  name: string;
  limit: number;
  windowMs: number;
  code: string;
  describe: string;
}

export interface SubjectBudget {
  /** Counts one unit for the subject, or throws 429 with Retry-After when the budget is spent. */
  take(subjectId: string, rule: BudgetRule): Promise<void>;
}

export interface SubjectBudgetOptions {
  /** The RateLimits table: one partition per subject, one row per budget. */
  table: TableClient;
  clock: Clock;
  sleep: Sleep;
  /** Conditional writes to try before giving up on a hotly contended row. */
  maxAttempts?: number;
}

/**
 * Per-subject budgets that hold across every instance: each take is one read and one conditional write
 * (insert, or replace under the ETag read), so two instances can never both spend the last unit.
 */
export function createSubjectBudget(options: SubjectBudgetOptions): SubjectBudget {
  const { table, clock, sleep } = options;
  const maxAttempts = options.maxAttempts ?? 50;

  return {
    async take(subjectId, rule) {
      const partitionKey = tableKey(subjectId);
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        try {
          const row = await readCounts(table, partitionKey, rule.name);
          const verdict = admitOne(row?.counts, rule.limit, rule.windowMs, clock().getTime());
          if (!verdict.admitted) {
            throw tooManyRequests(rule.describe, {
              retryAfterSeconds: Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)),
              code: rule.code,
            });
          }
          const entity = { partitionKey, rowKey: rule.name, ...verdict.next };
          if (row) await table.updateEntity(entity, 'Replace', { etag: row.etag });
          else await table.createEntity(entity);
          return;
        } catch (error) {
          if (!isConflict(error) && !isPreconditionFailed(error)) throw asStorageUnavailable(error);
          // Another request spent from the same budget: read it again.
          await sleep(backoffDelay(attempt, { baseMs: 2, maxMs: 50 }));
        }
      }
      throw dependencyUnavailable('The budget of this subject is too busy; try again.', {
        retryAfterSeconds: 1,
        code: 'RateLimiterBusy',
      });
    },
  };
}

async function readCounts(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<{ counts: WindowCounts; etag: string } | undefined> {
  try {
    const row = await table.getEntity<Record<string, unknown>>(partitionKey, rowKey);
    const counts = {
      windowStart: Number(row.windowStart ?? 0),
      count: Number(row.count ?? 0),
      previousCount: Number(row.previousCount ?? 0),
    };
    return { counts, etag: row.etag };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
