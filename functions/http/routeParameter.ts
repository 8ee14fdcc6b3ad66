import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { badRequest } from '../../shared/errors/serviceError';
import { fieldProblems } from '../../shared/errors/fieldProblems';

/** A route parameter, validated: a malformed id in a URL is bad input, not a missing resource. */
export function routeParameter<Schema extends z.ZodType>(
  request: HttpRequest,
  name: string,
  schema: Schema,
): z.output<Schema> {
  const parsed = schema.safeParse(request.params[name]);
  if (!parsed.success) {
    throw badRequest(
      `The '${name}' in the path is not valid.`,
      fieldProblems(parsed.error).map((problem) => ({ ...problem, path: `/params/${name}` })),
      'ValidationFailed',
    );
  }
  return parsed.data;
}
