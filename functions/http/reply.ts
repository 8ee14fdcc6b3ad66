/**
 * A success answer other than the operation's usual one: another status, extra headers, or a body that is
 * not JSON (`raw`, sent as is with the content type the headers give).
 */
export class Reply<Body> {
  constructor(
    readonly init: {
      status: number;
      body?: Body;
      raw?: string | Uint8Array;
      headers?: Record<string, string>;
    },
  ) {}
}
