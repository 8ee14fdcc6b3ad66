/** Who is calling, as established by a verified bearer token and nothing else. */
export interface Caller {
  /** The app-side subject id, from the configured claim (`sub`, or `oid` for Entra ID). */
  subjectId: string;
  roles: string[];
  isAdmin: boolean;
  /** The Entra object id, when the token has one (the Teams exchange needs it). */
  objectId?: string;
}

/** Subject ids become table keys and audit entries; keep them bounded. */
export const maxSubjectIdLength = 256;
