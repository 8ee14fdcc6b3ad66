import type { TableClient } from '@azure/data-tables';
import { dependencyUnavailable, tooManyRequests } from '../errors/serviceError';
import { conflicted, retryOnConflict } from '../retry/retryOnConflict';
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

/**
 * What a caller last saw of a budget row: with it, a take is one conditional write and no read, and a row
 * that moved on since makes the write fail and the take read it. `absent`: the subject is new, and the row
 * probably does not exist yet (an insert then fails if it does). Correctness never rests on a hint.
 */
export type BudgetHint = { counts: WindowCounts; etag: string } | 'absent';

export interface SubjectBudget {
  /**
   * Counts one unit for the subject, or throws 429 with Retry-After when the budget is spent. Returns the
   * row as written, the hint for the next take.
   */
  take(subjectId: string, rule: BudgetRule, hint?: BudgetHint): Promise<BudgetHint>;
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
 * Per-subject budgets that hold across every instance: each take is one conditional write (insert, or
 * replace under the ETag of the row as read, or as a hint says it was), so two instances can never both
 * spend the last unit.
 */
export function createSubjectBudget(options: SubjectBudgetOptions): SubjectBudget {
  const { table, clock, sleep } = options;
  const maxAttempts = options.maxAttempts ?? 50;

  /** One read-decide-write; from a hint (`known`), a refusal or a lost write only means "read it". */
  const attempt = async (partitionKey: string, rule: BudgetRule, known: BudgetHint | undefined) => {
    try {
      const row = known === undefined ? await readCounts(table, partitionKey, rule.name) : known;
      const stored = row === 'absent' ? undefined : row;
      const verdict = admitOne(stored?.counts, rule.limit, rule.windowMs, clock().getTime());
      if (!verdict.admitted) {
        // A refusal is never taken from a hint: the row may have been reset since.
        if (known !== undefined) return conflicted;
        throw tooManyRequests(rule.describe, {
          retryAfterSeconds: Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)),
          code: rule.code,
        });
      }
      const entity = { partitionKey, rowKey: rule.name, ...verdict.next };
      const written = stored
        ? await table.updateEntity(entity, 'Replace', { etag: stored.etag })
        : await table.createEntity(entity);
      return { counts: verdict.next, etag: written.etag ?? '' };
    } catch (error) {
      if (!isConflict(error) && !isPreconditionFailed(error)) throw asStorageUnavailable(error);
      // Another request spent from the same budget (or the hint was old): read it and try again.
      return conflicted;
    }
  };

  return {
    async take(subjectId, rule, hint) {
      const partitionKey = tableKey(subjectId);
      // A hint that did not hold costs a read at once, with no wait: it was only out of date.
      const hinted = hint === undefined ? conflicted : await attempt(partitionKey, rule, hint);
      if (hinted !== conflicted) return hinted;
      return retryOnConflict(() => attempt(partitionKey, rule, undefined), {
        maxAttempts: hint === undefined ? maxAttempts : maxAttempts - 1,
        backoff: { baseMs: 2, maxMs: 50 },
        sleep,
        exhausted: () =>
          dependencyUnavailable('The budget of this subject is too busy; try again.', {
            retryAfterSeconds: 1,
            code: 'RateLimiterBusy',
          }),
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
