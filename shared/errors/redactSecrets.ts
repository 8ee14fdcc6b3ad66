const patterns: Array<[RegExp, string]> = [
  // JWTs (ACS tokens, bearer tokens, Entra tokens): header.payload.signature, base64url.
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
  [/\b(Bearer|HMAC-SHA256)\s+[^\s"',]+/gi, '$1 [redacted]'],
  // Keys in connection strings and SAS query strings.
  [
    /\b(AccountKey|accesskey|SharedAccessKey|SharedAccessSignature|sig|password|pwd|client_secret|code)=([^;&\s"']+)/gi,
    '$1=[redacted]',
  ],
  // Bare keys: base64 of 30 bytes or more (ACS and storage keys, AES keys).
  [/[A-Za-z0-9+/]{40,}={0,2}/g, '[redacted]'],
];

/**
 * A message or stack with anything that looks like a credential replaced, so that a dependency's error
 * (which may quote a request, a connection string or a token) can be logged.
 */
export function redactSecrets(text: string): string {
  return patterns.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}
