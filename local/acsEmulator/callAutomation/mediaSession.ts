import { randomUUID } from 'node:crypto';
import type { MediaFaults } from './mediaFaults';
import { withOperationContext } from './operationContext';
import { results, type ResultInformation } from './resultInformation';
import type { CancelTimer, TimerGroup } from './scaledTimers';
import type { SimulatedDurations } from './simulatedDurations';

export interface RecognizeChoice {
  label: string;
  phrases: string[];
  tone?: string;
}

interface MediaOperationBase {
  operationContext?: string;
  /** Where its events go: the operation's callback URI, else the connection's. */
  callbackUri: string;
}

export interface PlayOperation extends MediaOperationBase {
  kind: 'play';
  sourceCount: number;
  loop: boolean;
  /** Raw ids; empty plays to everyone. */
  playTo: string[];
}

export interface RecognizeOperation extends MediaOperationBase {
  kind: 'recognize';
  inputType: 'dtmf' | 'choices' | 'speech' | 'speechOrDtmf';
  target: string;
  promptCount: number;
  interruptPrompt: boolean;
  initialSilenceMs: number;
  interToneMs: number;
  maxTones: number;
  stopTones: string[];
  choices: RecognizeChoice[];
}

export type MediaOperation = PlayOperation | RecognizeOperation;

export interface MediaSessionDeps {
  /** Posts one event about this connection (nothing once it has disconnected). */
  publish(type: string, data: Record<string, unknown>, callbackUri?: string): void;
  timers: TimerGroup;
  durations: SimulatedDurations;
  faults: MediaFaults;
}

interface ActiveOperation {
  id: string;
  operation: MediaOperation;
  phase: 'starting' | 'playing' | 'prompt' | 'listening';
  tones: string[];
  timer?: CancelTimer;
}

interface Queued {
  id: string;
  operation: MediaOperation;
}

export interface MediaSessionView {
  current?: { kind: MediaOperation['kind']; operationContext?: string; phase: string; tones?: string[] };
  queued: Array<{ kind: MediaOperation['kind']; operationContext?: string }>;
  continuousDtmf: string[];
  sentDtmf: Array<{ target: string; tones: string[] }>;
}

/**
 * The media of one call connection: a FIFO of play and recognize operations (one runs at a time, as
 * in ACS), the recognizer the far end's keys and words feed, continuous DTMF, and DTMF sent out.
 */
export class MediaSession {
  private current: ActiveOperation | undefined;
  private readonly queue: Queued[] = [];
  private readonly continuous = new Map<string, MediaOperationBase>();
  private readonly sent: Array<{ target: string; tones: string[] }> = [];
  private toneSequence = 0;
  private closed = false;

  constructor(private readonly deps: MediaSessionDeps) {}

  /** `interrupt` (interruptCallMediaOperation): cancel what runs now and go first. */
  enqueue(operation: MediaOperation, interrupt: boolean): void {
    const queued = { id: randomUUID(), operation };
    if (interrupt && this.current) this.cancelCurrent();
    if (interrupt) this.queue.unshift(queued);
    else this.queue.push(queued);
    this.next();
  }

  /** Every running and queued operation ends with its Canceled event, in order. */
  cancelAll(): void {
    this.cancelCurrent();
    for (const { operation } of this.queue.splice(0)) this.publishCanceled(operation);
  }

  startContinuousDtmf(target: string, base: MediaOperationBase): void {
    this.continuous.set(target, base);
  }

  stopContinuousDtmf(target: string, base: MediaOperationBase): void {
    this.continuous.delete(target);
    this.deps.publish(
      'ContinuousDtmfRecognitionStopped',
      { ...context(base), resultInformation: results.succeeded },
      base.callbackUri,
    );
  }

  isContinuousDtmfOn(target: string): boolean {
    return this.continuous.has(target);
  }

  sendTones(target: string, tones: string[], base: MediaOperationBase): void {
    this.sent.push({ target, tones: [...tones] });
    this.deps.timers.after(tones.length * this.deps.durations.dtmfToneMs, () =>
      this.deps.publish(
        'SendDtmfTonesCompleted',
        { ...context(base), resultInformation: results.succeeded },
        base.callbackUri,
      ),
    );
  }

  /** A participant pressed a key; true when a recognizer took it. */
  tone(participant: string, tone: string): boolean {
    if (this.closed) return false;
    const continuous = this.continuous.get(participant);
    if (continuous) {
      this.toneSequence += 1;
      this.deps.publish(
        'ContinuousDtmfRecognitionToneReceived',
        { ...context(continuous), tone, sequenceId: this.toneSequence, resultInformation: results.succeeded },
        continuous.callbackUri,
      );
    }
    const active = this.listeningTo(participant, ['dtmf', 'choices', 'speechOrDtmf']);
    if (!active) return continuous !== undefined;
    const operation = active.operation as RecognizeOperation;
    if (operation.inputType === 'choices') {
      const choice = operation.choices.find((candidate) => candidate.tone === tone);
      if (choice) {
        this.finish('RecognizeCompleted', {
          recognitionType: 'choices',
          choiceResult: { label: choice.label },
          resultInformation: results.dtmfOptionMatched,
        });
      } else {
        this.finish('RecognizeFailed', { resultInformation: results.incorrectTone });
      }
      return true;
    }
    // The stop tone ends collection and, like a terminator key, is not part of what was collected.
    if (operation.stopTones.includes(tone)) {
      this.finishDtmf(active, results.stopToneDetected);
      return true;
    }
    active.tones.push(tone);
    if (active.tones.length >= operation.maxTones) {
      this.finishDtmf(active, results.maxTonesReceived);
      return true;
    }
    active.timer = this.deps.timers.after(operation.interToneMs, () =>
      this.finishDtmf(active, results.interToneTimeout),
    );
    return true;
  }

  /** A participant said something (the only speech the emulator hears); true when a recognizer took it. */
  speech(participant: string, phrase: string): boolean {
    if (this.closed) return false;
    const active = this.listeningTo(participant, ['choices', 'speech', 'speechOrDtmf']);
    if (!active) return false;
    const operation = active.operation as RecognizeOperation;
    if (operation.inputType === 'choices') {
      const said = phrase.trim().toLowerCase();
      const choice = operation.choices.find((candidate) =>
        candidate.phrases.some((known) => known.trim().toLowerCase() === said),
      );
      if (!choice) {
        this.finish('RecognizeFailed', { resultInformation: results.phraseNotMatched });
      } else {
        this.finish('RecognizeCompleted', {
          recognitionType: 'choices',
          choiceResult: { label: choice.label, recognizedPhrase: phrase, confidence: 1 },
          resultInformation: results.speechOptionMatched,
        });
      }
      return true;
    }
    this.finish('RecognizeCompleted', {
      recognitionType: 'speech',
      speechResult: { speech: phrase, confidence: 1 },
      resultInformation: results.speechRecognized,
    });
    return true;
  }

  /** The connection ended: stop everything without another event (none follow CallDisconnected). */
  close(): void {
    this.closed = true;
    this.current?.timer?.();
    this.current = undefined;
    this.queue.splice(0);
    this.continuous.clear();
  }

  view(): MediaSessionView {
    const current = this.current;
    return {
      ...(current
        ? {
            current: {
              kind: current.operation.kind,
              ...context(current.operation),
              phase: current.phase,
              ...(current.operation.kind === 'recognize' ? { tones: [...current.tones] } : {}),
            },
          }
        : {}),
      queued: this.queue.map(({ operation }) => ({ kind: operation.kind, ...context(operation) })),
      continuousDtmf: [...this.continuous.keys()],
      sentDtmf: this.sent.map((sent) => ({ target: sent.target, tones: [...sent.tones] })),
    };
  }

  private next(): void {
    if (this.closed || this.current) return;
    const queued = this.queue.shift();
    if (!queued) return;
    const active: ActiveOperation = {
      id: queued.id,
      operation: queued.operation,
      phase: 'starting',
      tones: [],
    };
    this.current = active;
    // Started on the next turn, so the 202 goes out before the first event about it.
    active.timer = this.deps.timers.after(0, () => this.start(active));
  }

  private start(active: ActiveOperation): void {
    const { operation } = active;
    const sourcesMs = this.deps.durations.playSourceMs;
    if (operation.kind === 'play') {
      if (this.deps.faults.take('playFailed')) {
        return this.finish('PlayFailed', {
          resultInformation: results.fileDownloadFailed,
          failedPlaySourceIndex: 0,
        });
      }
      active.phase = 'playing';
      this.deps.publish(
        'PlayStarted',
        { ...context(operation), resultInformation: results.playStarted },
        operation.callbackUri,
      );
      const playOnce = () => {
        active.timer = this.deps.timers.after(operation.sourceCount * sourcesMs, () => {
          if (operation.loop) return playOnce();
          this.finish('PlayCompleted', { resultInformation: results.succeeded });
        });
      };
      return playOnce();
    }
    if (operation.promptCount === 0) return this.listen(active);
    if (this.deps.faults.take('recognizePromptFailed')) {
      return this.finish('RecognizeFailed', {
        resultInformation: results.playPromptFailed,
        failedPlaySourceIndex: 0,
      });
    }
    active.phase = 'prompt';
    active.timer = this.deps.timers.after(operation.promptCount * sourcesMs, () => this.listen(active));
  }

  private listen(active: ActiveOperation): void {
    const operation = active.operation as RecognizeOperation;
    active.phase = 'listening';
    active.timer = this.deps.timers.after(operation.initialSilenceMs, () =>
      this.finish('RecognizeFailed', { resultInformation: results.initialSilenceTimeout }),
    );
  }

  /**
   * The running recognize, if it is waiting for this participant's input of one of these kinds, with
   * its timers stopped. Input during the prompt counts only when the prompt may be interrupted (and
   * then ends it); input just before the recognize began counts when there is nothing to interrupt.
   */
  private listeningTo(
    participant: string,
    inputTypes: RecognizeOperation['inputType'][],
  ): ActiveOperation | undefined {
    const active = this.current;
    if (active?.operation.kind !== 'recognize') return undefined;
    const operation = active.operation;
    if (operation.target !== participant || !inputTypes.includes(operation.inputType)) return undefined;
    const promptFirst =
      active.phase === 'prompt' || (active.phase === 'starting' && operation.promptCount > 0);
    if (promptFirst && !operation.interruptPrompt) return undefined;
    active.timer?.();
    active.phase = 'listening';
    return active;
  }

  private finishDtmf(active: ActiveOperation, resultInformation: ResultInformation): void {
    this.finish('RecognizeCompleted', {
      recognitionType: 'dtmf',
      dtmfResult: { tones: [...active.tones] },
      resultInformation,
    });
  }

  private finish(type: string, data: Record<string, unknown>): void {
    const active = this.current;
    if (!active) return;
    active.timer?.();
    this.current = undefined;
    this.deps.publish(type, { ...context(active.operation), ...data }, active.operation.callbackUri);
    this.next();
  }

  private cancelCurrent(): void {
    const active = this.current;
    if (!active) return;
    active.timer?.();
    this.current = undefined;
    this.publishCanceled(active.operation);
  }

  private publishCanceled(operation: MediaOperation): void {
    this.deps.publish(
      operation.kind === 'play' ? 'PlayCanceled' : 'RecognizeCanceled',
      { ...context(operation), resultInformation: results.canceled },
      operation.callbackUri,
    );
  }
}

function context(base: MediaOperationBase): { operationContext?: string } {
  return withOperationContext(base.operationContext);
}
