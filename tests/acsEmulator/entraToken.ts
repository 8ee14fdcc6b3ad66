/** An Entra ID-shaped JWT with a dummy signature: the emulator decodes it without verifying, as documented. */
export function entraToken(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'test' })}.${part(claims)}.${Buffer.from('sig').toString('base64url')}`;
}
