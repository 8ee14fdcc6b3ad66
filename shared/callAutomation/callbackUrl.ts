/**
 * Where ACS posts a connection's callbacks: the service's own endpoint, with the call and the connection's
 * secret binding id in the path. Made only from CALLBACK_BASE_URL: a client never chooses it.
 */
export function callbackUrl(baseUrl: string, callId: string, bindingId: string): string {
  return `${baseUrl}/api/callautomation/events/${callId}/${bindingId}`;
}
