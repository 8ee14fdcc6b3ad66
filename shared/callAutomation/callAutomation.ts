import type { CallbackTokenVerifier } from '../auth/callbackTokenVerifier';
import type { CallAutomationService } from './callAutomationService';
import type { CallbackReceiver } from './callbackReceiver';
import type { IncomingCallMenus } from './incomingCallMenus';
import type { IncomingCalls } from './incomingCalls';
import type { PromptCatalog } from './promptCatalog';
import type { ResultSweep } from './resultSweep';

/** One of the resource's phone numbers, for admins: what it can do, and whether it has a menu. */
export interface PhoneNumberView {
  phoneNumber: string;
  countryCode: string;
  phoneNumberType: string;
  calling: { inbound: boolean; outbound: boolean };
  sms: { inbound: boolean; outbound: boolean };
  hasMenu: boolean;
}

/** Everything Call Automation offers, present only when it is set up (CALLBACK_BASE_URL). */
export interface CallAutomation {
  service: CallAutomationService;
  callbackTokens: CallbackTokenVerifier;
  callbacks: CallbackReceiver;
  incomingCalls: IncomingCalls;
  prompts: PromptCatalog;
  menus: IncomingCallMenus;
  /** Erases collected tones past CALL_RESULT_TTL_HOURS that nobody read: run by a timer function. */
  results: ResultSweep;
  phoneNumbers(): Promise<PhoneNumberView[]>;
}

/** ACS's capability strings (`inbound+outbound`, `none`, ...) as two flags. */
export function capabilityFlags(capability: string): { inbound: boolean; outbound: boolean } {
  return { inbound: capability.includes('inbound'), outbound: capability.includes('outbound') };
}
