import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { badRequest } from '../../shared/errors/serviceError';
import { fieldProblems } from '../../shared/errors/fieldProblems';

/** The query string, validated: every value arrives as a string, so schemas coerce what they need. */
export function queryParameters<Schema extends z.ZodType>(
  request: HttpRequest,
  schema: Schema,
): z.output<Schema> {
  const parsed = schema.safeParse(Object.fromEntries(request.query.entries()));
  if (!parsed.success)
    throw badRequest('The query is not valid.', fieldProblems(parsed.error), 'ValidationFailed');
  return parsed.data;
}
