import type { RoomStore } from '../roomStore';
import type { CallEventPublisher } from './callEventPublisher';
import type { CallRegistry } from './callRegistry';
import type { MediaFaults } from './mediaFaults';
import type { OwnedPhoneNumbers } from './ownedPhoneNumbers';
import type { PartyBehaviours } from './partyBehaviours';
import type { ScaledTimers } from './scaledTimers';
import type { SimulatedDurations } from './simulatedDurations';

/** What every Call Automation operation and far-end action works with. */
export interface CallAutomationContext {
  registry: CallRegistry;
  events: CallEventPublisher;
  timers: ScaledTimers;
  parties: PartyBehaviours;
  phoneNumbers: OwnedPhoneNumbers;
  rooms: RoomStore;
  mediaFaults: MediaFaults;
  durations: SimulatedDurations;
}
