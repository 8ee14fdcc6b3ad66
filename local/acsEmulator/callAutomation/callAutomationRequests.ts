import { z } from 'zod';
import { identifierModelSchema, phoneNumberModelSchema } from './identifierModel';

/** DTMF tones as the API spells them. */
export const tones = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'a',
  'b',
  'c',
  'd',
  'pound',
  'asterisk',
] as const;
export const toneSchema = z.enum(tones);
export type Tone = z.infer<typeof toneSchema>;

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * ACS only calls back over https; plain http is let through for loopback so a service on this machine
 * can receive callbacks (the same rule the service applies to CALLBACK_BASE_URL).
 */
export function isAcceptableCallbackUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && loopbackHosts.has(url.hostname);
}

const callbackUriSchema = z
  .string()
  .max(2048)
  .refine(isAcceptableCallbackUri, 'The field CallbackUri is invalid: it must be an https URL.');

const operationContextSchema = z.string().max(5000).optional();

const callIntelligenceSchema = z.object({ cognitiveServicesEndpoint: z.string().optional() }).optional();

export const createCallRequestSchema = z.object({
  targets: z.array(identifierModelSchema).min(1).max(100),
  sourceCallerIdNumber: phoneNumberModelSchema.optional(),
  sourceDisplayName: z.string().max(256).optional(),
  source: z.object({ id: z.string() }).optional(),
  operationContext: operationContextSchema,
  callbackUri: callbackUriSchema,
  callIntelligenceOptions: callIntelligenceSchema,
});

export const answerCallRequestSchema = z.object({
  incomingCallContext: z.string().min(1),
  callbackUri: callbackUriSchema,
  operationContext: operationContextSchema,
  callIntelligenceOptions: callIntelligenceSchema,
  answeredBy: z.object({ id: z.string() }).optional(),
});

export const redirectCallRequestSchema = z.object({
  incomingCallContext: z.string().min(1),
  target: identifierModelSchema,
});

export const rejectCallRequestSchema = z.object({
  incomingCallContext: z.string().min(1),
  callRejectReason: z.enum(['none', 'busy', 'forbidden']).optional(),
});

export const connectRequestSchema = z.object({
  callLocator: z.object({
    kind: z.enum(['groupCallLocator', 'serverCallLocator', 'roomCallLocator']).optional(),
    groupCallId: z.string().optional(),
    serverCallId: z.string().optional(),
    roomId: z.string().optional(),
  }),
  callbackUri: callbackUriSchema,
  operationContext: operationContextSchema,
  callIntelligenceOptions: callIntelligenceSchema,
});

const operationCallbackUriSchema = callbackUriSchema.optional();

export const transferRequestSchema = z.object({
  targetParticipant: identifierModelSchema,
  transferee: identifierModelSchema.optional(),
  operationContext: operationContextSchema,
  operationCallbackUri: operationCallbackUriSchema,
  sourceCallerIdNumber: phoneNumberModelSchema.optional(),
});

export const addParticipantRequestSchema = z.object({
  participantToAdd: identifierModelSchema,
  sourceCallerIdNumber: phoneNumberModelSchema.optional(),
  sourceDisplayName: z.string().max(256).optional(),
  /** ACS allows at most 180 seconds. */
  invitationTimeoutInSeconds: z.number().int().min(1).max(180).optional(),
  operationContext: operationContextSchema,
  operationCallbackUri: operationCallbackUriSchema,
});

export const removeParticipantRequestSchema = z.object({
  participantToRemove: identifierModelSchema,
  operationContext: operationContextSchema,
  operationCallbackUri: operationCallbackUriSchema,
});

export const muteParticipantsRequestSchema = z.object({
  targetParticipants: z.array(identifierModelSchema).length(1),
  operationContext: operationContextSchema,
});

export const cancelAddParticipantRequestSchema = z.object({
  invitationId: z.string().min(1),
  operationContext: operationContextSchema,
  operationCallbackUri: operationCallbackUriSchema,
});

const playSourceSchema = z
  .object({
    kind: z.enum(['file', 'text', 'ssml']),
    playSourceCacheId: z.string().optional(),
    file: z.object({ uri: z.string() }).optional(),
    text: z.object({ text: z.string() }).loose().optional(),
    ssml: z.object({ ssmlText: z.string() }).loose().optional(),
  })
  .refine((source) => source[source.kind] !== undefined, 'A play source must carry what its kind names.')
  .refine(
    (source) => source.kind !== 'file' || isAbsoluteHttpUrl(source.file?.uri ?? ''),
    'A file play source needs an absolute http(s) uri.',
  );

export const playRequestSchema = z.object({
  playSources: z.array(playSourceSchema).min(1).max(10),
  playTo: z.array(identifierModelSchema).optional(),
  interruptCallMediaOperation: z.boolean().optional(),
  playOptions: z.object({ loop: z.boolean() }).optional(),
  operationContext: operationContextSchema,
  operationCallbackUri: operationCallbackUriSchema,
});

const choiceSchema = z.object({
  label: z.string().min(1),
  phrases: z.array(z.string()).min(1),
  tone: toneSchema.optional(),
});

/** The ranges ACS enforces on recognize options. */
export const recognizeRequestSchema = z.object({
  recognizeInputType: z.enum(['dtmf', 'speech', 'speechOrDtmf', 'choices']),
  playPrompt: playSourceSchema.optional(),
  playPrompts: z.array(playSourceSchema).max(10).optional(),
  interruptCallMediaOperation: z.boolean().optional(),
  recognizeOptions: z.object({
    interruptPrompt: z.boolean().optional(),
    initialSilenceTimeoutInSeconds: z.number().min(1).max(300).optional(),
    targetParticipant: identifierModelSchema,
    speechLanguage: z.string().optional(),
    dtmfOptions: z
      .object({
        interToneTimeoutInSeconds: z.number().min(1).max(60).optional(),
        maxTonesToCollect: z.number().int().min(1).max(100).optional(),
        stopTones: z.array(toneSchema).max(16).optional(),
      })
      .optional(),
    choices: z.array(choiceSchema).max(20).optional(),
  }),
  operationContext: operationContextSchema,
  operationCallbackUri: operationCallbackUriSchema,
});

export const continuousDtmfRequestSchema = z.object({
  targetParticipant: identifierModelSchema,
  operationContext: operationContextSchema,
  operationCallbackUri: operationCallbackUriSchema,
});

export const sendDtmfTonesRequestSchema = z.object({
  tones: z.array(toneSchema).min(1).max(18),
  targetParticipant: identifierModelSchema,
  operationContext: operationContextSchema,
  operationCallbackUri: operationCallbackUriSchema,
});

function isAbsoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
