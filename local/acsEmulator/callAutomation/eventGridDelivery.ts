import { randomUUID } from 'node:crypto';

export interface EventGridSubscriptionSpec {
  /** The webhook that receives the events (EventGridEvent schema). */
  endpoint: string;
  /**
   * The token for `Authorization: Bearer` on every delivery (Event Grid's Entra-protected delivery),
   * fetched anew each time; a value already starting with `Bearer ` is sent as it is.
   */
  authorization?: () => Promise<string>;
}

/** An event in the EventGridEvent schema. */
export interface EventGridEvent {
  id: string;
  topic: string;
  subject: string;
  data: unknown;
  eventType: string;
  eventTime: string;
  metadataVersion: '1';
  dataVersion: string;
}

export type EventGridPostResult = { status: number; error?: string } | { status: 'failed'; error: string };

export interface EventGridSubscriptionView {
  endpoint: string;
  validated: boolean;
  authenticated: boolean;
  validation?: EventGridPostResult;
}

/** The system topic's id, as Event Grid names an ACS resource's. */
export const eventGridTopic =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/acs-emulator/providers/Microsoft.Communication/communicationServices/acs-emulator';

const postTimeoutMs = 10_000;

/**
 * One Event Grid subscription on the resource's system topic. Setting it performs the validation
 * handshake (the endpoint must echo the validation code); events go only to a validated endpoint.
 * No retries: a failed delivery is reported to whoever triggered it.
 */
export class EventGridDelivery {
  private subscription:
    (EventGridSubscriptionSpec & { validated: boolean; validation?: EventGridPostResult }) | undefined;
  private pendingCode: string | undefined;

  constructor(
    private readonly signal: AbortSignal,
    private readonly validationUrl: (code: string) => string,
  ) {}

  async subscribe(spec: EventGridSubscriptionSpec): Promise<EventGridSubscriptionView> {
    if (!URL.canParse(spec.endpoint)) throw new Error('The Event Grid endpoint must be an absolute URL.');
    this.subscription = { ...spec, validated: false };
    await this.validate();
    return this.view() as EventGridSubscriptionView;
  }

  view(): EventGridSubscriptionView | undefined {
    const subscription = this.subscription;
    if (!subscription) return undefined;
    return {
      endpoint: subscription.endpoint,
      validated: subscription.validated,
      authenticated: subscription.authorization !== undefined,
      ...(subscription.validation ? { validation: subscription.validation } : {}),
    };
  }

  /** The handshake again (an endpoint that was not up yet may be now). */
  async validate(): Promise<boolean> {
    const subscription = this.subscription;
    if (!subscription) return false;
    const code = randomUUID();
    this.pendingCode = code;
    const event = this.event(
      'Microsoft.EventGrid.SubscriptionValidationEvent',
      '',
      {
        validationCode: code,
        validationUrl: this.validationUrl(code),
      },
      '1',
    );
    const result = await this.post(subscription, [event], 'SubscriptionValidation', async (response) => {
      const body = (await response.json().catch(() => undefined)) as
        { validationResponse?: unknown } | undefined;
      return body?.validationResponse === code ? undefined : 'The endpoint did not echo the validation code.';
    });
    if (this.subscription !== subscription) return false;
    subscription.validation = result;
    subscription.validated = result.status === 200 && result.error === undefined;
    return subscription.validated;
  }

  /** The manual handshake: a GET of the validation URL from the validation event. */
  validateByUrl(code: string): boolean {
    if (!this.subscription || code !== this.pendingCode) return false;
    this.subscription.validated = true;
    return true;
  }

  isValidated(): boolean {
    return this.subscription?.validated === true;
  }

  async deliver(
    eventType: string,
    subject: string,
    data: unknown,
    dataVersion: string,
  ): Promise<EventGridPostResult> {
    const subscription = this.subscription;
    if (!subscription?.validated) return { status: 'failed', error: 'No validated Event Grid subscription.' };
    return this.post(subscription, [this.event(eventType, subject, data, dataVersion)], 'Notification');
  }

  private event(eventType: string, subject: string, data: unknown, dataVersion: string): EventGridEvent {
    return {
      id: randomUUID(),
      topic: eventGridTopic,
      subject,
      data,
      eventType,
      eventTime: new Date().toISOString(),
      metadataVersion: '1',
      dataVersion,
    };
  }

  private async post(
    subscription: EventGridSubscriptionSpec,
    events: EventGridEvent[],
    eventKind: 'SubscriptionValidation' | 'Notification',
    check?: (response: Response) => Promise<string | undefined>,
  ): Promise<EventGridPostResult> {
    try {
      const token = subscription.authorization ? await subscription.authorization() : undefined;
      const response = await fetch(subscription.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'aeg-event-type': eventKind,
          'aeg-subscription-name': 'ACS-EMULATOR-INCOMING-CALLS',
          'aeg-delivery-count': '0',
          'aeg-data-version': events[0]?.dataVersion ?? '1',
          'aeg-metadata-version': '1',
          ...(token ? { authorization: /^Bearer /i.test(token) ? token : `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(events),
        signal: AbortSignal.any([this.signal, AbortSignal.timeout(postTimeoutMs)]),
      });
      const problem = response.status === 200 && check ? await check(response) : undefined;
      if (!check || response.status !== 200) await response.arrayBuffer().catch(() => undefined);
      return { status: response.status, ...(problem ? { error: problem } : {}) };
    } catch (error) {
      return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
    }
  }
}
