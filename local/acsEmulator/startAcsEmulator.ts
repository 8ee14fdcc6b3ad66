import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessKeySchema, randomAccessKey } from './accessKey';
import type { EventGridSubscriptionSpec } from './callAutomation/eventGridDelivery';
import type { CallAutomationControl } from './callAutomation/callAutomationControl';
import { EmulatedCallAutomation, type CallAutomationOptions } from './callAutomation/emulatedCallAutomation';
import { controlRoutes, type EmulatorControl } from './controlRoutes';
import { EmulatorState } from './emulatorState';
import { FaultInjector, type FaultSpec } from './faultInjector';
import type { IdentitySummary } from './identityStore';
import { identityRoutes } from './identityRoutes';
import { RequestDispatcher } from './requestDispatcher';
import { RequestStats } from './requestStats';
import { roomsRoutes } from './roomsRoutes';
import { validateTokenRoute } from './tokenValidation';

export type { FaultSpec } from './faultInjector';
export type { CallbackFaultSpec } from './callAutomation/callbackFaults';
export type { CallbackDelivery } from './callAutomation/callbackSender';
export type { CallView, IncomingCallView } from './callAutomation/callsView';
export type {
  EventGridSubscriptionSpec,
  EventGridSubscriptionView,
} from './callAutomation/eventGridDelivery';
export type { MediaFaultSpec } from './callAutomation/mediaFaults';
export type { PartySpec } from './callAutomation/partyBehaviours';

export interface AcsEmulatorOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Base64. Default: the key stored in dataDir, else 32 random bytes. A key differing from the stored one rotates it. */
  accessKey?: string;
  /** When set, state (identities, revocations, rooms, signing key, access key) is kept there and reloaded. */
  dataDir?: string;
  /**
   * Used in identity ids `8:acs:<resourceId>_<suffix>` and as the audience of callback tokens; default
   * a fixed GUID (or the stored one).
   */
  resourceId?: string;
  /** Multiplies every simulated call duration (ringing, play length, recognize timeouts); default 1. */
  timeScale?: number;
  /** Call-time lengths before the time scale applies, and the numbers the resource owns. */
  callAutomation?: Omit<CallAutomationOptions, 'timeScale'>;
  /** Made (with its validation handshake) once the emulator listens; see setEventGridSubscription. */
  eventGridSubscription?: EventGridSubscriptionSpec;
}

export interface AcsEmulator extends CallAutomationControl {
  /** With a trailing slash, e.g. http://127.0.0.1:PORT/ */
  url: string;
  /** The resource's immutable id: the audience of its callback tokens. */
  resourceId: string;
  /** The JWKS that verifies callback tokens: `<url>calling/keys`. */
  callbackJwksUrl: string;
  /** Resolves once every callback published so far has been posted (or given up on). */
  callbacksSettled(): Promise<void>;
  /** Requests answered from memory because they repeated a Repeatability-Request-ID. */
  repeatabilityReplays(): number;
  /** `endpoint=<url>;accesskey=<current key>` */
  connectionString(): string;
  /** Switches to a new key (random when absent) and invalidates every token issued under the old one. */
  rotateAccessKey(newKey?: string): string;
  injectFaults(fault: FaultSpec): void;
  identities(): IdentitySummary[];
  /** Requests answered (any outcome) for one operation name, or in total. */
  requestCount(operation?: string): number;
  close(): Promise<void>;
}

/**
 * Starts a local stand-in for an ACS resource that the real Identity, Rooms, Call Automation and
 * PhoneNumbers SDK clients can use.
 */
export async function startAcsEmulator(options: AcsEmulatorOptions = {}): Promise<AcsEmulator> {
  const accessKey = options.accessKey === undefined ? undefined : accessKeySchema.parse(options.accessKey);
  const state = await EmulatorState.open({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(accessKey ? { accessKey } : {}),
    ...(options.resourceId ? { resourceId: options.resourceId } : {}),
  });
  const faults = new FaultInjector();
  const stats = new RequestStats();
  const lifetime = new AbortController();
  let url = '';
  const callAutomation = new EmulatedCallAutomation(state, lifetime.signal, () => url, {
    ...options.callAutomation,
    ...(options.timeScale === undefined ? {} : { timeScale: options.timeScale }),
  });

  const control: EmulatorControl = {
    injectFaults: (fault) => faults.inject(fault),
    rotateAccessKey: (newKey) => {
      const key = newKey === undefined ? randomAccessKey() : accessKeySchema.parse(newKey);
      state.rotateAccessKey(key);
      void state.save().catch((error: unknown) => reportSaveFailure(error));
      return key;
    },
    identities: () => state.identities.list(),
    requestCounts: () => stats.snapshot(),
  };
  const dispatcher = new RequestDispatcher({
    routes: [
      ...identityRoutes(state),
      ...roomsRoutes(state),
      validateTokenRoute(state),
      ...callAutomation.routes(),
      ...controlRoutes(control),
      ...callAutomation.controlRoutes(),
    ],
    accessKey: () => state.accessKey,
    faults,
    stats,
    signal: lifetime.signal,
  });
  const server = createServer(dispatcher.handle);
  url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  if (options.eventGridSubscription)
    await callAutomation.setEventGridSubscription(options.eventGridSubscription);

  let closing: Promise<void> | undefined;
  const close = async () => {
    lifetime.abort();
    await callAutomation.close();
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await stopped;
    await dispatcher.settled();
    await state.flush();
  };

  return {
    url,
    resourceId: state.resourceId,
    callbackJwksUrl: `${url}calling/keys`,
    setParty: (spec) => callAutomation.setParty(spec),
    parties: () => callAutomation.parties(),
    pressDtmf: (callConnectionId, participant, tones) =>
      callAutomation.pressDtmf(callConnectionId, participant, tones),
    speak: (callConnectionId, participant, phrase) =>
      callAutomation.speak(callConnectionId, participant, phrase),
    joinCall: (callConnectionId, participant) => callAutomation.joinCall(callConnectionId, participant),
    hangUpParty: (callConnectionId, participant) => callAutomation.hangUpParty(callConnectionId, participant),
    deliverIncomingCall: (request) => callAutomation.deliverIncomingCall(request),
    setEventGridSubscription: (spec) => callAutomation.setEventGridSubscription(spec),
    eventGridSubscription: () => callAutomation.eventGridSubscription(),
    validateEventGridSubscription: (code) => callAutomation.validateEventGridSubscription(code),
    injectCallbackFault: (spec) => callAutomation.injectCallbackFault(spec),
    injectMediaFault: (spec) => callAutomation.injectMediaFault(spec),
    calls: () => callAutomation.calls(),
    callbackDeliveries: () => callAutomation.callbackDeliveries(),
    phoneNumbers: () => callAutomation.phoneNumbers(),
    addPhoneNumber: (spec) => callAutomation.addPhoneNumber(spec),
    callbacksSettled: () => callAutomation.callbacksSettled(),
    repeatabilityReplays: () => callAutomation.repeatabilityReplays(),
    connectionString: () => `endpoint=${url};accesskey=${state.accessKey}`,
    rotateAccessKey: control.rotateAccessKey,
    injectFaults: control.injectFaults,
    identities: control.identities,
    requestCount: (operation) => stats.count(operation),
    close: () => (closing ??= close()),
  };
}

function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve(`http://${hostForUrl(address)}:${address.port}/`);
    });
  });
}

/** Listening on every interface still needs an address a client can dial: loopback. */
function hostForUrl(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

function reportSaveFailure(error: unknown): void {
  console.error(
    `acs emulator: could not save state: ${error instanceof Error ? error.message : String(error)}`,
  );
}
