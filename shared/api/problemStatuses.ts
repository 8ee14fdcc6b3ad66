import type { Operation } from './operation';

/**
 * Every problem status an operation can answer: those its declaration names, and those its shape implies
 * (inputs can be invalid, a body too large or not JSON; a bearer can be missing or its issuer unreachable;
 * an admin route refuses users; a budget runs out).
 */
export function problemStatuses(operation: Operation): number[] {
  const statuses = new Set<number>(operation.problems ?? []);
  if (operation.params || operation.query || operation.body) statuses.add(400);
  if (operation.body) [413, 415].forEach((status) => statuses.add(status));
  if (operation.access !== 'anonymous') [401, 503].forEach((status) => statuses.add(status));
  if (operation.access === 'admin' || operation.access === 'incomingCall') statuses.add(403);
  if (operation.budget) statuses.add(429);
  return [...statuses].sort((a, b) => a - b);
}
