import { notFound } from './acsError';
import { newCommunicationUserId } from './communicationIdentifier';
import type { IdentityRecord } from './persistedState';

export interface IdentitySummary {
  id: string;
  createdAt: string;
  deleted: boolean;
}

/**
 * The ACS identities of the emulated resource. Deleted identities stay as tombstones so their tokens
 * validate as `identityDeleted` rather than as unknown, and so tests can see what was deleted.
 */
export class IdentityStore {
  private readonly byId = new Map<string, IdentityRecord>();

  constructor(records: readonly IdentityRecord[] = []) {
    for (const record of records) this.byId.set(record.id, { ...record });
  }

  create(resourceId: string, now = new Date()): IdentityRecord {
    const record: IdentityRecord = { id: newCommunicationUserId(resourceId), createdAt: now.toISOString() };
    this.byId.set(record.id, record);
    return record;
  }

  find(id: string): IdentityRecord | undefined {
    return this.byId.get(id);
  }

  /** The identity if it exists and is not deleted; otherwise the 404 ACS answers. */
  live(id: string): IdentityRecord {
    const record = this.byId.get(id);
    if (!record || record.deletedAt) throw notFound(`Identity ${id} does not exist.`, 'IdentityNotFound');
    return record;
  }

  revoke(id: string, through: number): void {
    const record = this.live(id);
    record.revokedThrough = Math.max(record.revokedThrough ?? 0, through);
  }

  delete(id: string, through: number, now = new Date()): void {
    this.revoke(id, through);
    this.live(id).deletedAt = now.toISOString();
  }

  list(): IdentitySummary[] {
    return [...this.byId.values()].map((record) => ({
      id: record.id,
      createdAt: record.createdAt,
      deleted: record.deletedAt !== undefined,
    }));
  }

  records(): IdentityRecord[] {
    return [...this.byId.values()].map((record) => ({ ...record }));
  }
}
