import { z } from 'zod';

export const healthReportSchema = z.object({
  status: z.enum(['ok', 'degraded', 'unhealthy']),
  checks: z.record(
    z.string(),
    z.object({ status: z.enum(['up', 'down', 'skipped']), detail: z.string().optional() }),
  ),
});
