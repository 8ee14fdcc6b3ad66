import type { z } from 'zod';
import { AcsError } from '../acsError';
import { parseJsonBody } from '../requestBody';
import { invalidRequest } from './callAutomationErrors';

/** A request body checked against its schema; a bad one is Call Automation's 400 (sub-code 8523). */
export function parseCallAutomationBody<T>(raw: Buffer, schema: z.ZodType<T>, emptyAs?: unknown): T {
  try {
    return parseJsonBody(raw, schema, emptyAs);
  } catch (error) {
    if (error instanceof AcsError && error.status === 400) throw invalidRequest(error.message);
    throw error;
  }
}
