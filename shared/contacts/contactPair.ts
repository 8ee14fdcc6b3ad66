/**
 * Where one side of a pair stands: it asked for (or accepted) the other (`wants`), it declined the other's
 * request (`declined`: the request stays pending for the asker, who is not told), or neither.
 */
export type ContactIntent = 'none' | 'wants' | 'declined';

export interface ContactSide {
  subjectId: string;
  intent: ContactIntent;
  /** The name this side shows the other once they are mutual contacts. */
  displayName?: string | undefined;
  /** When this side's intent last changed (ISO 8601). */
  since: string;
}

/**
 * The one row that says what two subjects are to each other. Sides are ordered by their table keys, so
 * either subject finds the same row; every change to it is conditional on its ETag.
 */
export interface ContactPair {
  low: ContactSide;
  high: ContactSide;
}

/** What a pair looks like to one of its subjects; `none` rows exist only so erasure can find the pair. */
export type ContactState = 'mutual' | 'outgoing' | 'incoming' | 'declined' | 'none';

/** The pair from one subject's side: `mine` is that subject's, `theirs` the other's. */
export interface OrientedPair {
  mine: ContactSide;
  theirs: ContactSide;
}

export function orient(pair: ContactPair, mineIsLow: boolean): OrientedPair {
  return mineIsLow ? { mine: pair.low, theirs: pair.high } : { mine: pair.high, theirs: pair.low };
}

export function unorient(oriented: OrientedPair, mineIsLow: boolean): ContactPair {
  return mineIsLow
    ? { low: oriented.mine, high: oriented.theirs }
    : { low: oriented.theirs, high: oriented.mine };
}

export function stateOf({ mine, theirs }: OrientedPair): ContactState {
  if (mine.intent === 'declined') return 'declined';
  if (mine.intent === 'wants') return theirs.intent === 'wants' ? 'mutual' : 'outgoing';
  return theirs.intent === 'wants' ? 'incoming' : 'none';
}

/** A pair where nobody wants anything is not kept, unless a decline must be remembered. */
export function isEmpty(pair: ContactPair): boolean {
  return pair.low.intent === 'none' && pair.high.intent === 'none';
}

/** A request of `mine` that the other has not accepted: it counts against the asker's pending limit. */
export function isPendingFromMine(oriented: OrientedPair): boolean {
  return oriented.mine.intent === 'wants' && oriented.theirs.intent !== 'wants';
}
