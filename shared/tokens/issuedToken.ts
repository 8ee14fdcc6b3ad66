import type { AcsScope } from '../config/acsScopes';

/** What a client gets back: everything needed to use ACS as that identity. */
export interface IssuedToken {
  communicationUserId: string;
  token: string;
  expiresOn: string;
  scopes: AcsScope[];
}
