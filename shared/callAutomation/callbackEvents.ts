import { z } from 'zod';
import type { ResultInformation } from './connectionRecord';

/*
 * The body ACS posts to a callback URL: a JSON array of CloudEvents 1.0, each naming the call connection it
 * is about. Parsed here, not with the SDK's parseCallAutomationEvent, which reads only the first element of
 * the array, drops the CloudEvent id (the one key to dedupe on) and throws on types it does not know.
 */

const resultInformationSchema = z
  .object({
    code: z.number().int().optional(),
    subCode: z.number().int().optional(),
    message: z.string().max(2048).optional(),
  })
  .loose() satisfies z.ZodType<ResultInformation>;

/** A CommunicationIdentifierModel as ACS sends it; its rawId is what the service goes by. */
export const identifierSchema = z
  .object({
    rawId: z.string().max(512).optional(),
    communicationUser: z
      .object({ id: z.string().max(512) })
      .loose()
      .optional(),
    phoneNumber: z
      .object({ value: z.string().max(32) })
      .loose()
      .optional(),
  })
  .loose()
  .transform((identifier, ctx) => {
    const rawId =
      identifier.rawId ??
      identifier.communicationUser?.id ??
      (identifier.phoneNumber ? `4:${identifier.phoneNumber.value}` : undefined);
    if (!rawId) {
      ctx.addIssue({ code: 'custom', message: 'an identifier needs a rawId' });
      return z.NEVER;
    }
    return rawId;
  });

const common = {
  callConnectionId: z.string().min(1).max(256),
  serverCallId: z.string().max(2048).optional(),
  correlationId: z.string().max(256).optional(),
  operationContext: z.string().max(1024).optional(),
  resultInformation: resultInformationSchema.optional(),
};

const basicData = z.object(common).loose();

const participantsUpdatedData = z
  .object({
    ...common,
    sequenceNumber: z.number().int(),
    participants: z
      .array(
        z
          .object({ identifier: identifierSchema, isMuted: z.boolean().optional() })
          .loose()
          .transform((participant) => ({
            rawId: participant.identifier,
            isMuted: participant.isMuted ?? false,
          })),
      )
      .max(1000),
  })
  .loose();

const recognizeCompletedData = z
  .object({
    ...common,
    recognitionType: z.string().max(32),
    dtmfResult: z
      .object({ tones: z.array(z.string().max(16)).max(512) })
      .loose()
      .optional(),
    choiceResult: z
      .object({ label: z.string().max(256) })
      .loose()
      .optional(),
  })
  .loose();

/** The events the service acts on, and what their data must hold for it to. */
const knownData = {
  CallConnected: basicData,
  CallDisconnected: basicData,
  CreateCallFailed: basicData,
  ConnectFailed: basicData,
  AnswerFailed: basicData,
  ParticipantsUpdated: participantsUpdatedData,
  AddParticipantSucceeded: basicData,
  AddParticipantFailed: basicData,
  RemoveParticipantSucceeded: basicData,
  RemoveParticipantFailed: basicData,
  PlayCompleted: basicData,
  PlayFailed: basicData,
  PlayCanceled: basicData,
  RecognizeCompleted: recognizeCompletedData,
  RecognizeFailed: basicData,
  RecognizeCanceled: basicData,
  CallTransferAccepted: basicData,
  CallTransferFailed: basicData,
} as const;

export type KnownEventName = keyof typeof knownData;
type KnownData<Name extends KnownEventName> = z.output<(typeof knownData)[Name]>;

export type CallbackEvent = {
  [Name in KnownEventName]: { id: string; name: Name; data: KnownData<Name> };
}[KnownEventName];

/** An event the service does not act on: only its id and connection are read (to dedupe and to bind). */
export interface IgnoredEvent {
  id: string;
  name: undefined;
  type: string;
  data: { callConnectionId: string };
}

export type ReceivedEvent = CallbackEvent | IgnoredEvent;

const eventTypePrefix = 'Microsoft.Communication.';

const envelopeSchema = z
  .object({
    id: z.string().min(1).max(256),
    source: z.string().max(2048),
    type: z.string().min(1).max(256),
    specversion: z.literal('1.0'),
    time: z.string().max(64).optional(),
    subject: z.string().max(2048).optional(),
    datacontenttype: z.string().max(128).optional(),
    data: z.object({ callConnectionId: common.callConnectionId }).loose(),
  })
  .loose()
  .transform((envelope, ctx): ReceivedEvent => {
    const name = envelope.type.startsWith(eventTypePrefix)
      ? envelope.type.slice(eventTypePrefix.length)
      : undefined;
    if (name === undefined || !Object.hasOwn(knownData, name)) {
      return {
        id: envelope.id,
        name: undefined,
        type: envelope.type,
        data: { callConnectionId: envelope.data.callConnectionId },
      };
    }
    const known = name as KnownEventName;
    const parsed = knownData[known].safeParse(envelope.data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['data', ...issue.path] });
      return z.NEVER;
    }
    return { id: envelope.id, name: known, data: parsed.data } as CallbackEvent;
  });

/** What a callback request must be: 1 to 100 CloudEvents (ACS sends them one or a few at a time). */
export const callbackEventsSchema = z.array(envelopeSchema).min(1).max(100);
