/** An ACS identity as the service keeps it (the mapping lives here, never in ACS). */
export interface IdentityRecord {
  communicationUserId: string;
  label: string;
  /** `user`: created for a subject on demand; `service`: created by an admin for a service or bot. */
  kind: 'user' | 'service';
  createdAt: string;
  subjects: string[];
}

/** One of a subject's identities, as `GET /api/me/identities` lists them. */
export interface SubjectIdentity {
  communicationUserId: string;
  label: string;
  isDefault: boolean;
  createdAt: string;
}
