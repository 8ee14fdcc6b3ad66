import type { CallService } from '../calls/callService';
import type { ContactService } from '../contacts/contactService';
import type { IdentityService } from '../identity/identityService';

/** Erasing a subject (`DELETE /api/me`): everything the service keeps about them, in a safe order. */
export interface SubjectErasure {
  /** Idempotent: a retry after a failure part-way finishes the job. */
  eraseSubject(subjectId: string): Promise<void>;
}

export function createSubjectErasure(parts: {
  calls: Pick<CallService, 'eraseSubject'>;
  identities: Pick<IdentityService, 'eraseSubject'>;
  contacts: Pick<ContactService, 'eraseSubject'>;
}): SubjectErasure {
  return {
    async eraseSubject(subjectId) {
      // Off every contact list first: nobody is shown an identity that is about to be deleted.
      await parts.contacts.eraseSubject(subjectId);
      // Calls first: taking the subject off room rosters needs the identities that erasing them unlinks.
      await parts.calls.eraseSubject(subjectId);
      await parts.identities.eraseSubject(subjectId);
    },
  };
}
