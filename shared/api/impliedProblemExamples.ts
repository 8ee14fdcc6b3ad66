import type { Operation, ProblemExample } from './operation';

/**
 * The problem examples every operation of a kind has, so that no declaration repeats them: no bearer
 * (401), a user on an admin route (403), a body that is not JSON (415) or too large (413), a body field the
 * strict schema does not know (400).
 */
export function impliedProblemExamples(operation: Operation): ProblemExample[] {
  const examples: ProblemExample[] = [];
  const signedIn = operation.access === 'user' || operation.access === 'admin';
  const caller = operation.access === 'admin' ? 'admin' : 'user';
  if (signedIn) {
    examples.push({ status: 401, code: 'Unauthorized', summary: 'No bearer token.', caller: 'none' });
  }
  if (operation.access === 'admin') {
    examples.push({
      status: 403,
      code: 'AdminRoleRequired',
      summary: 'A signed-in user without the admin role.',
      caller: 'user',
    });
  }
  if (operation.body && signedIn) {
    examples.push(
      {
        status: 415,
        code: 'UnsupportedMediaType',
        summary: 'A body that is not JSON.',
        caller,
        rawBody: { contentType: 'text/plain', text: 'hello' },
      },
      { status: 413, code: 'PayloadTooLarge', summary: 'A body over the size limit.', caller },
      {
        status: 400,
        code: 'ValidationFailed',
        summary: 'A field the request schema does not have.',
        caller,
        body: { unexpectedField: true },
      },
    );
  }
  return examples;
}
