import { randomUUID } from 'node:crypto';

/**
 * Raw ids of ACS users, in every cloud (`8:acs:` public, `8:gcch-acs:` and `8:dod-acs:` government,
 * `8:spool:` legacy). Rooms accepts any of them whether or not this emulator created it, as ACS does.
 */
const communicationUserRawId = /^8:(acs|gcch-acs|dod-acs|spool):[A-Za-z0-9_.-]{1,256}$/;

export function isCommunicationUserRawId(id: string): boolean {
  return communicationUserRawId.test(id);
}

export function newCommunicationUserId(resourceId: string): string {
  return `8:acs:${resourceId}_${randomUUID()}`;
}

/** Teams users exchanged through ACS appear as `8:orgid:<Entra object id>`. */
export function teamsUserRawId(objectId: string): string {
  return `8:orgid:${objectId}`;
}

/** ACS puts the raw id without its `8:` type prefix in the token's `skypeid` claim. */
export function skypeIdOf(rawId: string): string {
  return rawId.startsWith('8:') ? rawId.slice(2) : rawId;
}

export function rawIdOfSkypeId(skypeId: string): string {
  return `8:${skypeId}`;
}
