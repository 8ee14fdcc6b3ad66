import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** ACS refuses requests whose x-ms-date is further than this from its own clock. */
export const maxClockSkewMs = 15 * 60 * 1000;

export interface SignedRequest {
  method: string;
  /** The request target exactly as received (`req.url`), still percent-encoded. */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type HmacVerdict = { ok: true } | { ok: false; reason: string };

/**
 * The path and query as the SDK signs them: it takes `URL.pathname` (still percent-encoded) and
 * re-serialises the query with URLSearchParams, so the server must normalise the same way.
 */
export function hmacPathAndQuery(rawUrl: string): string {
  const url = new URL(rawUrl, 'http://signed.invalid');
  const query = url.searchParams.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

export function contentHash(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('base64');
}

export function hmacStringToSign(method: string, pathAndQuery: string, signedValues: string[]): string {
  return `${method.toUpperCase()}\n${pathAndQuery}\n${signedValues.join(';')}`;
}

/** The access key is base64; the HMAC key is its decoded bytes. */
export function hmacSignature(accessKey: string, stringToSign: string): string {
  return createHmac('sha256', Buffer.from(accessKey, 'base64')).update(stringToSign, 'utf8').digest('base64');
}

/** Checks a request signed like `createCommunicationAccessKeyCredentialPolicy` signs it. */
export function verifyHmacRequest(request: SignedRequest, accessKey: string, nowMs: number): HmacVerdict {
  const authorization = parseAuthorization(headerValue(request.headers, 'authorization'));
  if (!authorization) return { ok: false, reason: 'The Authorization header is missing or not HMAC-SHA256.' };
  const missing = requiredSignedHeaders.filter((name) => !authorization.signedHeaders.includes(name));
  if (missing.length > 0) return { ok: false, reason: `SignedHeaders must include ${missing.join(', ')}.` };

  const dateVerdict = checkDate(headerValue(request.headers, 'x-ms-date'), nowMs);
  if (!dateVerdict.ok) return dateVerdict;
  if (headerValue(request.headers, 'x-ms-content-sha256') !== contentHash(request.body)) {
    return { ok: false, reason: 'x-ms-content-sha256 does not match the request body.' };
  }

  const signedValues = authorization.signedHeaders.map((name) => headerValue(request.headers, name) ?? '');
  const stringToSign = hmacStringToSign(request.method, hmacPathAndQuery(request.rawUrl), signedValues);
  const expected = Buffer.from(hmacSignature(accessKey, stringToSign), 'base64');
  const given = Buffer.from(authorization.signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'The request signature is not valid.' };
  }
  return { ok: true };
}

const requiredSignedHeaders = ['x-ms-date', 'host', 'x-ms-content-sha256'];

function parseAuthorization(
  value: string | undefined,
): { signedHeaders: string[]; signature: string } | undefined {
  const match = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(\S+)$/i.exec(value ?? '');
  if (!match?.[1] || !match[2]) return undefined;
  return { signedHeaders: match[1].toLowerCase().split(';'), signature: match[2] };
}

function checkDate(value: string | undefined, nowMs: number): HmacVerdict {
  const sentAt = value ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(sentAt)) return { ok: false, reason: 'x-ms-date is missing or not a date.' };
  if (Math.abs(nowMs - sentAt) > maxClockSkewMs) {
    return { ok: false, reason: 'x-ms-date is more than 15 minutes away from the server time.' };
  }
  return { ok: true };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
