export const auditActions = [
  'identity.created',
  'identity.deleted',
  'identity.linked',
  'identity.unlinked',
  'token.issued',
  'token.revoked',
  'token.teamsExchanged',
  'subject.erased',
  'contact.requested',
  'contact.accepted',
  'contact.declined',
  'contact.removed',
] as const;
export type AuditAction = (typeof auditActions)[number];

/** Who did what to whom, and when. Never a token or a key. */
export interface AuditEvent {
  action: AuditAction;
  /** The subject whose verified token made the request. */
  actor: string;
  subjectId?: string;
  communicationUserId?: string;
  scopes?: string[];
  expiresOn?: string;
}

export interface AuditEntry extends AuditEvent {
  id: string;
  at: string;
}
