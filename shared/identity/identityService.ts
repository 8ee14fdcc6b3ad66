import { randomUUID } from 'node:crypto';
import type { AcsIdentityGateway, AcsToken } from '../acs/acsIdentityGateway';
import type { AcsScope } from '../config/acsScopes';
import type { AuditEvent } from '../audit/auditEvent';
import type { AuditLog } from '../audit/auditLog';
import { conflict, dependencyUnavailable, forbidden, notFound } from '../errors/serviceError';
import type { IdentityRecord, SubjectIdentity } from './identityRecords';
import type { Versioned } from '../storage/versioned';
import type {
  DefaultEntity,
  IdentityMetaEntity,
  IdentityStore,
  LinkEntity,
  SlotEntity,
} from './identityStore';
import { backoffDelay } from '../retry/backoff';
import { conflicted, retryOnConflict } from '../retry/retryOnConflict';
import { systemClock, type Clock } from '../time/clock';
import { realSleep, type Sleep } from '../time/sleep';

export interface IdentityServiceOptions {
  store: IdentityStore;
  acs: AcsIdentityGateway;
  audit: AuditLog;
  capPerSubject: number;
  /**
   * Called before an identity is deleted in ACS: nothing cached for it may be served again. Throws when it
   * cannot make sure of that, which stops the deletion (a retry finishes it).
   */
  forgetTokens?: (communicationUserId: string) => Promise<void>;
  clock?: Clock;
  /** How long a pending creation claim is honoured before another instance may take it over. */
  creationLeaseMs?: number;
  /** How long a request waits for another instance's creation to finish before answering 503. */
  creationWaitMs?: number;
  sleep?: Sleep;
}

/** What a first token request brings to the creation of the default identity it needs. */
export interface FirstTokenRequest {
  scopes: AcsScope[];
  expiresInMinutes: number;
  /** The token budget, spent beside the claim (throws 429): the identity then comes with a token. */
  takeBudget(): Promise<void>;
  /** Cache columns for the ready row (the token sealed), or undefined to cache nothing. */
  seal(ready: DefaultEntity, token: AcsToken): Record<string, string> | undefined;
  /** The audit event of the issue, recorded after the identity's creation, beside the last write. */
  issuedEvent(communicationUserId: string, token: AcsToken): AuditEvent;
}

export interface DefaultIdentity {
  communicationUserId: string;
  /** The ready row, as last written or read (with its ETag). */
  row: Versioned<DefaultEntity>;
  /** The first token, when this call created the identity with one. */
  issued?: AcsToken;
}

export interface IdentityService {
  /** The caller's default identity, created in ACS on first use (exactly once across instances). */
  defaultIdentity(subjectId: string): Promise<string>;
  /**
   * The same, with the ready row; when the identity must be created and `firstToken` is given, ACS creates
   * it with its first token in one call. `known` is the default row the caller has just read (null: it read
   * that there is none), so it is not read again.
   */
  ensureDefault(
    subjectId: string,
    firstToken?: FirstTokenRequest,
    known?: Versioned<DefaultEntity> | null,
  ): Promise<DefaultIdentity>;
  /** Throws 403 unless the subject is linked to the identity. */
  assertLinked(subjectId: string, communicationUserId: string): Promise<void>;
  listForSubject(subjectId: string): Promise<SubjectIdentity[]>;
  addIdentity(subjectId: string, label: string): Promise<SubjectIdentity>;
  /**
   * Unlinks; deletes the ACS identity when no subject is left on it, unless it is a service identity: those
   * belong to admins, and a user may only unlink them.
   */
  removeIdentity(subjectId: string, communicationUserId: string): Promise<void>;
  /** Every link of the subject, and every identity of theirs left with no subject (never a service one). */
  eraseSubject(subjectId: string): Promise<void>;
  createServiceIdentity(actor: string, subjects: string[], label: string): Promise<IdentityRecord>;
  getIdentity(communicationUserId: string): Promise<IdentityRecord>;
  link(request: LinkRequest): Promise<void>;
  unlink(request: LinkRequest): Promise<void>;
  deleteIdentity(actor: string, communicationUserId: string): Promise<void>;
}

/** An admin linking or unlinking a subject and an identity. */
export interface LinkRequest {
  actor: string;
  communicationUserId: string;
  subjectId: string;
}

/** Conditional writes of one default row before a removal gives up on a row that keeps changing. */
const defaultRowAttempts = 10;

export function createIdentityService(options: IdentityServiceOptions): IdentityService {
  const { store, acs, audit } = options;
  const clock = options.clock ?? systemClock;
  const leaseMs = options.creationLeaseMs ?? 30_000;
  const waitMs = options.creationWaitMs ?? 15_000;
  const sleep = options.sleep ?? realSleep;

  /*
   * Get-or-create, safe across instances and crashes. The subject's "default" row is both the pointer
   * to its default identity and the lease on creating it; each step is one round of storage writes, and
   * the steps of one round touch different partitions:
   *   1. No row: insert {state: pending, claimId}. The insert is atomic, so exactly one caller wins;
   *      the others see 409 and wait for the winner. (Beside it: the first token's budget, if any.)
   *   2. The winner creates the ACS identity (with the first token, in the same ACS call, when the request
   *      wants one).
   *   3. It replaces the row (ETag) with {state: created, id} and, beside it, writes the identity's meta and
   *      reverse link (one transaction of the identity's partition). From the first of these on the id is
   *      durable: no one will create another. The reverse link comes no later than the forward one, which is
   *      what authorizes the identity (and what a revocation finds the row by).
   *   4. One transaction of the subject's partition writes the forward link and replaces the row (ETag) with
   *      {state: ready, cacheGeneration, the first token sealed}; beside it, the audit.
   * Anyone who finds "created" finishes the job from 3 (idempotent upserts of the same values). A crash
   * between creating the ACS identity and step 3 leaves the row pending: once its lease expires the next
   * request takes the claim over (ETag) and creates a new identity; the first one stays in ACS with no
   * mapping (ACS identities cannot be listed, so it cannot be found to delete), and a token it came with was
   * never handed out. A claimant that finds its claim taken over at step 3 deletes the identity it created
   * (and the rows it wrote beside) and adopts the other. A revocation while the row is "created" resets the
   * row (see tokens/defaultRowTokens.ts), so step 4 loses its ETag race and finishes without the first token.
   *
   * A first token is therefore 5 dependency rounds in series, against the speed issue's target of 4: the
   * default row read (tokenService: a hit must be that one read, so nothing is written before it shows there
   * is no row), the claim beside the budget (1), ACS (2), the created row beside the identity's rows (3), the
   * link and ready row beside the audit (4). Each is ordered after the one before for a reason that a fourth
   * round would give up:
   *   - claim before ACS: the insert is the only thing that makes creation exactly-once across instances;
   *     a second ACS identity could not be found again to undo it (identities cannot be listed);
   *   - ACS before 3: the id exists only once ACS answers, and every row of 3 and 4 is keyed by or names it;
   *   - 3 before 4: the reverse link and meta are how admins find, revoke and delete the identity and how a
   *     revocation finds the subject's row; the forward link authorizes it and the ready row serves it. Writing
   *     3 and 4 together would, on a crash or a failure of one write, leave a servable ready row for an
   *     identity with no meta and no reverse link: 404 to an admin's revoke or delete, invisible to every
   *     revocation by identity, and nothing that would ever write the missing rows (a hit is one read). Today
   *     the "created" row written in 3 is what lets the next request finish such a creation.
   */
  const ensureDefault = async (
    subjectId: string,
    firstToken?: FirstTokenRequest,
    known?: Versioned<DefaultEntity> | null,
  ): Promise<DefaultIdentity> => {
    const deadline = clock().getTime() + waitMs;
    let current: Versioned<DefaultEntity> | null | undefined = known;
    for (let attempt = 0; ; attempt++) {
      if (current === undefined) current = (await store.readDefault(subjectId)) ?? null;
      if (!current) {
        const claim = pendingClaim(subjectId);
        const [claimed, budget] = await Promise.allSettled([
          store.createDefault(claim),
          firstToken?.takeBudget(),
        ]);
        if (claimed.status === 'rejected') throw claimed.reason;
        if (!claimed.value) {
          // Another request claimed it first: wait for its identity (its budget spent is ours to keep).
          if (budget.status === 'rejected') throw budget.reason;
          current = undefined;
          continue;
        }
        if (budget.status === 'rejected') {
          // Give the claim back so a retry need not wait for the lease to expire.
          await store.deleteDefault(subjectId, claimed.value.etag).catch(() => undefined);
          throw budget.reason;
        }
        return completeClaim(claimed.value, firstToken);
      }
      const row = current.value;
      if (row.state === 'ready' && row.communicationUserId) {
        return { communicationUserId: row.communicationUserId, row: current };
      }
      if (row.state === 'created' && row.communicationUserId) return finishCreation(current);
      if (clock().getTime() - row.claimedAt > leaseMs) {
        const taken = await store.replaceDefault(pendingClaim(subjectId), current.etag);
        if (taken) return completeClaim(taken, firstToken);
        current = undefined;
        continue;
      }
      if (clock().getTime() > deadline) {
        throw dependencyUnavailable('The identity is still being created; try again.', {
          retryAfterSeconds: 1,
          code: 'IdentityCreationPending',
        });
      }
      await sleep(backoffDelay(attempt, { baseMs: 20, maxMs: 250 }));
      current = undefined;
    }
  };

  const defaultIdentity = async (subjectId: string): Promise<string> =>
    (await ensureDefault(subjectId)).communicationUserId;

  const pendingClaim = (subjectId: string): DefaultEntity => ({
    subjectId,
    state: 'pending',
    claimId: randomUUID(),
    claimedAt: clock().getTime(),
  });

  const completeClaim = async (
    claim: Versioned<DefaultEntity>,
    firstToken: FirstTokenRequest | undefined,
  ): Promise<DefaultIdentity> => {
    const { subjectId } = claim.value;
    let communicationUserId: string;
    let issued: AcsToken | undefined;
    try {
      if (firstToken) {
        ({ communicationUserId, token: issued } = await acs.createIdentityWithToken(
          firstToken.scopes,
          firstToken.expiresInMinutes,
        ));
      } else {
        communicationUserId = await acs.createIdentity();
      }
    } catch (error) {
      await store.deleteDefault(subjectId, claim.etag).catch(() => undefined);
      throw error;
    }
    const createdAt = clock().toISOString();
    const [created, identityRows] = await Promise.allSettled([
      store.replaceDefault({ ...claim.value, state: 'created', communicationUserId, createdAt }, claim.etag),
      store.writeIdentityRows(defaultMeta(communicationUserId, createdAt), subjectId),
    ]);
    if (created.status === 'rejected') throw created.reason;
    if (!created.value) {
      // Our lease expired and another instance took over: theirs is the one that counts.
      await Promise.allSettled([
        acs.deleteIdentity(communicationUserId),
        store.deleteIdentityRows(communicationUserId, subjectId),
      ]);
      return ensureDefault(subjectId, firstToken);
    }
    if (identityRows.status === 'rejected') throw identityRows.reason;
    return makeReady(created.value, issued, firstToken);
  };

  const defaultMeta = (communicationUserId: string, createdAt: string) => ({
    communicationUserId,
    label: 'default',
    kind: 'user' as const,
    createdAt,
  });

  /** Step 3 again, for a row a crash left "created": every write is an upsert of the same values. */
  const finishCreation = async (created: Versioned<DefaultEntity>): Promise<DefaultIdentity> => {
    const { subjectId, communicationUserId } = created.value;
    if (!communicationUserId) throw new Error('A created default identity must have an id.');
    const createdAt = created.value.createdAt ?? clock().toISOString();
    await store.writeIdentityRows(defaultMeta(communicationUserId, createdAt), subjectId);
    return makeReady(created, undefined, undefined);
  };

  /** Step 4. Losing its ETag race means the row moved on (another finisher, a revocation): read it again. */
  const makeReady = async (
    created: Versioned<DefaultEntity>,
    issued: AcsToken | undefined,
    firstToken: FirstTokenRequest | undefined,
  ): Promise<DefaultIdentity> => {
    const { subjectId, communicationUserId } = created.value;
    if (!communicationUserId) throw new Error('A created default identity must have an id.');
    const createdAt = created.value.createdAt ?? clock().toISOString();
    const ready: DefaultEntity = {
      ...created.value,
      state: 'ready',
      cacheGeneration: randomUUID(),
      cache: undefined,
    };
    if (issued && firstToken) ready.cache = firstToken.seal(ready, issued);
    const [finished] = await Promise.all([
      store.finishDefault(
        { subjectId, communicationUserId, label: 'default', createdAt },
        ready,
        created.etag,
      ),
      audit.record(
        { action: 'identity.created', actor: subjectId, subjectId, communicationUserId },
        ...(issued && firstToken ? [firstToken.issuedEvent(communicationUserId, issued)] : []),
      ),
    ]);
    if (finished) return { communicationUserId, row: finished, ...(issued ? { issued } : {}) };
    const now = await ensureDefault(subjectId);
    return { ...now, ...(issued ? { issued } : {}) };
  };

  const assertLinked = async (subjectId: string, communicationUserId: string) => {
    if (!(await store.readLink(subjectId, communicationUserId))) {
      throw forbidden('The identity is not linked to the caller.', { code: 'IdentityNotLinked' });
    }
  };

  /**
   * Moves the subject's default off `removedId`, to its oldest other identity that is not a service one (those
   * belong to admins: a user's plain revoke must never reach them), or clears it. Runs while the links are
   * still there, so a revocation of the removed identity meanwhile still finds this row. Every write is
   * conditioned on the ETag just read: a token cached into the row meanwhile (a miss that read the row before)
   * makes the write lose, and the row is read again; a row that keeps changing fails the removal (503, the
   * client retries) rather than stay pointing at, and serving tokens of, an identity no longer the subject's.
   */
  const repairDefault = async (subjectId: string, removedId: string) => {
    const kinds = new Map<string, IdentityMetaEntity['kind'] | undefined>();
    const isService = async (communicationUserId: string) => {
      if (!kinds.has(communicationUserId))
        kinds.set(communicationUserId, (await store.readMeta(communicationUserId))?.kind);
      return kinds.get(communicationUserId) === 'service';
    };
    await retryOnConflict(
      async () => {
        const { links, default: current, slots } = await store.readSubject(subjectId);
        if (!current || current.value.communicationUserId !== removedId) return;
        const candidates = links
          .filter((link) => link.communicationUserId !== removedId)
          .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
        let next: LinkEntity | undefined;
        for (const candidate of candidates) {
          if (!(await isService(candidate.communicationUserId))) {
            next = candidate;
            break;
          }
        }
        if (!next) return (await store.deleteDefault(subjectId, current.etag)) ? undefined : conflicted;
        // Another identity: none of the cached tokens belong to it.
        const moved = await store.replaceDefault(
          {
            ...current.value,
            state: 'ready',
            communicationUserId: next.communicationUserId,
            cacheGeneration: randomUUID(),
            cache: undefined,
          },
          current.etag,
        );
        if (!moved) return conflicted;
        // The default has a place of its own under the cap: the promoted identity gives its slot back.
        const promoted = next.communicationUserId;
        const slot = slots.find((held) => held.value.communicationUserId === promoted);
        if (slot) await store.deleteSlot(subjectId, slot.value.index, slot.etag);
        return undefined;
      },
      {
        maxAttempts: defaultRowAttempts,
        backoff: { baseMs: 5, maxMs: 100 },
        sleep,
        exhausted: () =>
          dependencyUnavailable('The default identity is changing under many requests; try again.', {
            retryAfterSeconds: 1,
            code: 'DefaultIdentityBusy',
          }),
      },
    );
  };

  /**
   * On a user's way out (remove, erase): deletes the identity in ACS and its meta when no subject but this one
   * is linked to it. Runs before this subject's link goes, so a retry after a failure here (ACS down) still
   * finds the identity by that link and finishes. A service identity stays, with or without subjects: it
   * belongs to the admins who made it.
   */
  const deleteIfOnlyTheirs = async (subjectId: string, communicationUserId: string) => {
    if ((await store.readMeta(communicationUserId))?.kind === 'service') return;
    const linked = await store.subjectsOf(communicationUserId, 2);
    if (linked.some((other) => other !== subjectId)) return;
    await deleteInAcs(communicationUserId);
    await store.deleteMeta(communicationUserId);
    await audit.record({ action: 'identity.deleted', actor: subjectId, communicationUserId });
  };

  const deleteInAcs = async (communicationUserId: string) => {
    await options.forgetTokens?.(communicationUserId);
    await acs.deleteIdentity(communicationUserId);
  };

  /**
   * The default moves first, then the link goes: a crash in between leaves the link, so a retry finds it and
   * finishes, never a default pointing at an identity the subject is no longer linked to.
   */
  const unlinkEverywhere = async (actor: string, subjectId: string, communicationUserId: string) => {
    await repairDefault(subjectId, communicationUserId);
    await store.unlink(subjectId, communicationUserId);
    await audit.record({ action: 'identity.unlinked', actor, subjectId, communicationUserId });
  };

  /**
   * A place under the cap for one more identity, taken before ACS is asked for it: the free slot with the
   * lowest number is inserted (an insert loses to a concurrent one, on any instance), or a reservation a
   * crash left behind is taken over after its lease. No place left: 409.
   */
  const reserveSlot = async (subjectId: string): Promise<Versioned<SlotEntity>> => {
    const extras = options.capPerSubject - 1;
    return retryOnConflict(
      async () => {
        const { slots } = await store.readSubject(subjectId);
        const taken = new Set(slots.map((slot) => slot.value.index));
        const free = Array.from({ length: extras }, (_, i) => i + 1).find((index) => !taken.has(index));
        const reservation: Omit<SlotEntity, 'index'> = {
          subjectId,
          state: 'reserved',
          reservedAt: clock().getTime(),
        };
        if (free !== undefined)
          return (await store.createSlot({ ...reservation, index: free })) ?? conflicted;
        const abandoned = slots.find(
          (slot) => slot.value.state === 'reserved' && clock().getTime() - slot.value.reservedAt > leaseMs,
        );
        if (!abandoned) {
          throw conflict(`A subject may hold at most ${options.capPerSubject} identities.`, {
            code: 'IdentityCapReached',
          });
        }
        return (
          (await store.replaceSlot({ ...reservation, index: abandoned.value.index }, abandoned.etag)) ??
          conflicted
        );
      },
      {
        maxAttempts: 20,
        backoff: { baseMs: 5, maxMs: 100 },
        sleep,
        exhausted: () =>
          dependencyUnavailable('Identities are being added by many requests at once; try again.', {
            retryAfterSeconds: 1,
            code: 'IdentityCreationPending',
          }),
      },
    );
  };

  const getIdentity = async (communicationUserId: string): Promise<IdentityRecord> => {
    const meta = await store.readMeta(communicationUserId);
    if (!meta) throw notFound('No such identity.', { code: 'IdentityNotFound' });
    return { ...meta, subjects: await store.subjectsOf(communicationUserId) };
  };

  return {
    defaultIdentity,
    ensureDefault,
    assertLinked,

    async listForSubject(subjectId) {
      const { links, default: current } = await store.readSubject(subjectId);
      const defaultId = current?.value.state === 'ready' ? current.value.communicationUserId : undefined;
      return links
        .map((link) => ({
          communicationUserId: link.communicationUserId,
          label: link.label,
          isDefault: link.communicationUserId === defaultId,
          createdAt: link.createdAt,
        }))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

    async addIdentity(subjectId, label) {
      // Make sure the default exists first, so that an extra identity is never taken for the default.
      await defaultIdentity(subjectId);
      const slot = await reserveSlot(subjectId);
      let communicationUserId: string;
      try {
        communicationUserId = await acs.createIdentity();
      } catch (error) {
        // Give the place back, so a failure costs the subject nothing.
        await store.deleteSlot(subjectId, slot.value.index, slot.etag).catch(() => undefined);
        throw error;
      }
      const createdAt = clock().toISOString();
      await store.writeMeta({ communicationUserId, label, kind: 'user', createdAt });
      await store.link({ subjectId, communicationUserId, label, createdAt });
      const held = await store.replaceSlot({ ...slot.value, state: 'held', communicationUserId }, slot.etag);
      if (!held) {
        // The reservation outlived its lease and was taken over: this identity has no place under the cap.
        await store.unlink(subjectId, communicationUserId);
        await deleteInAcs(communicationUserId);
        await store.deleteMeta(communicationUserId);
        throw dependencyUnavailable('Adding the identity took too long; try again.', {
          retryAfterSeconds: 1,
          code: 'IdentityCreationPending',
        });
      }
      await audit.record({ action: 'identity.created', actor: subjectId, subjectId, communicationUserId });
      return { communicationUserId, label, isDefault: false, createdAt };
    },

    async removeIdentity(subjectId, communicationUserId) {
      if (!(await store.readLink(subjectId, communicationUserId))) {
        throw notFound('The caller has no such identity.', { code: 'IdentityNotFound' });
      }
      // The default moves off it before it is deleted; the link goes last (see deleteIfOnlyTheirs).
      await repairDefault(subjectId, communicationUserId);
      await deleteIfOnlyTheirs(subjectId, communicationUserId);
      await unlinkEverywhere(subjectId, subjectId, communicationUserId);
      const { slots } = await store.readSubject(subjectId);
      const slot = slots.find((held) => held.value.communicationUserId === communicationUserId);
      if (slot) await store.deleteSlot(subjectId, slot.value.index, slot.etag);
    },

    async eraseSubject(subjectId) {
      const { links, default: current, slots } = await store.readSubject(subjectId);
      // A default row pointing at an identity with no link (a crash mid-creation): that identity goes while
      // the row still names it, so a retry after a failure here still finds it. Such a row is not ready,
      // so nothing is served from it meanwhile.
      const pendingId = current?.value.communicationUserId;
      if (pendingId && !links.some((link) => link.communicationUserId === pendingId)) {
        await deleteIfOnlyTheirs(subjectId, pendingId);
        await store.unlink(subjectId, pendingId);
      }
      // Then the default row, before any linked identity is deleted: from here on no token of the subject is
      // served from it, even if the erasure fails part-way. Each identity goes before its link does, so a
      // retry finds what is left by the links.
      if (current) await store.deleteDefault(subjectId);
      for (const link of links) {
        await deleteIfOnlyTheirs(subjectId, link.communicationUserId);
        await store.unlink(subjectId, link.communicationUserId);
      }
      for (const slot of slots) await store.deleteSlot(subjectId, slot.value.index);
      await audit.record({ action: 'subject.erased', actor: subjectId, subjectId });
    },

    async createServiceIdentity(actor, subjects, label) {
      const communicationUserId = await acs.createIdentity();
      const createdAt = clock().toISOString();
      await store.writeMeta({ communicationUserId, label, kind: 'service', createdAt });
      await audit.record({ action: 'identity.created', actor, communicationUserId });
      for (const subjectId of subjects) {
        await store.link({ subjectId, communicationUserId, label, createdAt });
        await audit.record({ action: 'identity.linked', actor, subjectId, communicationUserId });
      }
      return { communicationUserId, label, kind: 'service', createdAt, subjects: [...new Set(subjects)] };
    },

    getIdentity,

    async link({ actor, communicationUserId, subjectId }) {
      const meta = await store.readMeta(communicationUserId);
      if (!meta) throw notFound('No such identity.', { code: 'IdentityNotFound' });
      await store.link({
        subjectId,
        communicationUserId,
        label: meta.label,
        createdAt: clock().toISOString(),
      });
      await audit.record({ action: 'identity.linked', actor, subjectId, communicationUserId });
    },

    async unlink({ actor, communicationUserId, subjectId }) {
      if (!(await store.readMeta(communicationUserId)))
        throw notFound('No such identity.', { code: 'IdentityNotFound' });
      if (!(await store.readLink(subjectId, communicationUserId))) {
        throw notFound('The subject is not linked to this identity.', { code: 'LinkNotFound' });
      }
      await unlinkEverywhere(actor, subjectId, communicationUserId);
    },

    async deleteIdentity(actor, communicationUserId) {
      const subjects = await store.subjectsOf(communicationUserId);
      const meta = await store.readMeta(communicationUserId);
      if (!meta && subjects.length === 0) throw notFound('No such identity.', { code: 'IdentityNotFound' });
      // Links first, so nobody is handed a token for an identity about to disappear; every step is
      // idempotent, so a retry after a failure part-way finishes the job.
      for (const subjectId of subjects) await unlinkEverywhere(actor, subjectId, communicationUserId);
      await deleteInAcs(communicationUserId);
      await store.deleteMeta(communicationUserId);
      await audit.record({ action: 'identity.deleted', actor, communicationUserId });
    },
  };
}
