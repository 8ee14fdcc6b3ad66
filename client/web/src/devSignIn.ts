import type { Session } from './session';

/** Per tab: two tabs can be two users, as two people on two machines would be. */
const storageKey = 'acs-trusted-service:dev-session';

interface StoredDevSession {
  subjectId: string;
  displayName?: string;
  accessToken: string;
}

function sessionOf(stored: StoredDevSession): Session {
  return {
    subjectId: stored.subjectId,
    displayName: stored.displayName,
    bearer: async () => stored.accessToken,
    end: async () => sessionStorage.removeItem(storageKey),
  };
}

/** The dev sign-in this tab made earlier, if any; the service decides whether its token still holds. */
export function restoredDevSession(): Session | undefined {
  const raw = sessionStorage.getItem(storageKey);
  if (!raw) return undefined;
  try {
    return sessionOf(JSON.parse(raw) as StoredDevSession);
  } catch {
    sessionStorage.removeItem(storageKey);
    return undefined;
  }
}

/**
 * Signs in through the local host's dev issuer (`POST /dev/token`), which signs a real JWT for any subject:
 * `npm start`'s stand-in for Entra ID. The service verifies it like any other.
 */
export async function devSignIn(
  tokenPath: string,
  subjectId: string,
  displayName?: string,
): Promise<Session> {
  const response = await fetch(tokenPath, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: subjectId, ...(displayName ? { name: displayName } : {}) }),
  });
  if (!response.ok) throw new Error(`The dev sign-in answered ${response.status}: ${await response.text()}`);
  const { access_token: accessToken } = (await response.json()) as { access_token: string };
  const stored: StoredDevSession = { subjectId, accessToken, ...(displayName ? { displayName } : {}) };
  sessionStorage.setItem(storageKey, JSON.stringify(stored));
  return sessionOf(stored);
}
