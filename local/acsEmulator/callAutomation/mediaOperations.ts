import type { z } from 'zod';
import { invalidRequest } from './callAutomationErrors';
import type {
  continuousDtmfRequestSchema,
  playRequestSchema,
  recognizeRequestSchema,
  sendDtmfTonesRequestSchema,
} from './callAutomationRequests';
import type { CallConnection } from './callConnection';
import { rawIdOf } from './identifierModel';
import type { RecognizeChoice } from './mediaSession';
import { withOperationContext } from './operationContext';
import { requireConnected } from './participantOperations';

/** The SDK's defaults, applied when the request leaves them out (the REST API has the same ones). */
const defaultInitialSilenceSeconds = 5;
const defaultInterToneSeconds = 2;

/** play / playToAll: queued behind the connection's running media operation unless it interrupts it. */
export function play(connection: CallConnection, request: z.infer<typeof playRequestSchema>): void {
  requireConnected(connection);
  const playTo = (request.playTo ?? []).map((target, index) =>
    inCall(connection, rawIdOf(target, `playTo[${index}]`)),
  );
  connection.media.enqueue(
    {
      kind: 'play',
      sourceCount: request.playSources.length,
      loop: request.playOptions?.loop ?? false,
      playTo,
      callbackUri: request.operationCallbackUri ?? connection.callbackUri,
      ...withOperationContext(request.operationContext),
    },
    request.interruptCallMediaOperation ?? false,
  );
}

/** startRecognizing: DTMF (max tones, stop tones, timeouts), choices, or speech, after an optional prompt. */
export function recognize(connection: CallConnection, request: z.infer<typeof recognizeRequestSchema>): void {
  requireConnected(connection);
  const options = request.recognizeOptions;
  const target = inCall(connection, rawIdOf(options.targetParticipant, 'recognizeOptions.targetParticipant'));
  const choices: RecognizeChoice[] = (options.choices ?? []).map((choice) => ({
    label: choice.label,
    phrases: choice.phrases,
    ...(choice.tone ? { tone: choice.tone } : {}),
  }));
  if (request.recognizeInputType === 'choices' && choices.length === 0) {
    throw invalidRequest('A choices recognize needs at least one choice.');
  }
  const dtmf = options.dtmfOptions;
  const promptCount = (request.playPrompt ? 1 : 0) + (request.playPrompts?.length ?? 0);
  connection.media.enqueue(
    {
      kind: 'recognize',
      inputType: request.recognizeInputType,
      target,
      promptCount,
      interruptPrompt: options.interruptPrompt ?? false,
      initialSilenceMs: (options.initialSilenceTimeoutInSeconds ?? defaultInitialSilenceSeconds) * 1000,
      interToneMs: (dtmf?.interToneTimeoutInSeconds ?? defaultInterToneSeconds) * 1000,
      maxTones: dtmf?.maxTonesToCollect ?? 1,
      stopTones: dtmf?.stopTones ?? [],
      choices,
      callbackUri: request.operationCallbackUri ?? connection.callbackUri,
      ...withOperationContext(request.operationContext),
    },
    request.interruptCallMediaOperation ?? false,
  );
}

export function cancelAllMediaOperations(connection: CallConnection): void {
  requireConnected(connection);
  connection.media.cancelAll();
}

export function startContinuousDtmf(
  connection: CallConnection,
  request: z.infer<typeof continuousDtmfRequestSchema>,
) {
  requireConnected(connection);
  const target = inCall(connection, rawIdOf(request.targetParticipant, 'targetParticipant'));
  connection.media.startContinuousDtmf(target, base(connection, request));
}

export function stopContinuousDtmf(
  connection: CallConnection,
  request: z.infer<typeof continuousDtmfRequestSchema>,
) {
  requireConnected(connection);
  const target = rawIdOf(request.targetParticipant, 'targetParticipant');
  if (!connection.media.isContinuousDtmfOn(target)) {
    throw invalidRequest(`Continuous DTMF recognition is not running for ${target}.`);
  }
  connection.media.stopContinuousDtmf(target, base(connection, request));
}

export function sendDtmfTones(
  connection: CallConnection,
  request: z.infer<typeof sendDtmfTonesRequestSchema>,
): void {
  requireConnected(connection);
  const target = inCall(connection, rawIdOf(request.targetParticipant, 'targetParticipant'));
  connection.media.sendTones(target, request.tones, base(connection, request));
}

function inCall(connection: CallConnection, rawId: string): string {
  if (!connection.serverCall.participants.has(rawId)) throw invalidRequest(`${rawId} is not in the call.`);
  return rawId;
}

function base(
  connection: CallConnection,
  request: { operationContext?: string | undefined; operationCallbackUri?: string | undefined },
) {
  return {
    callbackUri: request.operationCallbackUri ?? connection.callbackUri,
    ...withOperationContext(request.operationContext),
  };
}
