import type { z } from 'zod';
import type { FieldProblem } from './serviceError';

/** zod issues as the `errors` list of a 400 problem: a JSON-pointer-like path and a message. */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? `/${issue.path.map(String).join('/')}` : '/',
    message: issue.message,
  }));
}
