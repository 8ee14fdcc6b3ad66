import { expectJson } from './httpJson';
import { mapWithConcurrency } from '../shared/concurrency/mapWithConcurrency';

/** A bearer token from the host's dev sign-in (`POST /dev/token`), exactly as a client would get one. */
export async function devSignIn(hostUrl: string, sub: string): Promise<string> {
  const { access_token } = await expectJson<{ access_token: string }>(`${hostUrl}/dev/token`, 200, {
    method: 'POST',
    body: { sub },
  });
  return access_token;
}

/** Bearer tokens for many subjects; signing is CPU-bound in the host, so a few at a time is enough. */
export function devSignInAll(hostUrl: string, subjects: readonly string[]): Promise<string[]> {
  return mapWithConcurrency(subjects, 8, (sub) => devSignIn(hostUrl, sub));
}
