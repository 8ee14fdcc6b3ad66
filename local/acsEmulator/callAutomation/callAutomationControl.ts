import type { CallbackFaultSpec } from './callbackFaults';
import type { CallbackDelivery } from './callbackSender';
import type { CallView, IncomingCallView } from './callsView';
import type { EventGridSubscriptionSpec, EventGridSubscriptionView } from './eventGridDelivery';
import type { FarEndInput } from './farEndActions';
import type { IncomingCallDelivery, IncomingCallRequest } from './incomingCalls';
import type { MediaFaultSpec } from './mediaFaults';
import type { OwnedPhoneNumberSpec, PurchasedPhoneNumber } from './ownedPhoneNumbers';
import type { PartyBehaviour, PartySpec } from './partyBehaviours';

/** What a test or a person can do on the far end of calls, and see of them; the same over `/__emulator/`. */
export interface CallAutomationControl {
  setParty(spec: PartySpec): void;
  parties(): Array<PartyBehaviour & { target: string }>;
  /** Tones as the API spells them (`one`, `pound`) or as on a keypad (`1`, `#`). */
  pressDtmf(callConnectionId: string, participant: string, tones: string[]): FarEndInput;
  speak(callConnectionId: string, participant: string, phrase: string): FarEndInput;
  joinCall(callConnectionId: string, participant: string): void;
  hangUpParty(callConnectionId: string, participant: string): void;
  deliverIncomingCall(request: IncomingCallRequest): Promise<IncomingCallDelivery>;
  setEventGridSubscription(spec: EventGridSubscriptionSpec): Promise<EventGridSubscriptionView>;
  eventGridSubscription(): EventGridSubscriptionView | undefined;
  validateEventGridSubscription(code: string): boolean;
  injectCallbackFault(spec: CallbackFaultSpec): void;
  injectMediaFault(spec: MediaFaultSpec): void;
  calls(): { calls: CallView[]; incomingCalls: IncomingCallView[] };
  callbackDeliveries(): CallbackDelivery[];
  phoneNumbers(): PurchasedPhoneNumber[];
  addPhoneNumber(spec: OwnedPhoneNumberSpec): PurchasedPhoneNumber;
}
