import type { CallAutomationClient, CallInvite, DtmfTone } from '@azure/communication-call-automation';
import type { CommunicationIdentifier, PhoneNumberIdentifier } from '@azure/communication-common';
import type { RetryPolicy } from '../retry/retryPolicy';
import type { AcsClientFactory } from './acsClientFactory';
import { callAcs } from './callAcs';
import { withRepeatability, type RepeatabilityPin } from './repeatability';

/** What Call Automation joins: a group call by its id, or a Room. */
export type CallLocator = { kind: 'group'; groupCallId: string } | { kind: 'room'; roomId: string };

export interface DtmfRecognition {
  kind: 'dtmf';
  maxTones: number;
  stopTones: DtmfTone[];
  initialSilenceTimeoutSeconds: number;
  interToneTimeoutSeconds: number;
}

export interface ChoiceRecognition {
  kind: 'choices';
  choices: Array<{ label: string; phrases: string[]; tone?: DtmfTone | undefined }>;
  initialSilenceTimeoutSeconds: number;
}

export interface RecognizeRequest {
  /** The participant whose keys (or words) are listened for, as a rawId. */
  target: string;
  recognition: DtmfRecognition | ChoiceRecognition;
  promptUrl?: string | undefined;
  interruptPrompt: boolean;
  operationContext: string;
}

export interface OwnedPhoneNumber {
  phoneNumber: string;
  countryCode: string;
  phoneNumberType: string;
  /** `none`, `inbound`, `outbound` or `inbound+outbound`, as ACS says. */
  calling: string;
  sms: string;
}

/**
 * The Call Automation and phone-number operations the service uses: the real SDK clients, with the one
 * bounded retry (callAcs), and, for every operation ACS makes repeatable, the caller's pinned repeatability
 * pair on every try. Participants are named by rawId (`8:acs:...`, `4:+E164`), as ACS names them.
 */
export interface AcsCallAutomationGateway {
  connect(
    locator: CallLocator,
    callbackUrl: string,
    pin: RepeatabilityPin,
    operationContext: string,
  ): Promise<{ callConnectionId: string }>;
  createCall(
    targets: readonly string[],
    callbackUrl: string,
    options: { sourceCallerId?: string | undefined; operationContext: string },
    pin: RepeatabilityPin,
  ): Promise<{ callConnectionId: string }>;
  answer(
    incomingCallContext: string,
    callbackUrl: string,
    pin: RepeatabilityPin,
    operationContext: string,
  ): Promise<{ callConnectionId: string }>;
  addParticipant(
    callConnectionId: string,
    target: string,
    options: { sourceCallerId?: string | undefined; operationContext: string },
    pin: RepeatabilityPin,
  ): Promise<{ invitationId?: string | undefined }>;
  removeParticipant(
    callConnectionId: string,
    target: string,
    operationContext: string,
    pin: RepeatabilityPin,
  ): Promise<void>;
  transfer(
    callConnectionId: string,
    target: string,
    options: { sourceCallerId?: string | undefined; operationContext: string },
    pin: RepeatabilityPin,
  ): Promise<void>;
  play(
    callConnectionId: string,
    url: string,
    options: { playTo?: string | undefined; operationContext: string },
  ): Promise<void>;
  recognize(callConnectionId: string, request: RecognizeRequest): Promise<void>;
  cancelMedia(callConnectionId: string): Promise<void>;
  /** forEveryone: terminate the call; otherwise the service alone leaves it. */
  hangUp(callConnectionId: string, forEveryone: boolean, pin: RepeatabilityPin): Promise<void>;
  listPhoneNumbers(): Promise<OwnedPhoneNumber[]>;
}

export function createAcsCallAutomationGateway(
  factory: AcsClientFactory,
  retry: RetryPolicy,
): AcsCallAutomationGateway {
  const call = <T>(operation: (client: CallAutomationClient) => Promise<T>): Promise<T> =>
    callAcs(factory, retry, (clients) => operation(clients.callAutomation()));
  const repeatable = <T>(pin: RepeatabilityPin, operation: (client: CallAutomationClient) => Promise<T>) =>
    withRepeatability(pin, () => call(operation));
  const connection = (client: CallAutomationClient, callConnectionId: string) =>
    client.getCallConnection(callConnectionId);

  return {
    async connect(locator, callbackUrl, pin, operationContext) {
      const result = await repeatable(pin, (client) =>
        // A fresh locator on each try: the SDK writes into the one it is given.
        client.connectCall(
          locator.kind === 'group'
            ? { kind: 'groupCallLocator', id: locator.groupCallId }
            : { kind: 'roomCallLocator', id: locator.roomId },
          callbackUrl,
          { operationContext },
        ),
      );
      return { callConnectionId: requiredConnectionId(result.callConnectionProperties.callConnectionId) };
    },
    async createCall(targets, callbackUrl, options, pin) {
      const source = options.sourceCallerId ? phoneIdentifier(options.sourceCallerId) : undefined;
      const result = await repeatable(pin, (client) => {
        const identifiers = targets.map(identifierOf);
        if (identifiers.length === 1) {
          const invite: CallInvite = {
            targetParticipant: identifiers[0] as CallInvite['targetParticipant'],
            ...(source ? { sourceCallIdNumber: source } : {}),
          };
          return client.createCall(invite, callbackUrl, { operationContext: options.operationContext });
        }
        return client.createGroupCall(identifiers, callbackUrl, {
          operationContext: options.operationContext,
          ...(source ? { sourceCallIdNumber: source } : {}),
        });
      });
      return { callConnectionId: requiredConnectionId(result.callConnectionProperties.callConnectionId) };
    },
    async answer(incomingCallContext, callbackUrl, pin, operationContext) {
      const result = await repeatable(pin, (client) =>
        client.answerCall(incomingCallContext, callbackUrl, { operationContext }),
      );
      return { callConnectionId: requiredConnectionId(result.callConnectionProperties.callConnectionId) };
    },
    async addParticipant(callConnectionId, target, options, pin) {
      const result = await repeatable(pin, (client) =>
        connection(client, callConnectionId).addParticipant(
          {
            targetParticipant: identifierOf(target) as CallInvite['targetParticipant'],
            ...(options.sourceCallerId
              ? { sourceCallIdNumber: phoneIdentifier(options.sourceCallerId) }
              : {}),
          },
          { operationContext: options.operationContext },
        ),
      );
      return { invitationId: result.invitationId };
    },
    async removeParticipant(callConnectionId, target, operationContext, pin) {
      await repeatable(pin, (client) =>
        connection(client, callConnectionId).removeParticipant(identifierOf(target), { operationContext }),
      );
    },
    async transfer(callConnectionId, target, options, pin) {
      await repeatable(pin, (client) =>
        connection(client, callConnectionId).transferCallToParticipant(identifierOf(target), {
          operationContext: options.operationContext,
          ...(options.sourceCallerId ? { sourceCallIdNumber: phoneIdentifier(options.sourceCallerId) } : {}),
        }),
      );
    },
    async play(callConnectionId, url, options) {
      await call((client) => {
        const media = connection(client, callConnectionId).getCallMedia();
        const source = [{ kind: 'fileSource' as const, url }];
        return options.playTo
          ? media.play(source, [identifierOf(options.playTo)], { operationContext: options.operationContext })
          : media.playToAll(source, { operationContext: options.operationContext });
      });
    },
    async recognize(callConnectionId, request) {
      const common = {
        operationContext: request.operationContext,
        interruptPrompt: request.interruptPrompt,
        initialSilenceTimeoutInSeconds: request.recognition.initialSilenceTimeoutSeconds,
        ...(request.promptUrl ? { playPrompt: { kind: 'fileSource' as const, url: request.promptUrl } } : {}),
      };
      const { recognition } = request;
      await call((client) =>
        connection(client, callConnectionId)
          .getCallMedia()
          .startRecognizing(
            identifierOf(request.target),
            recognition.kind === 'dtmf'
              ? {
                  ...common,
                  kind: 'callMediaRecognizeDtmfOptions',
                  maxTonesToCollect: recognition.maxTones,
                  stopDtmfTones: recognition.stopTones,
                  interToneTimeoutInSeconds: recognition.interToneTimeoutSeconds,
                }
              : {
                  ...common,
                  kind: 'callMediaRecognizeChoiceOptions',
                  choices: recognition.choices.map(({ tone, ...choice }) => ({
                    ...choice,
                    ...(tone === undefined ? {} : { tone }),
                  })),
                },
          ),
      );
    },
    async cancelMedia(callConnectionId) {
      await call((client) => connection(client, callConnectionId).getCallMedia().cancelAllOperations());
    },
    async hangUp(callConnectionId, forEveryone, pin) {
      await repeatable(pin, (client) => connection(client, callConnectionId).hangUp(forEveryone));
    },
    async listPhoneNumbers() {
      return callAcs(factory, retry, async (clients) => {
        const numbers: OwnedPhoneNumber[] = [];
        for await (const number of clients.phoneNumbers().listPurchasedPhoneNumbers()) {
          numbers.push({
            phoneNumber: number.phoneNumber,
            countryCode: number.countryCode,
            phoneNumberType: number.phoneNumberType,
            calling: number.capabilities.calling,
            sms: number.capabilities.sms,
          });
        }
        return numbers;
      });
    },
  };
}

/** Loaded with the calling SDK (which needs it anyway), not at start-up: the token path never does. */
function identifierOf(rawId: string): CommunicationIdentifier {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const common = require('@azure/communication-common') as typeof import('@azure/communication-common');
  return common.createIdentifierFromRawId(rawId);
}

function phoneIdentifier(e164: string): PhoneNumberIdentifier {
  return { phoneNumber: e164 };
}

/** ACS always names the connection it made; an answer without one is a fault of the far side. */
function requiredConnectionId(callConnectionId: string | undefined): string {
  if (!callConnectionId) throw new Error('ACS answered without a call connection id.');
  return callConnectionId;
}
