import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { badRequest } from '../errors/serviceError';
import type { Versioned } from '../storage/versioned';
import {
  asStorageUnavailable,
  isConflict,
  isNotFound,
  isPreconditionFailed,
} from '../storage/storageFailure';
import { readTableRow } from '../storage/tableRow';
import { callKinds, callStatuses, inviteeRoles, type Invitee, type StoredCall } from './call';

/*
 * Layout of the Calls table:
 *   PK=<call id>                 RK="call"   the call record: its fields, and its invitees as JSON split over
 *                                            invitees0..inviteesN (a string property holds at most 64 KiB)
 *   PK="group_"+<group call id>  RK="claim"  who registered a group call ID, for which call: created with
 *                                            insert, so two organizers can never both hold one ID
 * Call ids and group call ids are UUIDs (validated), so they are legal keys as they are.
 */

export type CallVersion = Versioned<StoredCall>;

export interface GroupClaim {
  groupCallId: string;
  callId: string;
  organizer: string;
  /** A digest of the create request, so that an identical retry can be told from a second call. */
  fingerprint: string;
}

export interface CallStore {
  read(callId: string): Promise<CallVersion | undefined>;
  /** undefined when a record with that id exists already. */
  create(call: StoredCall): Promise<string | undefined>;
  /** undefined when the record changed since it was read (the caller lost a race). */
  replace(call: StoredCall, etag: string): Promise<string | undefined>;
  /** false when the group call ID is claimed already. */
  claimGroupCallId(claim: GroupClaim): Promise<boolean>;
  readGroupClaim(groupCallId: string): Promise<Versioned<GroupClaim> | undefined>;
  replaceGroupClaim(claim: GroupClaim, etag: string): Promise<boolean>;
}

const recordRowKey = 'call';
const claimRowKey = 'claim';
const claimPartition = (groupCallId: string) => `group_${groupCallId}`;

/** Characters per invitees chunk: under 64 KiB of UTF-16. */
const chunkLength = 30_000;
/** Chunks per record: with the other fields, well under the 1 MiB an entity may hold. */
const maxChunks = 15;

export function createCallStore(table: TableClient): CallStore {
  return {
    async read(callId) {
      const entity = await readTableRow(table, callId, recordRowKey);
      if (!entity) return undefined;
      return { value: toCall(entity), etag: entity.etag };
    },
    async create(call) {
      try {
        return (await table.createEntity(toEntity(call))).etag ?? '';
      } catch (error) {
        if (isConflict(error)) return undefined;
        throw asStorageUnavailable(error);
      }
    },
    async replace(call, etag) {
      try {
        return (await table.updateEntity(toEntity(call), 'Replace', { etag })).etag ?? '';
      } catch (error) {
        if (isPreconditionFailed(error) || isNotFound(error)) return undefined;
        throw asStorageUnavailable(error);
      }
    },
    async claimGroupCallId(claim) {
      try {
        await table.createEntity({
          partitionKey: claimPartition(claim.groupCallId),
          rowKey: claimRowKey,
          ...claim,
        });
        return true;
      } catch (error) {
        if (isConflict(error)) return false;
        throw asStorageUnavailable(error);
      }
    },
    async readGroupClaim(groupCallId) {
      const entity = await readTableRow(table, claimPartition(groupCallId), claimRowKey);
      return entity && { value: groupClaimSchema.parse(entity), etag: entity.etag };
    },
    async replaceGroupClaim(claim, etag) {
      try {
        await table.updateEntity(
          { partitionKey: claimPartition(claim.groupCallId), rowKey: claimRowKey, ...claim },
          'Replace',
          { etag },
        );
        return true;
      } catch (error) {
        if (isPreconditionFailed(error) || isNotFound(error)) return false;
        throw asStorageUnavailable(error);
      }
    },
  };
}

/**
 * The invitees as they will be stored, or a 400 when they cannot be: the cap on invitees keeps lists
 * far below this, unless subject ids are long and full of characters JSON must escape.
 */
export function inviteeChunks(invitees: readonly Invitee[]): string[] {
  const json = JSON.stringify(invitees);
  const chunks: string[] = [];
  for (let start = 0; start < json.length; start += chunkLength)
    chunks.push(json.slice(start, start + chunkLength));
  if (chunks.length > maxChunks) {
    throw badRequest('The invitees are too large to store with the call.', {
      code: 'InviteesTooLarge',
      errors: [{ path: '/invitees', message: 'the subject ids are too long, all told' }],
    });
  }
  return chunks;
}

function toEntity(call: StoredCall) {
  const { invitees, ...fields } = call;
  const chunks = inviteeChunks(invitees);
  // Absent optional fields are left out, not written as empty properties.
  const present = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return {
    partitionKey: call.id,
    rowKey: recordRowKey,
    ...present,
    inviteeChunks: chunks.length,
    ...Object.fromEntries(chunks.map((chunk, index) => [`invitees${index}`, chunk])),
  };
}

const inviteeSchema = z.object({ subjectId: z.string(), role: z.enum(inviteeRoles).optional() });

const recordSchema = z.object({
  id: z.string(),
  kind: z.enum(callKinds),
  title: z.string(),
  organizer: z.string(),
  groupCallId: z.string().optional(),
  teamsMeetingLink: z.string().optional(),
  teamsMeetingId: z.string().optional(),
  roomId: z.string().optional(),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  status: z.enum(callStatuses),
  createdAt: z.string(),
  inviteeChunks: z.number().int().min(0).max(maxChunks),
});

const groupClaimSchema = z.object({
  groupCallId: z.string(),
  callId: z.string(),
  organizer: z.string(),
  fingerprint: z.string(),
});

function toCall(entity: Record<string, unknown>): StoredCall {
  const { inviteeChunks: count, ...fields } = recordSchema.parse(entity);
  let json = '';
  for (let index = 0; index < count; index++) json += String(entity[`invitees${index}`] ?? '');
  const invitees = z.array(inviteeSchema).parse(json ? JSON.parse(json) : []);
  return { ...fields, invitees: invitees.map((invitee) => ({ ...invitee })) };
}
