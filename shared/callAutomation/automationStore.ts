import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { storageFanOut } from '../concurrency/storageFanOut';
import type { Aes256Key } from '../crypto/aes256Key';
import { openEnvelope, sealEnvelope } from '../crypto/aesGcmEnvelope';
import {
  asStorageUnavailable,
  isConflict,
  isNotFound,
  isPreconditionFailed,
} from '../storage/storageFailure';
import { dependencyUnavailable } from '../errors/serviceError';
import { tableKey } from '../storage/tableKey';
import { readTableRow } from '../storage/tableRow';
import type { Versioned } from '../storage/versioned';
import {
  connectionKinds,
  connectionStates,
  type ConnectionRecord,
  type IncomingCallState,
  type ParticipantPresence,
  type ResultInformation,
} from './connectionRecord';
import {
  operationKinds,
  operationStatuses,
  type OperationRecord,
  type RecognizeResult,
} from './operationRecord';
import type { ResultExpiryIndex } from './resultExpiryIndex';

/*
 * Layout of the CallAutomation table: one partition per call (a call record's id, or the id the service made
 * for an incoming call), so that everything about one connection is read and written together:
 *   PK=<call id>  RK="connection"              the connection (ConnectionRecord); replaced under its ETag
 *   PK=<call id>  RK="op_"+<operation id>      an operation (OperationRecord); created before ACS is called
 *   PK=<call id>  RK="party_"+<participant id> who a participant is (rawId -> subject, phone number), and
 *                                              the add that brought them: inserted once, the lock that keeps
 *                                              two concurrent adds of one person to one invitation
 *   PK=<call id>  RK="event_"+key(event id)    the inbox: one row per CloudEvent id, insert-only (dedupe)
 * and of the CallConnectionIndex table, ACS's connection id back to ours:
 *   PK=key(callConnectionId)  RK="binding"     {callConnectionId, callId, bindingId}; inserted once, never
 *                                              replaced: a callConnectionId belongs to one connection for good
 * Call ids are UUIDs and operation ids UUIDs, legal keys as they are; participant ids are base64url.
 *
 * A recognize's result (tones, a PIN maybe) is never stored in the clear: it is sealed with AES-256-GCM
 * under the data key, bound (associated data) to its row and its expiry, noted in the expiry index
 * (resultExpiryIndex) before it is written, and erased once it expires: by the sweep (resultSweep), or by
 * whoever reads the operation first.
 */

export interface PartyRecord {
  participantId: string;
  rawId: string;
  subjectId?: string | undefined;
  /** The addParticipant operation that invited them, when the service did. */
  addOperationId?: string | undefined;
}

export type InboxOutcome = 'new' | 'unapplied' | 'applied';

/**
 * What became of an operation's result: `erased` now; `none` there is none (nor will be: the operation left
 * pending without one, or is gone); `pending` the operation has not completed, so a result may still come;
 * `notDue` it expires later; `busy` the row kept changing under the erasure (try again later).
 */
export type ResultErasure = 'erased' | 'none' | 'pending' | 'notDue' | 'busy';

export interface CallConnectionClaim {
  callConnectionId: string;
  callId: string;
  bindingId: string;
}

export interface AutomationStore {
  readConnection(callId: string): Promise<Versioned<ConnectionRecord> | undefined>;
  /** undefined when the call has a connection row already. */
  createConnection(record: ConnectionRecord): Promise<string | undefined>;
  /** undefined when the row changed since it was read. */
  replaceConnection(record: ConnectionRecord, etag: string): Promise<string | undefined>;
  readOperation(callId: string, operationId: string): Promise<Versioned<OperationRecord> | undefined>;
  /** false when an operation with that id exists already. */
  createOperation(record: OperationRecord): Promise<boolean>;
  /** false when the row changed since it was read. */
  replaceOperation(record: OperationRecord, etag: string): Promise<boolean>;
  readParty(callId: string, participantId: string): Promise<Versioned<PartyRecord> | undefined>;
  /** false when the participant has a row already. */
  createParty(callId: string, party: PartyRecord): Promise<boolean>;
  replaceParty(callId: string, party: PartyRecord, etag: string): Promise<boolean>;
  listParties(callId: string): Promise<PartyRecord[]>;
  /** Records a CloudEvent id: `new` the first time, then whether the first receipt got to apply it. */
  receiveEvent(callId: string, eventId: string, type: string): Promise<InboxOutcome>;
  /** `appliedAt`: the injected clock's time, so the inbox tells when (by the service's time) it was applied. */
  markEventApplied(callId: string, eventId: string, appliedAt: Date): Promise<void>;
  /** Binds a callConnectionId to a connection, first come; returns whoever holds it. */
  claimCallConnection(claim: CallConnectionClaim): Promise<CallConnectionClaim>;
  readCallConnection(callConnectionId: string): Promise<CallConnectionClaim | undefined>;
  /**
   * Erases the operation's result if it expired by `now`, under the ETag read (again on a lost race).
   * Idempotent: erasing what is gone is `none`.
   */
  eraseExpiredResult(callId: string, operationId: string, now: Date): Promise<ResultErasure>;
  /**
   * Erasure of a subject: no row of the call names them any more (a participant's subject, an operation's
   * requester, the connection's organizer). Each row is rewritten under its ETag, and the call read again
   * until none is left, so a concurrent write cannot put the name back.
   */
  forgetSubject(callId: string, subjectId: string): Promise<void>;
}

export interface AutomationStoreOptions {
  table: TableClient;
  index: TableClient;
  /** Where every sealed result is noted, before it is written, so that it is erased when due. */
  expiry: Pick<ResultExpiryIndex, 'note'>;
  /** The data key; results cannot be stored (or read) without it. */
  dataKey: () => Promise<Aes256Key>;
}

const connectionRowKey = 'connection';
const operationRowKey = (operationId: string) => `op_${operationId}`;
const partyPrefix = 'party_';
const partyRowKey = (participantId: string) => `${partyPrefix}${participantId}`;
const eventRowKey = (eventId: string) => `event_${tableKey(eventId)}`;
const claimRowKey = 'binding';
/** What an operation's requester reads as once they were erased. */
const erasedSubject = '(erased)';
// The character after '_' in code-point order bounds a prefix range.
const prefixEnd = (prefix: string) => `${prefix.slice(0, -1)}\``;

export function createAutomationStore(options: AutomationStoreOptions): AutomationStore {
  const { table, index } = options;

  /** The rows of the call that name the subject, each as it would read without the name. */
  const rowsNaming = async (callId: string, subjectId: string) => {
    const named: Array<{
      entity: Record<string, unknown> & { partitionKey: string; rowKey: string };
      etag: string;
    }> = [];
    try {
      for await (const row of table.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${callId}` },
      })) {
        const { etag, timestamp: _timestamp, ...fields } = row;
        const entity: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
          ...fields,
          partitionKey: callId,
          rowKey: row.rowKey ?? '',
        };
        let changed = false;
        for (const name of ['subjectId', 'organizer'] as const) {
          if (entity[name] === subjectId) {
            delete entity[name];
            changed = true;
          }
        }
        if (entity.requestedBy === subjectId) {
          entity.requestedBy = erasedSubject;
          changed = true;
        }
        if (changed) named.push({ entity, etag });
      }
    } catch (error) {
      throw asStorageUnavailable(error);
    }
    return named;
  };

  const create = async (entity: { partitionKey: string; rowKey: string } & Record<string, unknown>) => {
    try {
      return (await table.createEntity(entity)).etag ?? '';
    } catch (error) {
      if (isConflict(error)) return undefined;
      throw asStorageUnavailable(error);
    }
  };
  const replace = async (entity: { partitionKey: string; rowKey: string }, etag: string) => {
    try {
      return (await table.updateEntity(entity, 'Replace', { etag })).etag ?? '';
    } catch (error) {
      if (isPreconditionFailed(error) || isNotFound(error)) return undefined;
      throw asStorageUnavailable(error);
    }
  };

  /** Before the result is written: a crash between the two leaves an index row without a result, never the reverse. */
  const noteResult = async (operation: OperationRecord) => {
    if (operation.result && operation.resultExpiresAt) {
      await options.expiry.note(operation.callId, operation.operationId, operation.resultExpiresAt);
    }
  };

  const sealedColumns = async (operation: OperationRecord) => {
    if (!operation.result || !operation.resultExpiresAt) return {};
    const key = await options.dataKey();
    const envelope = sealEnvelope(
      key.material,
      JSON.stringify(operation.result),
      resultContext(operation, key),
    );
    return {
      resultKeyId: key.id,
      resultIv: envelope.iv,
      resultTag: envelope.tag,
      resultData: envelope.data,
    };
  };

  const operationEntity = async (operation: OperationRecord) => {
    const { result: _result, pin, resultInformation, ...fields } = operation;
    return {
      partitionKey: operation.callId,
      rowKey: operationRowKey(operation.operationId),
      ...present(fields),
      ...(pin ? { pinRequestId: pin.requestId, pinFirstSent: pin.firstSent.toISOString() } : {}),
      ...(resultInformation ? { resultInformation: JSON.stringify(resultInformation) } : {}),
      ...(await sealedColumns(operation)),
    };
  };

  const toOperation = async (entity: Record<string, unknown>): Promise<OperationRecord> => {
    const row = operationRowSchema.parse(entity);
    const {
      pinRequestId,
      pinFirstSent,
      resultInformation,
      resultKeyId,
      resultIv,
      resultTag,
      resultData,
      ...fields
    } = row;
    const operation: OperationRecord = {
      ...fields,
      ...(pinRequestId && pinFirstSent
        ? { pin: { requestId: pinRequestId, firstSent: new Date(pinFirstSent) } }
        : {}),
      ...(resultInformation
        ? { resultInformation: resultInformationSchema.parse(JSON.parse(resultInformation)) }
        : {}),
    };
    if (resultKeyId && resultIv && resultTag && resultData && operation.resultExpiresAt) {
      const result = await openResult(operation, {
        keyId: resultKeyId,
        iv: resultIv,
        tag: resultTag,
        data: resultData,
      });
      if (result) operation.result = result;
    }
    return operation;
  };

  /** A result sealed under another key (rotated since) or tampered with is no result. */
  const openResult = async (
    operation: OperationRecord,
    sealed: { keyId: string; iv: string; tag: string; data: string },
  ): Promise<RecognizeResult | undefined> => {
    try {
      const key = await options.dataKey();
      if (key.id !== sealed.keyId) return undefined;
      return recognizeResultSchema.parse(
        JSON.parse(openEnvelope(key.material, sealed, resultContext(operation, key))),
      );
    } catch {
      return undefined;
    }
  };

  return {
    async readConnection(callId) {
      const entity = await readTableRow(table, callId, connectionRowKey);
      return entity && { value: toConnection(entity), etag: entity.etag };
    },
    createConnection: (record) => create(connectionEntity(record)),
    replaceConnection: (record, etag) => replace(connectionEntity(record), etag),

    async readOperation(callId, operationId) {
      const entity = await readTableRow(table, callId, operationRowKey(operationId));
      return entity && { value: await toOperation(entity), etag: entity.etag };
    },
    async createOperation(record) {
      await noteResult(record);
      return (await create(await operationEntity(record))) !== undefined;
    },
    async replaceOperation(record, etag) {
      await noteResult(record);
      return (await replace(await operationEntity(record), etag)) !== undefined;
    },

    async readParty(callId, participantId) {
      const entity = await readTableRow(table, callId, partyRowKey(participantId));
      return entity && { value: partySchema.parse(entity), etag: entity.etag };
    },
    async createParty(callId, party) {
      return (
        (await create({
          partitionKey: callId,
          rowKey: partyRowKey(party.participantId),
          ...present(party),
        })) !== undefined
      );
    },
    async replaceParty(callId, party, etag) {
      const entity = { partitionKey: callId, rowKey: partyRowKey(party.participantId), ...present(party) };
      return (await replace(entity, etag)) !== undefined;
    },
    async listParties(callId) {
      const filter = odata`PartitionKey eq ${callId} and RowKey ge ${partyPrefix} and RowKey lt ${prefixEnd(partyPrefix)}`;
      const parties: PartyRecord[] = [];
      try {
        for await (const entity of table.listEntities<Record<string, unknown>>({
          queryOptions: { filter },
        })) {
          parties.push(partySchema.parse(entity));
        }
      } catch (error) {
        throw asStorageUnavailable(error);
      }
      return parties;
    },

    async receiveEvent(callId, eventId, type) {
      const etag = await create({
        partitionKey: callId,
        rowKey: eventRowKey(eventId),
        eventId,
        type,
        appliedAt: '',
      });
      if (etag !== undefined) return 'new';
      const existing = await readTableRow(table, callId, eventRowKey(eventId));
      return existing?.appliedAt ? 'applied' : 'unapplied';
    },
    async markEventApplied(callId, eventId, appliedAt) {
      try {
        await table.updateEntity(
          { partitionKey: callId, rowKey: eventRowKey(eventId), appliedAt: appliedAt.toISOString() },
          'Merge',
        );
      } catch (error) {
        throw asStorageUnavailable(error);
      }
    },

    async claimCallConnection(claim) {
      try {
        await index.createEntity({
          partitionKey: tableKey(claim.callConnectionId),
          rowKey: claimRowKey,
          ...claim,
        });
        return claim;
      } catch (error) {
        if (!isConflict(error)) throw asStorageUnavailable(error);
      }
      const holder = await this.readCallConnection(claim.callConnectionId);
      if (!holder) throw new Error('A claimed call connection has no row.');
      return holder;
    },
    async readCallConnection(callConnectionId) {
      const entity = await readTableRow(index, tableKey(callConnectionId), claimRowKey);
      return entity && claimSchema.parse(entity);
    },

    async forgetSubject(callId, subjectId) {
      for (let attempt = 0; attempt < 10; attempt++) {
        const named = await rowsNaming(callId, subjectId);
        if (named.length === 0) return;
        // A long call has many rows: a bounded number in flight, not a socket per row.
        await mapWithConcurrency(named, storageFanOut, ({ entity, etag }) =>
          table.updateEntity(entity, 'Replace', { etag }).catch((error: unknown) => {
            // Changed meanwhile: the next read sees the new row, and scrubs it if it still names them.
            if (!isPreconditionFailed(error) && !isNotFound(error)) throw asStorageUnavailable(error);
          }),
        );
      }
      throw dependencyUnavailable('The call is changing too fast to erase a subject from it; try again.', {
        retryAfterSeconds: 1,
        code: 'ErasureBusy',
      });
    },
    async eraseExpiredResult(callId, operationId, now) {
      const rowKey = operationRowKey(operationId);
      for (let attempt = 0; attempt < 3; attempt++) {
        const entity = await readTableRow(table, callId, rowKey);
        if (!entity) return 'none';
        const { etag, timestamp: _timestamp, ...fields } = entity;
        const expiresAt = typeof fields.resultExpiresAt === 'string' ? fields.resultExpiresAt : undefined;
        const kept = Object.fromEntries(
          Object.entries(fields).filter(([column]) => !resultColumns.includes(column)),
        );
        if (Object.keys(kept).length === Object.keys(fields).length) {
          // A result comes with the write that completes the operation: none yet on a pending one.
          return fields.status === 'pending' ? 'pending' : 'none';
        }
        if (expiresAt && Date.parse(expiresAt) > now.getTime()) return 'notDue';
        try {
          await table.updateEntity({ ...kept, partitionKey: callId, rowKey }, 'Replace', { etag });
          return 'erased';
        } catch (error) {
          if (isNotFound(error)) return 'none';
          // Changed meanwhile (a subject erased from it, say): read it again.
          if (!isPreconditionFailed(error)) throw asStorageUnavailable(error);
        }
      }
      return 'busy';
    },
  };
}

/** The columns that hold a sealed result, and its expiry: erasure removes them all. */
const resultColumns = ['resultKeyId', 'resultIv', 'resultTag', 'resultData', 'resultExpiresAt'];

/** Binds a sealed result to its row, the key it was sealed with and its expiry: none can be moved or extended. */
function resultContext(operation: OperationRecord, key: Aes256Key): string {
  return `callAutomation\n${operation.callId}\n${operationRowKey(operation.operationId)}\n${key.id}\n${operation.resultExpiresAt ?? ''}`;
}

function present<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function connectionEntity(record: ConnectionRecord) {
  const { pin, participants, departures, endedBy, targets, incoming, ...fields } = record;
  return {
    partitionKey: record.callId,
    rowKey: connectionRowKey,
    ...present(fields),
    pinRequestId: pin.requestId,
    pinFirstSent: pin.firstSent.toISOString(),
    participants: JSON.stringify(participants),
    ...(departures ? { departures: JSON.stringify(departures) } : {}),
    ...(endedBy ? { endedBy: JSON.stringify(endedBy) } : {}),
    ...(targets ? { targets: JSON.stringify(targets) } : {}),
    ...(incoming ? { incoming: JSON.stringify(incoming) } : {}),
  };
}

const resultInformationSchema: z.ZodType<ResultInformation> = z.object({
  code: z.number().optional(),
  subCode: z.number().optional(),
  message: z.string().optional(),
});
const presenceSchema: z.ZodType<ParticipantPresence> = z.object({ rawId: z.string(), isMuted: z.boolean() });
const incomingSchema: z.ZodType<IncomingCallState> = z.object({
  to: z.string(),
  from: z.string(),
  incomingCallContext: z.string(),
  greetingUrl: z.string().optional(),
  choices: z.array(z.object({ key: z.string(), target: z.string() })),
  initialSilenceTimeoutSeconds: z.number(),
  maxAttempts: z.number(),
});
const json = <T>(schema: z.ZodType<T>) => z.string().transform((text) => schema.parse(JSON.parse(text)));

const connectionRowSchema = z.object({
  callId: z.string(),
  kind: z.enum(connectionKinds),
  bindingId: z.string(),
  state: z.enum(connectionStates),
  callConnectionId: z.string().optional(),
  pinRequestId: z.string(),
  pinFirstSent: z.string(),
  organizer: z.string().optional(),
  participants: json(z.array(presenceSchema)),
  participantsSequence: z.number(),
  departures: json(z.record(z.string(), z.number())).optional(),
  endedBy: json(resultInformationSchema).optional(),
  targets: json(z.array(z.string())).optional(),
  sourceCallerId: z.string().optional(),
  incoming: json(incomingSchema).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function toConnection(entity: Record<string, unknown>): ConnectionRecord {
  const { pinRequestId, pinFirstSent, ...fields } = connectionRowSchema.parse(entity);
  return { ...fields, pin: { requestId: pinRequestId, firstSent: new Date(pinFirstSent) } };
}

const operationRowSchema = z.object({
  operationId: z.string(),
  callId: z.string(),
  bindingId: z.string(),
  kind: z.enum(operationKinds),
  status: z.enum(operationStatuses),
  participantId: z.string().optional(),
  pinRequestId: z.string().optional(),
  pinFirstSent: z.string().optional(),
  requestedBy: z.string(),
  acceptedAt: z.string().optional(),
  invitationId: z.string().optional(),
  sequenceAtStart: z.number().optional(),
  resultInformation: z.string().optional(),
  resultExpiresAt: z.string().optional(),
  resultKeyId: z.string().optional(),
  resultIv: z.string().optional(),
  resultTag: z.string().optional(),
  resultData: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const recognizeResultSchema: z.ZodType<RecognizeResult> = z.object({
  tones: z.array(z.string()).optional(),
  choice: z.string().optional(),
});

const partySchema = z.object({
  participantId: z.string(),
  rawId: z.string(),
  subjectId: z.string().optional(),
  addOperationId: z.string().optional(),
});

const claimSchema = z.object({ callConnectionId: z.string(), callId: z.string(), bindingId: z.string() });
