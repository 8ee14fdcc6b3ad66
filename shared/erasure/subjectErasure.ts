import type { CallService } from '../calls/callService';
import type { IdentityService } from '../identity/identityService';

/** Erasing a subject (`DELETE /api/me`): everything the service keeps about them, in a safe order. */
export interface SubjectErasure {
  /** Idempotent: a retry after a failure part-way finishes the job. */
  eraseSubject(subjectId: string): Promise<void>;
}

export function createSubjectErasure(parts: {
  calls: Pick<CallService, 'eraseSubject'>;
  identities: Pick<IdentityService, 'eraseSubject'>;
}): SubjectErasure {
  return {
    async eraseSubject(subjectId) {
      // Calls first: taking the subject off room rosters needs the identities that erasing them unlinks.
      await parts.calls.eraseSubject(subjectId);
      await parts.identities.eraseSubject(subjectId);
    },
  };
}
