import type { AuditLog } from '../audit/auditLog';
import type { AuditAction } from '../audit/auditEvent';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { storageFanOut } from '../concurrency/storageFanOut';
import { badRequest, conflict, dependencyUnavailable, notFound } from '../errors/serviceError';
import { conflicted, retryOnConflict } from '../retry/retryOnConflict';
import { tableKey } from '../storage/tableKey';
import type { Versioned } from '../storage/versioned';
import { systemClock, type Clock } from '../time/clock';
import { realSleep, type Sleep } from '../time/sleep';
import {
  isEmpty,
  isPendingFromMine,
  orient,
  stateOf,
  unorient,
  type ContactPair,
  type OrientedPair,
} from './contactPair';
import type { ContactStore, PendingEntry, ProjectionRow, SubjectKey } from './contactStore';

/** A mutual contact: its default identity (null while it has none) and the name it chose to show. */
export interface Contact {
  subjectId: string;
  communicationUserId: string | null;
  displayName?: string;
}

export interface ContactList {
  contacts: Contact[];
  incoming: Array<{ subjectId: string }>;
  outgoing: Array<{ subjectId: string }>;
}

/** What support sees: the subject's lists, and whom it declined (which the subject itself no longer sees). */
export interface SubjectContactList extends ContactList {
  declined: Array<{ subjectId: string }>;
}

export interface ContactRequestResult {
  subjectId: string;
  /** `mutual` when the other had asked already; `outgoing` otherwise, whether or not that subject exists. */
  state: 'outgoing' | 'mutual';
}

export interface ContactService {
  request(subjectId: string, other: string, displayName?: string): Promise<ContactRequestResult>;
  accept(subjectId: string, other: string, displayName?: string): Promise<Contact>;
  /** Removes a contact, withdraws a request or declines one; idempotent. */
  remove(subjectId: string, other: string): Promise<void>;
  list(subjectId: string): Promise<ContactList>;
  listForSupport(subjectId: string): Promise<SubjectContactList>;
  /** Takes the subject off every list, its own and everyone else's. Idempotent. */
  eraseSubject(subjectId: string): Promise<void>;
}

export interface ContactServiceOptions {
  store: ContactStore;
  audit: AuditLog;
  /**
   * The subject's default identity when it has one; never creates one. Contacts show it, and only it: the
   * other identities of a subject (devices, personas, bots) stay private.
   */
  defaultIdentityOf(subjectId: string): Promise<string | undefined>;
  /** Outgoing requests one subject may have waiting at once. */
  maxPending: number;
  clock?: Clock;
  sleep?: Sleep;
  /** How long a pending-list entry is kept without its pair row saying so: a request still being written. */
  pendingLeaseMs?: number;
}

const maxAttempts = 20;

export function createContactService(options: ContactServiceOptions): ContactService {
  const { store, audit } = options;
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const leaseMs = options.pendingLeaseMs ?? 30_000;
  const keyOf = (subjectId: string) => tableKey(subjectId) as SubjectKey;

  const contention = () =>
    dependencyUnavailable('The contact is being changed by many requests at once; try again.', {
      retryAfterSeconds: 1,
      code: 'ContactBusy',
    });
  const retrying = { maxAttempts, backoff: { baseMs: 5, maxMs: 100 }, sleep, exhausted: contention };

  /**
   * Makes both subjects' rows show what the pair row says. Each write is unconditional, so a write from an
   * older read can land after a newer one: the pair row is read again afterwards and the rows rewritten
   * until it did not change in between, which leaves the last writer's rows showing the latest state.
   */
  const project = (a: SubjectKey, b: SubjectKey): Promise<void> =>
    retryOnConflict(async () => {
      const before = await store.readPair(a, b);
      await Promise.all([projectFor(a, b, before?.value), projectFor(b, a, before?.value)]);
      const after = await store.readPair(a, b);
      return before?.etag === after?.etag ? undefined : conflicted;
    }, retrying);

  const projectFor = async (owner: SubjectKey, other: SubjectKey, pair: ContactPair | undefined) => {
    if (!pair) return store.deleteProjection(owner, other);
    await store.writeProjection(owner, other, projectionOf(orient(pair, owner < other)));
  };

  /**
   * Changes the pair row of two subjects by compare-and-swap: `decide` sees the current pair from the
   * caller's side and says what it becomes (undefined: no row); `beforeWrite` runs first, once per
   * attempt that writes. Returns the pair as it stands afterwards.
   */
  const changePair = async (
    subjectId: string,
    other: string,
    decide: (current: OrientedPair) => OrientedPair | undefined | 'unchanged',
    beforeWrite?: (next: OrientedPair) => Promise<void>,
  ): Promise<{ pair: OrientedPair; changed: boolean }> => {
    const [mineKey, theirKey] = [keyOf(subjectId), keyOf(other)];
    const mineIsLow = mineKey < theirKey;
    return retryOnConflict(async () => {
      const current = await store.readPair(mineKey, theirKey);
      const oriented = current ? orient(current.value, mineIsLow) : emptyPair(subjectId, other, clock);
      const decided = decide(oriented);
      if (decided === 'unchanged') return { pair: oriented, changed: false };
      const candidate = decided && unorient(decided, mineIsLow);
      const next = candidate && !isEmpty(candidate) ? candidate : undefined;
      if (next) await beforeWrite?.(orient(next, mineIsLow));
      if (!(await writePair(mineKey, theirKey, current, next))) return conflicted;
      return { pair: next ? orient(next, mineIsLow) : emptyPair(subjectId, other, clock), changed: true };
    }, retrying);
  };

  const writePair = async (
    a: SubjectKey,
    b: SubjectKey,
    current: Versioned<ContactPair> | undefined,
    next: ContactPair | undefined,
  ): Promise<boolean> => {
    if (!current) {
      if (!next) return true;
      // Rows first, so that erasing either subject finds the pair even if this request stops here.
      await Promise.all([
        store.ensureProjection(a, b, placeholder(next, a < b)),
        store.ensureProjection(b, a, placeholder(next, b < a)),
      ]);
      return (await store.createPair(a, b, next)) !== undefined;
    }
    if (!next) return store.deletePair(a, b, current.etag);
    return (await store.replacePair(a, b, next, current.etag)) !== undefined;
  };

  /**
   * Holds a place on the asker's pending list before the pair row says "asked", so that the limit holds
   * across instances: the list is one row changed by compare-and-swap. Entries are dropped only when full,
   * and only those whose pair no longer says they are pending (after a lease, for a request still writing).
   */
  const holdPendingPlace = async (subjectId: string, other: string): Promise<void> => {
    const owner = keyOf(subjectId);
    const target = keyOf(other);
    await retryOnConflict(async () => {
      const current = await store.readPending(owner);
      const now = clock().getTime();
      let entries = current?.value ?? [];
      if (entries.some((entry) => entry.key === target)) {
        entries = entries.map((entry) => (entry.key === target ? { key: target, at: now } : entry));
      } else {
        if (entries.length >= options.maxPending) entries = await stillPending(owner, entries, now);
        if (entries.length >= options.maxPending) {
          throw conflict(
            `At most ${options.maxPending} contact requests may wait for an answer at once; withdraw one first.`,
            { code: 'ContactRequestLimit' },
          );
        }
        entries = [...entries, { key: target, at: now }];
      }
      return (await store.writePending(owner, entries, current?.etag)) === undefined ? conflicted : true;
    }, retrying);
  };

  /**
   * The entries whose request still waits. A request the other accepted frees its place at once; one the
   * pair does not show (yet) may still be being written, so its place is kept for the lease.
   */
  const stillPending = async (owner: SubjectKey, entries: PendingEntry[], now: number) => {
    const kept = await mapWithConcurrency(entries, storageFanOut, async (entry) => {
      const pair = await store.readPair(owner, entry.key);
      const oriented = pair && orient(pair.value, owner < entry.key);
      if (oriented && isPendingFromMine(oriented)) return true;
      if (oriented?.mine.intent === 'wants') return false;
      return now - entry.at < leaseMs;
    });
    return entries.filter((_, index) => kept[index]);
  };

  /** A request withdrawn: its place on the asker's pending list is free again, now. */
  const releasePendingPlace = async (subjectId: string, other: string): Promise<void> => {
    const owner = keyOf(subjectId);
    const target = keyOf(other);
    await retryOnConflict(async () => {
      const current = await store.readPending(owner);
      if (!current?.value.some((entry) => entry.key === target)) return true;
      const entries = current.value.filter((entry) => entry.key !== target);
      return (await store.writePending(owner, entries, current.etag)) === undefined ? conflicted : true;
    }, retrying);
  };

  const record = (action: AuditAction, actor: string, subjectId: string) =>
    audit.record({ action, actor, subjectId });

  const contactOf = async (subjectId: string, displayName: string | undefined): Promise<Contact> => ({
    subjectId,
    communicationUserId: (await options.defaultIdentityOf(subjectId)) ?? null,
    ...(displayName ? { displayName } : {}),
  });

  const readLists = async (subjectId: string): Promise<SubjectContactList> => {
    const { rows } = await store.readSubject(keyOf(subjectId));
    const ofState = (state: ProjectionRow['state']) =>
      rows.filter((row) => row.state === state).sort((x, y) => y.since.localeCompare(x.since));
    const mutual = ofState('mutual').sort((x, y) =>
      (x.displayName ?? x.subjectId).localeCompare(y.displayName ?? y.subjectId),
    );
    const only = (list: ProjectionRow[]) => list.map((row) => ({ subjectId: row.subjectId }));
    return {
      contacts: await mapWithConcurrency(mutual, storageFanOut, (row) =>
        contactOf(row.subjectId, row.displayName),
      ),
      incoming: only(ofState('incoming')),
      outgoing: only(ofState('outgoing')),
      declined: only(ofState('declined')),
    };
  };

  const assertNotSelf = (subjectId: string, other: string) => {
    if (subjectId === other) {
      throw badRequest('A subject cannot be its own contact.', { code: 'ContactIsSelf' });
    }
  };

  return {
    async request(subjectId, other, displayName) {
      assertNotSelf(subjectId, other);
      const now = clock().toISOString();
      const { pair, changed } = await changePair(
        subjectId,
        other,
        ({ mine, theirs }) => {
          if (mine.intent === 'wants' && (displayName === undefined || displayName === mine.displayName)) {
            return 'unchanged';
          }
          const since = mine.intent === 'wants' ? mine.since : now;
          return {
            mine: { ...mine, intent: 'wants', displayName: displayName ?? mine.displayName, since },
            theirs,
          };
        },
        async (next) => {
          if (isPendingFromMine(next)) await holdPendingPlace(subjectId, other);
        },
      );
      await project(keyOf(subjectId), keyOf(other));
      const state = stateOf(pair) === 'mutual' ? 'mutual' : 'outgoing';
      if (changed)
        await record(state === 'mutual' ? 'contact.accepted' : 'contact.requested', subjectId, other);
      return { subjectId: other, state };
    },

    async accept(subjectId, other, displayName) {
      assertNotSelf(subjectId, other);
      const now = clock().toISOString();
      const { pair, changed } = await changePair(subjectId, other, (current) => {
        const state = stateOf(current);
        if (state !== 'incoming' && state !== 'mutual') {
          throw notFound('There is no request from this subject to accept.', {
            code: 'ContactRequestNotFound',
          });
        }
        if (state === 'mutual' && (displayName === undefined || displayName === current.mine.displayName)) {
          return 'unchanged';
        }
        const since = state === 'mutual' ? current.mine.since : now;
        return {
          mine: {
            ...current.mine,
            intent: 'wants',
            displayName: displayName ?? current.mine.displayName,
            since,
          },
          theirs: current.theirs,
        };
      });
      await project(keyOf(subjectId), keyOf(other));
      if (changed) await record('contact.accepted', subjectId, other);
      return contactOf(other, pair.theirs.displayName);
    },

    async remove(subjectId, other) {
      assertNotSelf(subjectId, other);
      const now = clock().toISOString();
      let action: AuditAction | undefined;
      const { changed } = await changePair(subjectId, other, (current) => {
        const state = stateOf(current);
        const cleared = { ...current.mine, displayName: undefined, since: now };
        switch (state) {
          case 'mutual':
            action = 'contact.removed';
            // Either side ends it for both: a later request starts afresh.
            return undefined;
          case 'outgoing':
            action = 'contact.removed';
            return { mine: { ...cleared, intent: 'none' }, theirs: current.theirs };
          case 'incoming':
            action = 'contact.declined';
            // The asker is not told: to them the request still waits.
            return { mine: { ...cleared, intent: 'declined' }, theirs: current.theirs };
          default:
            return 'unchanged';
        }
      });
      // Also when nothing changed: this finishes rows a request that stopped part-way left behind.
      await project(keyOf(subjectId), keyOf(other));
      await releasePendingPlace(subjectId, other);
      if (changed && action) await record(action, subjectId, other);
    },

    async list(subjectId) {
      const { contacts, incoming, outgoing } = await readLists(subjectId);
      return { contacts, incoming, outgoing };
    },

    listForSupport: readLists,

    async eraseSubject(subjectId) {
      const owner = keyOf(subjectId);
      const { rows } = await store.readSubject(owner);
      for (const row of rows) {
        await store.deletePair(owner, row.otherKey);
        // Removes the other's row for this subject, unless the other has just asked again (a new request).
        await project(owner, row.otherKey);
      }
      await store.deletePending(owner);
    },
  };
}

function emptyPair(subjectId: string, other: string, clock: Clock): OrientedPair {
  const since = clock().toISOString();
  return {
    mine: { subjectId, intent: 'none', since },
    theirs: { subjectId: other, intent: 'none', since },
  };
}

function projectionOf(oriented: OrientedPair): ProjectionRow {
  const state = stateOf(oriented);
  const since =
    state === 'incoming'
      ? oriented.theirs.since
      : state === 'mutual'
        ? maxTime(oriented.mine.since, oriented.theirs.since)
        : oriented.mine.since;
  return {
    subjectId: oriented.theirs.subjectId,
    state,
    // The other's name is shown only to a mutual contact.
    ...(state === 'mutual' && oriented.theirs.displayName
      ? { displayName: oriented.theirs.displayName }
      : {}),
    since,
  };
}

function placeholder(pair: ContactPair, ownerIsLow: boolean): ProjectionRow {
  return { subjectId: orient(pair, ownerIsLow).theirs.subjectId, state: 'none', since: '' };
}

const maxTime = (x: string, y: string) => (x > y ? x : y);
