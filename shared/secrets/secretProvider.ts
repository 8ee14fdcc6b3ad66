/** Where secrets (the ACS connection string, the token-cache key) come from. */
export interface SecretProvider {
  /** The secret's current value; `refresh` skips any cached value (after a rejection). */
  get(name: string, options?: { refresh?: boolean }): Promise<string>;
}
