import { z } from 'zod';

/**
 * Connection strings are `Name=value;Name=value` with names in any case. They are parsed at start-up, so a
 * bad one stops the app with the setting's name instead of turning every request into a 500. Messages
 * name the parts that are wrong, never their values: a connection string holds a key.
 */
function connectionStringParts(value: string): Map<string, string> | undefined {
  const parts = new Map<string, string>();
  for (const segment of value.split(';')) {
    if (segment.trim() === '') continue;
    const at = segment.indexOf('=');
    if (at <= 0) return undefined;
    parts.set(segment.slice(0, at).trim().toLowerCase(), segment.slice(at + 1).trim());
  }
  return parts.size > 0 ? parts : undefined;
}

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
const isHttpUrl = (value: string | undefined) =>
  value !== undefined && URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

/** Reports what is wrong with a connection string, or nothing. */
type PartsCheck = (parts: Map<string, string>) => string | undefined;

function connectionString(check: PartsCheck, expected: string) {
  return z.string().superRefine((value, ctx) => {
    const parts = connectionStringParts(value);
    const problem = parts ? check(parts) : `is not a connection string (${expected})`;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** `endpoint=https://<resource>.communication.azure.com/;accesskey=<base64>`, as the portal shows it. */
export const acsConnectionStringSchema = connectionString((parts) => {
  if (!isHttpUrl(parts.get('endpoint'))) return 'needs endpoint=<http(s) URL>';
  if (!base64.test(parts.get('accesskey') ?? '')) return 'needs accesskey=<base64 key>';
  return undefined;
}, 'endpoint=...;accesskey=...');

/**
 * A storage connection string that reaches a Table service: the development storage shortcut, an account
 * name and key (with the default endpoints or an explicit TableEndpoint), or a SAS with a TableEndpoint.
 */
export const tablesConnectionStringSchema = connectionString((parts) => {
  if (parts.get('usedevelopmentstorage')?.toLowerCase() === 'true') return undefined;
  const tableEndpoint = parts.get('tableendpoint');
  if (tableEndpoint !== undefined && !isHttpUrl(tableEndpoint))
    return 'has a TableEndpoint that is not an http(s) URL';
  if (parts.has('sharedaccesssignature')) {
    return tableEndpoint === undefined ? 'has a SharedAccessSignature but no TableEndpoint' : undefined;
  }
  if (!parts.get('accountname')) return 'needs AccountName (or UseDevelopmentStorage=true)';
  if (!base64.test(parts.get('accountkey') ?? '')) return 'needs AccountKey=<base64 key>';
  const protocol = parts.get('defaultendpointsprotocol');
  if (protocol !== undefined && !/^https?$/i.test(protocol))
    return 'has a DefaultEndpointsProtocol other than http or https';
  return undefined;
}, 'AccountName=...;AccountKey=...;TableEndpoint=...');
