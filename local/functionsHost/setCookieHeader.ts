import type { Cookie } from '@azure/functions';

// RFC 6265 cookie-name is an RFC 7230 token; attribute values must not end the header or the attribute.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ATTRIBUTE_VALUE = /^[^;\r\n\0]*$/;
// Like the library's own conversion: anything else means "no SameSite attribute".
const SAME_SITE: Record<string, string> = { strict: 'Strict', lax: 'Lax', none: 'None' };

function checkedAttribute(name: string, value: string): string {
  if (!ATTRIBUTE_VALUE.test(value)) throw new Error(`cookie ${name} contains a character not allowed there`);
  return value;
}

function expiresAttribute(expires: Date | number): string {
  const date = typeof expires === 'number' ? new Date(expires) : expires;
  if (Number.isNaN(date.getTime())) throw new Error('cookie expires is not a valid date');
  return date.toUTCString();
}

/**
 * One `Set-Cookie` header value for a cookie the function returned, as the Functions host writes it.
 * The value is percent-encoded (ASP.NET Core does the same), so no value can break the header.
 */
export function setCookieHeader(cookie: Cookie): string {
  if (!TOKEN.test(cookie.name)) throw new Error(`cookie name "${cookie.name}" is not a valid token`);
  const parts = [`${cookie.name}=${encodeURIComponent(cookie.value)}`];
  // `!= null`: plain-JavaScript apps pass null for "not set" as often as undefined.
  if (cookie.domain != null) parts.push(`Domain=${checkedAttribute('domain', cookie.domain)}`);
  if (cookie.path != null) parts.push(`Path=${checkedAttribute('path', cookie.path)}`);
  if (cookie.expires != null) parts.push(`Expires=${expiresAttribute(cookie.expires)}`);
  if (cookie.maxAge != null) parts.push(`Max-Age=${Math.trunc(cookie.maxAge)}`);
  if (cookie.secure) parts.push('Secure');
  if (cookie.httpOnly) parts.push('HttpOnly');
  const sameSite = SAME_SITE[String(cookie.sameSite).toLowerCase()];
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}
