import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { AcsError, badRequest, validationError } from './acsError';

export const maxRequestBodyBytes = 1024 * 1024;

/** Reads the whole body, since the HMAC covers its hash; refuses bodies over the limit with 413. */
export async function readRequestBody(req: IncomingMessage, limit = maxRequestBodyBytes): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit)
      throw new AcsError(413, 'RequestEntityTooLarge', `The request body exceeds ${limit} bytes.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses a JSON body against a schema. `emptyAs` covers operations whose body is optional (create
 * identity sends none at all when no token is wanted).
 */
export function parseJsonBody<T>(raw: Buffer, schema: z.ZodType<T>, emptyAs?: unknown): T {
  const text = raw.toString('utf8');
  let value: unknown;
  if (text.trim() === '' && emptyAs !== undefined) {
    value = emptyAs;
  } else {
    try {
      value = JSON.parse(text);
    } catch {
      throw badRequest('The request body is not valid JSON.', 'InvalidRequestBody');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(describeIssues(parsed.error.issues));
  return parsed.data;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
