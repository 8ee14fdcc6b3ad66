import type { EmulatorState } from '../emulatorState';
import type { Route } from '../route';
import type { CallAutomationControl } from './callAutomationControl';
import { callAutomationControlRoutes } from './callAutomationControlRoutes';
import type { CallAutomationContext } from './callAutomationContext';
import { callbackKeyRoutes } from './callbackKeyRoutes';
import { CallbackFaults, type CallbackFaultSpec } from './callbackFaults';
import { CallbackSender, type CallbackDelivery } from './callbackSender';
import { callConnectionRoutes } from './callConnectionRoutes';
import { CallEventPublisher } from './callEventPublisher';
import { callMediaRoutes } from './callMediaRoutes';
import { callParticipantRoutes } from './callParticipantRoutes';
import { CallRegistry } from './callRegistry';
import { callsView, type CallView, type IncomingCallView } from './callsView';
import {
  EventGridDelivery,
  type EventGridSubscriptionSpec,
  type EventGridSubscriptionView,
} from './eventGridDelivery';
import { hangUpParty, joinCall, pressKeys, speak, type FarEndInput } from './farEndActions';
import { parseParticipant } from './identifierModel';
import { deliverIncomingCall, type IncomingCallDelivery, type IncomingCallRequest } from './incomingCalls';
import { MediaFaults, type MediaFaultSpec } from './mediaFaults';
import { OwnedPhoneNumbers, type OwnedPhoneNumberSpec, type PurchasedPhoneNumber } from './ownedPhoneNumbers';
import { PartyBehaviours, partySpecSchema, type PartyBehaviour, type PartySpec } from './partyBehaviours';
import { phoneNumbersRoutes } from './phoneNumbersRoutes';
import { RepeatableRequests } from './repeatableRequests';
import { ScaledTimers } from './scaledTimers';
import { defaultDurations, type SimulatedDurations } from './simulatedDurations';

export interface CallAutomationOptions {
  /** Multiplies every simulated duration (ringing, play, recognize timeouts); default 1. */
  timeScale?: number;
  durations?: Partial<SimulatedDurations>;
  /** The numbers the resource owns; default one, +14255550100, with inbound and outbound calling. */
  phoneNumbers?: OwnedPhoneNumberSpec[];
}

/**
 * The emulator's Call Automation: the calling plane it simulates (calls, legs, far-end parties,
 * media), the REST routes the SDK uses, callbacks, Event Grid, phone numbers and the control surface.
 */
export class EmulatedCallAutomation implements CallAutomationControl {
  private readonly ctx: CallAutomationContext;
  private readonly sender: CallbackSender;
  private readonly callbackFaults = new CallbackFaults();
  private readonly eventGrid: EventGridDelivery;
  private readonly repeatable = new RepeatableRequests();

  constructor(
    private readonly state: EmulatorState,
    signal: AbortSignal,
    emulatorUrl: () => string,
    options: CallAutomationOptions = {},
  ) {
    const registry = new CallRegistry();
    this.sender = new CallbackSender({
      signer: state.callbackSigner,
      audience: () => state.resourceId,
      faults: this.callbackFaults,
      signal,
      otherCallbackUris: (callConnectionId) =>
        registry
          .allConnections()
          .filter((connection) => connection.id !== callConnectionId)
          .map((connection) => connection.callbackUri)
          .reverse(),
    });
    this.ctx = {
      registry,
      events: new CallEventPublisher(this.sender),
      timers: new ScaledTimers(options.timeScale ?? 1),
      parties: new PartyBehaviours(),
      phoneNumbers: new OwnedPhoneNumbers(options.phoneNumbers),
      rooms: state.rooms,
      mediaFaults: new MediaFaults(),
      durations: { ...defaultDurations, ...options.durations },
    };
    this.eventGrid = new EventGridDelivery(
      signal,
      (code) => `${emulatorUrl()}__emulator/event-grid/validate?code=${encodeURIComponent(code)}`,
    );
  }

  /** The ACS REST routes: Call Automation, PhoneNumbers, and the callback keys. */
  routes(): Route[] {
    return [
      ...callConnectionRoutes(this.ctx, this.repeatable),
      ...callParticipantRoutes(this.ctx, this.repeatable),
      ...callMediaRoutes(this.ctx, this.repeatable),
      ...phoneNumbersRoutes(this.ctx.phoneNumbers),
      ...callbackKeyRoutes(this.state.callbackSigner),
    ];
  }

  controlRoutes(): Route[] {
    return callAutomationControlRoutes(this);
  }

  setParty(spec: PartySpec): void {
    const valid = partySpecSchema.parse(spec);
    this.ctx.parties.set(parseParticipant(valid.target, 'target'), {
      behaviour: valid.behaviour,
      answerDelayMs: valid.answerDelayMs ?? 0,
    });
  }

  parties(): Array<PartyBehaviour & { target: string }> {
    return this.ctx.parties.list();
  }

  pressDtmf(callConnectionId: string, participant: string, tones: string[]): FarEndInput {
    return pressKeys(this.ctx, callConnectionId, participant, tones);
  }

  speak(callConnectionId: string, participant: string, phrase: string): FarEndInput {
    return speak(this.ctx, callConnectionId, participant, phrase);
  }

  joinCall(callConnectionId: string, participant: string): void {
    joinCall(this.ctx, callConnectionId, participant);
  }

  hangUpParty(callConnectionId: string, participant: string): void {
    hangUpParty(this.ctx, callConnectionId, participant);
  }

  deliverIncomingCall(request: IncomingCallRequest): Promise<IncomingCallDelivery> {
    return deliverIncomingCall(this.ctx, this.eventGrid, request);
  }

  setEventGridSubscription(spec: EventGridSubscriptionSpec): Promise<EventGridSubscriptionView> {
    return this.eventGrid.subscribe(spec);
  }

  eventGridSubscription(): EventGridSubscriptionView | undefined {
    return this.eventGrid.view();
  }

  validateEventGridSubscription(code: string): boolean {
    return this.eventGrid.validateByUrl(code);
  }

  injectCallbackFault(spec: CallbackFaultSpec): void {
    this.callbackFaults.inject(spec);
  }

  injectMediaFault(spec: MediaFaultSpec): void {
    this.ctx.mediaFaults.inject(spec);
  }

  calls(): { calls: CallView[]; incomingCalls: IncomingCallView[] } {
    return callsView(this.ctx.registry, this.sender);
  }

  callbackDeliveries(): CallbackDelivery[] {
    return this.sender.deliveries();
  }

  /** Resolves once every callback published so far has been posted (or given up on). */
  callbacksSettled(): Promise<void> {
    return this.sender.settled();
  }

  /** Requests answered from memory because they repeated a Repeatability-Request-ID. */
  repeatabilityReplays(): number {
    return this.repeatable.replays();
  }

  phoneNumbers(): PurchasedPhoneNumber[] {
    return this.ctx.phoneNumbers.list();
  }

  addPhoneNumber(spec: OwnedPhoneNumberSpec): PurchasedPhoneNumber {
    return this.ctx.phoneNumbers.add(spec);
  }

  /** Stops every simulated timer; callbacks in flight are aborted by the emulator's signal. */
  async close(): Promise<void> {
    this.ctx.timers.close();
    await this.sender.settled();
  }
}
