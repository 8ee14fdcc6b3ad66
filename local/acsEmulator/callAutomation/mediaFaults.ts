import { z } from 'zod';

export const mediaFaultKinds = ['playFailed', 'recognizePromptFailed'] as const;
export type MediaFaultKind = (typeof mediaFaultKinds)[number];

export const mediaFaultSpecSchema = z.object({
  kind: z.enum(mediaFaultKinds),
  count: z.number().int().min(1).max(10_000).optional(),
});

/**
 * Media that fails although the request was accepted: the next plays cannot fetch their file
 * (PlayFailed 8536), or the next recognize prompts fail (RecognizeFailed 8511). The emulator fetches
 * no audio, so this is the only way a play fails.
 */
export interface MediaFaultSpec {
  kind: MediaFaultKind;
  /** Default 1. */
  count?: number | undefined;
}

export class MediaFaults {
  private readonly remaining = new Map<MediaFaultKind, number>();

  inject(spec: MediaFaultSpec): void {
    const valid = mediaFaultSpecSchema.parse(spec);
    this.remaining.set(valid.kind, (this.remaining.get(valid.kind) ?? 0) + (valid.count ?? 1));
  }

  take(kind: MediaFaultKind): boolean {
    const left = this.remaining.get(kind) ?? 0;
    if (left === 0) return false;
    this.remaining.set(kind, left - 1);
    return true;
  }
}
