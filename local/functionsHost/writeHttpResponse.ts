import type { HttpResponse } from '@azure/functions';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FunctionResult } from './invokeHttpFunction';
import { setCookieHeader } from './setCookieHeader';

// Statuses that carry no body, so they must not carry a Content-Length either (RFC 9110).
const NO_BODY_STATUSES = new Set([204, 304]);

function responseHeaders(response: HttpResponse): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') headers[name] = value;
  }
  const cookies = [...response.headers.getSetCookie(), ...response.cookies.map(setCookieHeader)];
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  return headers;
}

/**
 * Writes a function's response: status, headers, `cookies` as Set-Cookie, and the body, sent with its
 * length when it is already in memory and streamed (chunked) when the function returned a stream.
 * Everything that can throw (bad cookies) runs before the status line is written, so such a response
 * can still become a 500.
 */
export async function writeHttpResponse(res: ServerResponse, result: FunctionResult): Promise<void> {
  const { response, streamBody } = result;
  const headers = responseHeaders(response);
  if (streamBody && response.body !== null) {
    res.writeHead(response.status, headers);
    await pipeline(Readable.fromWeb(response.body), res);
    return;
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (!NO_BODY_STATUSES.has(response.status)) headers['content-length'] = bytes.length;
  res.writeHead(response.status, headers);
  res.end(bytes);
}
