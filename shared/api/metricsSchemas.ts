import { z } from 'zod';

const count = z.number().int().min(0);

/** Per instance, since it started: Flex Consumption runs several, each answers for itself. */
export const metricsSchema = z.object({
  tokens: z.object({
    since: z.string(),
    cacheHits: count,
    cacheMisses: count,
    acsIssued: count,
    throttled: count,
    floodRefused: count,
  }),
});
