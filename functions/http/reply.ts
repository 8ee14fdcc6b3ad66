/** A success answer other than the operation's usual one: another status, or extra headers. */
export class Reply<Body> {
  constructor(readonly init: { status: number; body?: Body; headers?: Record<string, string> }) {}
}
