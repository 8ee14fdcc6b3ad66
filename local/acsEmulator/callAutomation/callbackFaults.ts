import { z } from 'zod';

export const callbackFaultKinds = [
  'duplicate',
  'reorder',
  'delay',
  'drop',
  'badSignature',
  'wrongAudience',
  'expired',
  'otherBinding',
] as const;
export type CallbackFaultKind = (typeof callbackFaultKinds)[number];

export const callbackFaultSpecSchema = z
  .object({
    kind: z.enum(callbackFaultKinds),
    count: z.number().int().min(1).max(10_000).optional(),
    delayMs: z.number().int().min(0).max(120_000).optional(),
  })
  .refine((spec) => spec.kind !== 'delay' || spec.delayMs !== undefined, {
    message: 'A delay fault needs delayMs.',
  });

/**
 * What goes wrong with the next callbacks. `duplicate` posts twice; `reorder` holds one back until the
 * connection's next callback went out; `delay` posts late without holding the others; `drop` never
 * posts; `badSignature`, `wrongAudience` and `expired` spoil the token; `otherBinding` posts to another
 * connection's callback URL (or, with none, to this URL with its last path segment replaced).
 */
export interface CallbackFaultSpec {
  kind: CallbackFaultKind;
  /** How many callback posts it applies to; default 1. */
  count?: number | undefined;
  /** For `delay`: real milliseconds (not scaled). */
  delayMs?: number | undefined;
}

export interface CallbackFault {
  kind: CallbackFaultKind;
  delayMs?: number;
}

/** Queued callback faults; each post takes one use of the oldest. */
export class CallbackFaults {
  private readonly pending: Array<CallbackFault & { remaining: number }> = [];

  inject(spec: CallbackFaultSpec): void {
    const valid = callbackFaultSpecSchema.parse(spec);
    this.pending.push({
      kind: valid.kind,
      remaining: valid.count ?? 1,
      ...(valid.delayMs === undefined ? {} : { delayMs: valid.delayMs }),
    });
  }

  take(): CallbackFault | undefined {
    const fault = this.pending[0];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.pending.shift();
    return { kind: fault.kind, ...(fault.delayMs === undefined ? {} : { delayMs: fault.delayMs }) };
  }
}
