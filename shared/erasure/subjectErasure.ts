import type { AutomationStore } from '../callAutomation/automationStore';
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
  /** Where Call Automation keeps the people on a call; absent when it is off. */
  callAutomation?: Pick<AutomationStore, 'forgetSubject'> | undefined;
  contacts: Pick<ContactService, 'eraseSubject'>;
}): SubjectErasure {
  return {
    async eraseSubject(subjectId) {
      // Off every contact list first: nobody is shown an identity that is about to be deleted.
      await parts.contacts.eraseSubject(subjectId);
      // Calls next: taking the subject off room rosters needs the identities that erasing them unlinks.
      // What Call Automation wrote about them on each call goes once the call let them go (and hung up).
      await parts.calls.eraseSubject(subjectId, async (callId) => {
        await parts.callAutomation?.forgetSubject(callId, subjectId);
      });
      await parts.identities.eraseSubject(subjectId);
    },
  };
}
