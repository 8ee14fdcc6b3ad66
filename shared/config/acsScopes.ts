/**
 * The five scopes ACS issues tokens for. The scope allow-lists are settings, so the names live on the
 * configuration floor, where everything above can use them.
 */
export const acsScopes = ['chat', 'chat.join', 'chat.join.limited', 'voip', 'voip.join'] as const;
export type AcsScope = (typeof acsScopes)[number];
