import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { fieldProblems } from '../../shared/errors/fieldProblems';
import { badRequest } from '../../shared/errors/serviceError';

/** Route parameters, validated: a malformed id in a URL is bad input, not a missing resource. */
export function routeParameters<Schema extends z.ZodType>(
  request: HttpRequest,
  schema: Schema,
): z.output<Schema> {
  const parsed = schema.safeParse(request.params);
  if (!parsed.success) {
    throw badRequest('A parameter in the path is not valid.', {
      code: 'ValidationFailed',
      errors: fieldProblems(parsed.error).map((problem) => ({ ...problem, path: `/params${problem.path}` })),
    });
  }
  return parsed.data;
}

/** The query string, validated: every value arrives as a string, so schemas coerce what they need. */
export function queryParameters<Schema extends z.ZodType>(
  request: HttpRequest,
  schema: Schema,
): z.output<Schema> {
  const parsed = schema.safeParse(Object.fromEntries(request.query.entries()));
  if (!parsed.success) {
    throw badRequest('The query is not valid.', {
      code: 'ValidationFailed',
      errors: fieldProblems(parsed.error),
    });
  }
  return parsed.data;
}
