/** A row's value with the ETag it was read at: writes conditioned on it lose to any change since. */
export interface Versioned<T> {
  value: T;
  etag: string;
}
