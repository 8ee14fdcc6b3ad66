import { CallAutomationClient } from '@azure/communication-call-automation';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { PhoneNumbersClient } from '@azure/communication-phone-numbers';
import { RoomsClient } from '@azure/communication-rooms';
import type { AcsEmulator } from '../../local/acsEmulator/startAcsEmulator';

/** No retries, so tests see the status the emulator answered and never wait on back-off. */
const clientOptions = { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } };

export function identityClient(connectionString: string): CommunicationIdentityClient {
  return new CommunicationIdentityClient(connectionString, clientOptions);
}

export function roomsClient(connectionString: string): RoomsClient {
  return new RoomsClient(connectionString, clientOptions);
}

export function callAutomationClient(connectionString: string): CallAutomationClient {
  return new CallAutomationClient(connectionString, clientOptions);
}

export function phoneNumbersClient(connectionString: string): PhoneNumbersClient {
  return new PhoneNumbersClient(connectionString, clientOptions);
}

export type TokenValidationResult =
  | { valid: true; communicationUserId: string; scopes: string[]; expiresOn: string }
  | { valid: false; reason: string };

/** The emulator's unauthenticated token check, called as any local tool would: plain fetch. */
export async function validateToken(emulator: AcsEmulator, token: string): Promise<TokenValidationResult> {
  const response = await fetch(new URL(':validateToken', emulator.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (response.status !== 200) throw new Error(`validateToken answered ${response.status}`);
  return (await response.json()) as TokenValidationResult;
}
