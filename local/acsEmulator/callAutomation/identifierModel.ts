import { z } from 'zod';
import { isCommunicationUserRawId } from '../communicationIdentifier';
import { invalidRequest } from './callAutomationErrors';

/** E.164 as ACS accepts it: a plus, then up to 15 digits not starting with 0. */
const e164 = /^\+[1-9]\d{6,14}$/;

/**
 * CommunicationIdentifierModel as the SDK sends it: `kind` and `rawId` are optional in requests, and at
 * most one kind-specific property is set (serializeCommunicationIdentifier omits `kind`).
 */
export const identifierModelSchema = z.object({
  kind: z.string().optional(),
  rawId: z.string().optional(),
  communicationUser: z.object({ id: z.string() }).optional(),
  phoneNumber: z
    .object({ value: z.string(), isAnonymous: z.boolean().optional(), assertedId: z.string().optional() })
    .optional(),
  microsoftTeamsUser: z.object({ userId: z.string() }).loose().optional(),
  microsoftTeamsApp: z.object({ appId: z.string() }).loose().optional(),
  teamsExtensionUser: z.object({ userId: z.string() }).loose().optional(),
});
export type IdentifierModel = z.infer<typeof identifierModelSchema>;

export const phoneNumberModelSchema = z.object({
  value: z.string(),
  isAnonymous: z.boolean().optional(),
  assertedId: z.string().optional(),
});

/** What the emulator answers with: kind, rawId and the one matching property, as ACS does. */
export interface IdentifierResponseModel {
  kind: 'communicationUser' | 'phoneNumber';
  rawId: string;
  communicationUser?: { id: string };
  phoneNumber?: { value: string };
}

export function isE164(value: string): boolean {
  return e164.test(value);
}

export function isPhoneRawId(rawId: string): boolean {
  return rawId.startsWith('4:');
}

export function phoneRawId(phoneNumber: string): string {
  return `4:${phoneNumber}`;
}

/** The E.164 number of a `4:` raw id. */
export function phoneNumberOf(rawId: string): string {
  return rawId.slice(2);
}

/**
 * The raw id of a participant the emulator can call: an ACS user or an E.164 phone number. Teams
 * users and apps are refused, because nothing here can ring them.
 */
export function rawIdOf(model: IdentifierModel, field: string): string {
  if (model.communicationUser) {
    const id = model.communicationUser.id;
    if (!isCommunicationUserRawId(id)) throw invalidRequest(`${field} is not a valid communication user id.`);
    return checkedRawId(model, id, field);
  }
  if (model.phoneNumber) {
    if (!isE164(model.phoneNumber.value)) throw invalidRequest(`${field} is not an E.164 phone number.`);
    return checkedRawId(model, phoneRawId(model.phoneNumber.value), field);
  }
  if (model.microsoftTeamsUser || model.microsoftTeamsApp || model.teamsExtensionUser) {
    throw invalidRequest(`${field}: Teams identities are not simulated by the ACS emulator.`);
  }
  if (model.rawId) return parseParticipant(model.rawId, field);
  throw invalidRequest(`${field} must identify a communication user or a phone number.`);
}

/** A raw id or a bare E.164 number, as a person types it into a control route. */
export function parseParticipant(value: string, field: string): string {
  if (isE164(value)) return phoneRawId(value);
  if (isPhoneRawId(value) && isE164(phoneNumberOf(value))) return value;
  if (isCommunicationUserRawId(value)) return value;
  throw invalidRequest(`${field} (${value}) is neither a communication user id nor an E.164 phone number.`);
}

export function identifierModelOf(rawId: string): IdentifierResponseModel {
  if (isPhoneRawId(rawId)) {
    return { kind: 'phoneNumber', rawId, phoneNumber: { value: phoneNumberOf(rawId) } };
  }
  return { kind: 'communicationUser', rawId, communicationUser: { id: rawId } };
}

function checkedRawId(model: IdentifierModel, derived: string, field: string): string {
  if (model.rawId !== undefined && model.rawId !== derived) {
    throw invalidRequest(`${field}.rawId does not match the identifier it carries.`);
  }
  return derived;
}
