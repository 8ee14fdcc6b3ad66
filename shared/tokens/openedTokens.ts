/**
 * Tokens this instance has already decrypted from default rows, by what the entry was sealed under (key,
 * associated data, IV) and its authentication tag: an entry that opened once under those opens to the same
 * token, so a hit on the same entry need not pay for AES-GCM again. It holds what the process held anyway, for no
 * longer than its capacity allows; correctness never depends on it.
 */
export interface OpenedTokens {
  get(binding: string): string | undefined;
  set(binding: string, token: string): void;
}

export function createOpenedTokens(capacity = 10_000): OpenedTokens {
  const tokens = new Map<string, string>();
  return {
    get: (binding) => tokens.get(binding),
    set(binding, token) {
      tokens.set(binding, token);
      if (tokens.size > capacity) tokens.delete(tokens.keys().next().value as string);
    },
  };
}
