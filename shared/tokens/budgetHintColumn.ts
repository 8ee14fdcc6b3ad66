import { z } from 'zod';
import type { BudgetHint } from '../budgets/subjectBudget';

/**
 * The subject's token budget row as last written, kept in the default row (read on every token request
 * anyway) so that the next take needs no read of its own, on whichever instance it lands: a hint only.
 */
export const budgetHintColumn = 'hint_tokens';

const hintSchema = z.object({
  counts: z.object({ windowStart: z.number(), count: z.number(), previousCount: z.number() }),
  etag: z.string().min(1),
});

export function parseBudgetHint(value: string | undefined): BudgetHint | undefined {
  if (!value) return undefined;
  try {
    return hintSchema.parse(JSON.parse(value));
  } catch {
    return undefined;
  }
}
