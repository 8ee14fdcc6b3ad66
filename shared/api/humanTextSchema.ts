import { z } from 'zod';

/*
 * Control characters (C0, DEL, C1) and the bidi embeddings, overrides and isolates: in a title or a label
 * they hide or reorder what another person reads ("Trojan Source"), or break the line a log shows. Bidi
 * marks (LRM, RLM, ALM) stay: right-to-left text needs them. A pattern, so the OpenAPI document states it.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const safeText = /^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$/u;

/**
 * Text a person typed for other people to read: trimmed, NFC-normalised (so that two spellings of one
 * string compare equal), within a length, and free of control and bidi-override characters. Never for
 * identifiers: OIDC subjects are opaque and stay exactly as the identity provider sent them.
 */
export function humanTextSchema(limits: { min?: number; max: number }) {
  return z
    .string()
    .trim()
    .overwrite((text) => text.normalize('NFC'))
    .min(limits.min ?? 0)
    .max(limits.max)
    .regex(safeText, 'must not contain control characters or bidi overrides');
}
