import { z } from 'zod';
import { callbackEventsSchema } from '../callAutomation/callbackEvents';
import type { PhoneNumberView } from '../callAutomation/callAutomation';
import type {
  AddParticipantRequest,
  ConnectionView,
  OperationView,
  PlayRequest,
  RecognizeInput,
} from '../callAutomation/callAutomationService';
import { connectionStates } from '../callAutomation/connectionRecord';
import { dtmfKeySchema } from '../callAutomation/dtmfTone';
import { eventGridEventsSchema } from '../callAutomation/incomingCalls';
import type { MenuDefinition } from '../callAutomation/incomingCallMenus';
import { operationKinds, operationStatuses } from '../callAutomation/operationRecord';
import { e164Schema, participantIdSchema } from '../callAutomation/participantIdentity';
import { promptIdSchema, type Prompt } from '../callAutomation/promptCatalog';
import { communicationUserIdSchema } from '../identity/communicationUserId';
import { callIdSchema } from './callSchemas';
import { humanTextSchema } from './humanTextSchema';
import { subjectIdSchema } from './identitySchemas';

export const operationParamsSchema = z.object({ id: callIdSchema, operationId: z.uuid() });
export const participantParamsSchema = z.object({ id: callIdSchema, participantId: participantIdSchema });

export const hangUpQuerySchema = z
  .object({
    forEveryone: z
      .stringbool()
      .default(false)
      .describe('true: end the call for everyone; otherwise only the service leaves it.'),
  })
  .strict();

/** Connecting takes no options; a body, if any, is an empty object. */
export const connectRequestSchema = z.object({}).strict();

export const addParticipantRequestSchema = z.union([
  z.object({ subjectId: subjectIdSchema.describe('An invitee of the call.') }).strict(),
  z
    .object({
      phoneNumber: e164Schema,
      callerId: e164Schema
        .optional()
        .describe('One of the resource’s numbers; default: the first that can call out.'),
    })
    .strict(),
]) satisfies z.ZodType<AddParticipantRequest>;

export const playRequestSchema = z
  .object({
    promptId: promptIdSchema.describe('A prompt of the admin catalog (never a URL).'),
    participantId: participantIdSchema.optional().describe('Absent: everyone on the call hears it.'),
  })
  .strict() satisfies z.ZodType<PlayRequest>;

/** Our own cap: ACS states none for DTMF, and a longer entry is not one a person types on a keypad. */
export const maxTonesToCollect = 32;

export const recognizeRequestSchema = z
  .object({
    participantId: participantIdSchema.describe('Whose keys (or words) are listened for.'),
    promptId: promptIdSchema.optional().describe('Played first, from the admin catalog.'),
    interruptPrompt: z.boolean().optional().describe('A key press stops the prompt (default true).'),
    initialSilenceTimeoutSeconds: z
      .number()
      .int()
      .min(0)
      .max(300)
      .optional()
      .describe('How long to wait for the first input (ACS: 0-300, default 5).'),
    dtmf: z
      .object({
        maxTones: z.number().int().min(1).max(maxTonesToCollect),
        stopTones: z
          .array(dtmfKeySchema)
          .max(16)
          .optional()
          .describe('Keys that end the input (e.g. ["#"]).'),
        interToneTimeoutSeconds: z
          .number()
          .int()
          .min(1)
          .max(60)
          .optional()
          .describe('How long to wait between keys (ACS: 1-60, default 2).'),
      })
      .strict()
      .optional(),
    choices: z
      .array(
        z
          .object({
            label: humanTextSchema({ min: 1, max: 64 }),
            phrases: z
              .array(humanTextSchema({ min: 1, max: 100 }))
              .min(1)
              .max(10),
            key: dtmfKeySchema.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(10)
      .optional(),
  })
  .strict()
  .refine((request) => (request.dtmf === undefined) !== (request.choices === undefined), {
    message: 'exactly one of dtmf and choices is required',
  }) satisfies z.ZodType<RecognizeInput>;

const resultInformationSchema = z.object({
  code: z.number().optional(),
  subCode: z.number().optional(),
  message: z.string().optional(),
});

export const connectionViewSchema = z.object({
  callId: z.string(),
  state: z.enum(connectionStates),
  callConnectionId: z.string().optional(),
  participants: z.array(
    z.object({
      participantId: z.string(),
      kind: z.enum(['user', 'phone', 'other']),
      subjectId: z.string().optional(),
      phoneNumber: z.string().optional(),
      isMuted: z.boolean(),
    }),
  ),
  endedBy: resultInformationSchema.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<ConnectionView>;

export const operationViewSchema = z.object({
  operationId: z.string(),
  callId: z.string(),
  kind: z.enum(operationKinds),
  status: z.enum(operationStatuses),
  participantId: z.string().optional(),
  resultInformation: resultInformationSchema.optional(),
  result: z
    .object({ tones: z.array(z.string()).optional(), choice: z.string().optional() })
    .optional()
    .describe('What a recognize collected: for the organizer only, until CALL_RESULT_TTL_HOURS after.'),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<OperationView>;

export const callbackParamsSchema = z.object({
  callId: callIdSchema,
  // Any shape: a wrong binding is refused as unauthenticated (401), like a wrong token, never as bad input.
  bindingId: z.string().min(1).max(128),
});
export const callbackRequestSchema = callbackEventsSchema;
export const callbackTallySchema = z.object({
  applied: z.number(),
  unchanged: z.number(),
  duplicates: z.number(),
  ignored: z.number(),
});

export const incomingCallsRequestSchema = eventGridEventsSchema;
export const incomingCallsResponseSchema = z.union([
  z.object({ validationResponse: z.string() }),
  z.object({ answered: z.number(), ignored: z.number() }),
]);

export const promptParamsSchema = z.object({ promptId: promptIdSchema });
export const putPromptRequestSchema = z
  .object({
    url: z.string().max(2048).describe('https, on a host of PROMPT_ALLOWED_HOSTS.'),
    description: humanTextSchema({ max: 200 }).optional(),
  })
  .strict();
export const promptSchema = z.object({
  promptId: z.string(),
  url: z.string(),
  description: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
}) satisfies z.ZodType<Prompt>;
export const promptListSchema = z.object({ prompts: z.array(promptSchema) });

export const phoneNumberParamsSchema = z.object({ phoneNumber: e164Schema });

const menuTargetSchema = z.union([
  z.object({ communicationUserId: communicationUserIdSchema }).strict(),
  z.object({ phoneNumber: e164Schema }).strict(),
]);

export const menuDefinitionSchema = z
  .object({
    greetingPromptId: promptIdSchema.optional().describe('Played while the caller may press a key.'),
    choices: z
      .array(
        z
          .object({
            key: dtmfKeySchema,
            label: humanTextSchema({ max: 64 }).optional(),
            target: menuTargetSchema,
          })
          .strict(),
      )
      .min(1)
      .max(12)
      .refine(
        (choices) => new Set(choices.map((choice) => choice.key)).size === choices.length,
        'keys must not repeat',
      ),
    initialSilenceTimeoutSeconds: z.number().int().min(1).max(60).default(10),
    maxAttempts: z.number().int().min(1).max(5).default(2),
  })
  .strict() satisfies z.ZodType<MenuDefinition, unknown>;

export const menuSchema = z.object({
  phoneNumber: z.string(),
  greetingPromptId: z.string().optional(),
  choices: z.array(
    z.object({
      key: z.string(),
      label: z.string().optional(),
      target: z.union([z.object({ communicationUserId: z.string() }), z.object({ phoneNumber: z.string() })]),
    }),
  ),
  initialSilenceTimeoutSeconds: z.number(),
  maxAttempts: z.number(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export const menuListSchema = z.object({ menus: z.array(menuSchema) });

const capabilitySchema = z.object({ inbound: z.boolean(), outbound: z.boolean() });
export const phoneNumberListSchema = z.object({
  phoneNumbers: z.array(
    z.object({
      phoneNumber: z.string(),
      countryCode: z.string(),
      phoneNumberType: z.string(),
      calling: capabilitySchema,
      sms: capabilitySchema,
      hasMenu: z.boolean(),
    }) satisfies z.ZodType<PhoneNumberView>,
  ),
});
