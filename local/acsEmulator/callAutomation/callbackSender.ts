import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallbackEvent } from './callbackEvent';
import { shortEventType } from './callbackEvent';
import type { CallbackFault, CallbackFaultKind, CallbackFaults } from './callbackFaults';
import type { CallbackTokenSigner, CallbackTokenVariant } from './callbackTokenSigner';

/** One POST of callback events (or one that a fault kept from being posted). */
export interface CallbackDelivery {
  deliveryId: string;
  callConnectionId: string;
  url: string;
  eventTypes: string[];
  eventIds: string[];
  fault?: CallbackFaultKind;
  /** The HTTP status the receiver answered, or why there is none. */
  status: number | 'pending' | 'dropped' | 'failed';
  error?: string;
  sentAt?: string;
}

export interface CallbackSenderOptions {
  signer: CallbackTokenSigner;
  /** The resource id: the audience of every valid token. */
  audience: () => string;
  faults: CallbackFaults;
  /** Aborted when the emulator closes. */
  signal: AbortSignal;
  /** Callback URLs of other connections, for the otherBinding fault. */
  otherCallbackUris: (callConnectionId: string) => string[];
}

/** A reorder fault releases the held callback once the next one went out, or after this long. */
const reorderHoldMs = 1000;
const postTimeoutMs = 10_000;
const maxKeptDeliveries = 10_000;

interface HeldCallback {
  release(): void;
}

/**
 * Posts callbacks, one connection's strictly in order (each waits for the one before to be answered,
 * as a receiver would see from ACS on a quiet network), minting a fresh token for every post and
 * applying the callback faults. No retries: what the receiver answered is recorded, and that is all.
 */
export class CallbackSender {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly held = new Map<string, HeldCallback>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly records: CallbackDelivery[] = [];

  constructor(private readonly options: CallbackSenderOptions) {}

  send(callConnectionId: string, url: string, events: CallbackEvent[]): void {
    if (this.options.signal.aborted) return;
    const fault = this.options.faults.take();
    const target = fault?.kind === 'otherBinding' ? this.otherBindingUrl(callConnectionId, url) : url;
    const record = this.record(callConnectionId, target, events, fault);
    const post = () => this.post(record, events, variantOf(fault));

    switch (fault?.kind) {
      case 'drop':
        record.status = 'dropped';
        return;
      case 'delay':
        this.track(
          sleep(fault.delayMs ?? 0, undefined, { signal: this.options.signal }).then(post, () => {
            record.status = 'failed';
            record.error = 'The emulator closed before the delayed callback was due.';
          }),
        );
        return;
      case 'reorder':
        this.hold(callConnectionId, post);
        return;
      case 'duplicate': {
        const again = this.record(callConnectionId, target, events, fault);
        this.enqueue(callConnectionId, async () => {
          await post();
          await this.post(again, events, 'valid');
        });
        break;
      }
      default:
        this.enqueue(callConnectionId, post);
    }
    this.held.get(callConnectionId)?.release();
  }

  deliveries(callConnectionId?: string): CallbackDelivery[] {
    const all = callConnectionId
      ? this.records.filter((delivery) => delivery.callConnectionId === callConnectionId)
      : this.records;
    return all.map((delivery) => ({ ...delivery, eventTypes: [...delivery.eventTypes] }));
  }

  /** Resolves once every callback sent so far was posted (or given up on), held ones included. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private enqueue(callConnectionId: string, task: () => Promise<void>): void {
    const next = (this.chains.get(callConnectionId) ?? Promise.resolve()).then(task);
    this.chains.set(callConnectionId, next);
    this.track(next);
  }

  private hold(callConnectionId: string, post: () => Promise<void>): void {
    let released = false;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      this.held.delete(callConnectionId);
      this.enqueue(callConnectionId, post);
      finish();
    };
    const timer = setTimeout(release, reorderHoldMs);
    // A second reorder while one is held lets the first go: one callback is out of place at a time.
    this.held.get(callConnectionId)?.release();
    this.held.set(callConnectionId, { release });
    this.options.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      finish();
    });
    this.track(done);
  }

  private async post(record: CallbackDelivery, events: CallbackEvent[], variant: CallbackTokenVariant) {
    try {
      const token = await this.options.signer.sign(this.options.audience(), variant);
      const response = await fetch(record.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(events),
        signal: AbortSignal.any([this.options.signal, AbortSignal.timeout(postTimeoutMs)]),
      });
      await response.arrayBuffer();
      record.status = response.status;
    } catch (error) {
      record.status = 'failed';
      record.error = error instanceof Error ? error.message : String(error);
    }
    record.sentAt = new Date().toISOString();
  }

  private record(
    callConnectionId: string,
    url: string,
    events: CallbackEvent[],
    fault: CallbackFault | undefined,
  ): CallbackDelivery {
    const record: CallbackDelivery = {
      deliveryId: randomUUID(),
      callConnectionId,
      url,
      eventTypes: events.map(shortEventType),
      eventIds: events.map((event) => event.id),
      status: 'pending',
      ...(fault ? { fault: fault.kind } : {}),
    };
    this.records.push(record);
    if (this.records.length > maxKeptDeliveries) this.records.shift();
    return record;
  }

  private otherBindingUrl(callConnectionId: string, url: string): string {
    const other = this.options.otherCallbackUris(callConnectionId).find((candidate) => candidate !== url);
    if (other) return other;
    const replaced = new URL(url);
    const segments = replaced.pathname.split('/');
    segments[segments.length - 1] = randomUUID();
    replaced.pathname = segments.join('/');
    return replaced.toString();
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch(() => undefined);
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }
}

function variantOf(fault: CallbackFault | undefined): CallbackTokenVariant {
  switch (fault?.kind) {
    case 'badSignature':
    case 'wrongAudience':
    case 'expired':
      return fault.kind;
    default:
      return 'valid';
  }
}
