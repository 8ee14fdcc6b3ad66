import type { IdentityStore } from '../identity/identityStore';

/** What the room roster needs to know of a subject's ACS identities, without ever creating one. */
export interface SubjectIdentities {
  /** The identity the subject joins calls with, when it has one already. */
  joiningIdentity(subjectId: string): Promise<string | undefined>;
  /** Every identity the subject could be on a roster with: its links and its default. */
  allIdentities(subjectId: string): Promise<string[]>;
}

export function subjectIdentitiesFrom(
  store: Pick<IdentityStore, 'readDefault' | 'readSubject'>,
): SubjectIdentities {
  return {
    async joiningIdentity(subjectId) {
      const current = await store.readDefault(subjectId);
      // A "created" identity exists in ACS; its links are still being written, which a roster need not wait for.
      const { state, communicationUserId } = current?.value ?? {};
      return state === 'ready' || state === 'created' ? communicationUserId : undefined;
    },
    async allIdentities(subjectId) {
      const { links, default: current } = await store.readSubject(subjectId);
      const ids = new Set(links.map((link) => link.communicationUserId));
      if (current?.value.communicationUserId) ids.add(current.value.communicationUserId);
      return [...ids];
    },
  };
}
