import { z } from 'zod';
import { acsOperations } from './acsOperation';

export const faultSpecSchema = z
  .object({
    count: z.number().int().min(1).max(10_000),
    status: z.union([z.literal(429), z.literal(500), z.literal(503)]).optional(),
    retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
    delayMs: z.number().int().min(0).max(120_000).optional(),
    operation: z.enum(acsOperations).optional(),
    after: z.boolean().optional(),
  })
  .refine((spec) => spec.status !== undefined || spec.delayMs !== undefined, {
    message: 'A fault needs a status, a delayMs, or both.',
  });

export interface FaultSpec {
  /** How many matching requests the fault applies to. */
  count: number;
  /** Answer with this error instead of doing the operation (nothing changes). */
  status?: 429 | 500 | 503 | undefined;
  /** Sent as Retry-After with the error. */
  retryAfterSeconds?: number | undefined;
  /** Wait this long first; without a status the operation then runs normally. */
  delayMs?: number | undefined;
  /** Only requests of this operation name (see acsOperations); all ACS operations when absent. */
  operation?: string | undefined;
  /**
   * Do the operation first, then wait and answer with the fault instead of its result: ACS accepted
   * the request but the caller never heard, so only a retry with the same Repeatability-Request-ID is safe.
   */
  after?: boolean | undefined;
}

export type Fault = Omit<FaultSpec, 'count'>;

/**
 * Queued faults for ACS operations. A request takes one use from the oldest fault that matches it, so
 * faults injected one after another play out in order.
 */
export class FaultInjector {
  private readonly pending: Array<FaultSpec & { remaining: number }> = [];

  inject(spec: FaultSpec): void {
    const valid = faultSpecSchema.parse(spec);
    this.pending.push({ ...valid, remaining: valid.count });
  }

  take(operation: string): Fault | undefined {
    const index = this.pending.findIndex(
      (fault) => fault.operation === undefined || fault.operation === operation,
    );
    const fault = this.pending[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.pending.splice(index, 1);
    const { count: _count, remaining: _remaining, ...rest } = fault;
    return rest;
  }
}
