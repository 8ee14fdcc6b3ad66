import { randomUUID } from 'node:crypto';

/** The fields ACS puts in the data of every event about a call connection. */
export interface CallEventScope {
  callConnectionId: string;
  serverCallId: string;
  correlationId: string;
}

/** A CloudEvents 1.0 envelope as Call Automation posts it (always inside a JSON array). */
export interface CallbackEvent {
  id: string;
  source: string;
  type: string;
  specversion: '1.0';
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  data: CallEventScope & Record<string, unknown>;
}

/** `type` without its `Microsoft.Communication.` prefix, e.g. `CallConnected`. */
export function callbackEvent(
  type: string,
  scope: CallEventScope,
  data: Record<string, unknown>,
  now = new Date(),
): CallbackEvent {
  const source = `calling/callConnections/${scope.callConnectionId}`;
  return {
    id: randomUUID(),
    source,
    type: `Microsoft.Communication.${type}`,
    specversion: '1.0',
    time: now.toISOString(),
    subject: source,
    datacontenttype: 'application/json',
    data: { ...data, ...scope },
  };
}

/** The short name of an event, for views and logs. */
export function shortEventType(event: CallbackEvent): string {
  return event.type.replace(/^Microsoft\.Communication\./, '');
}
