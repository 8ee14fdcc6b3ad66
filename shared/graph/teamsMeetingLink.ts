import { z } from 'zod';

/** Where Teams join links live: work/school and personal Teams. */
export const teamsMeetingHosts = ['teams.microsoft.com', 'teams.live.com'] as const;

/**
 * An https Teams join link (`/l/meetup-join/...` or `/meet/...`) on a Teams host, with no port or
 * credentials: the link is handed to every invitee, so nothing else may pass for one.
 */
export function isTeamsMeetingLink(value: string): boolean {
  if (/\s/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    (teamsMeetingHosts as readonly string[]).includes(url.hostname) &&
    url.port === '' &&
    url.username === '' &&
    url.password === '' &&
    /^\/(?:l\/meetup-join|meet)\/[^/]/.test(url.pathname)
  );
}

export const teamsMeetingLinkSchema = z
  .string()
  .max(2048)
  .refine(
    isTeamsMeetingLink,
    'must be an https Teams join link on teams.microsoft.com or teams.live.com (/l/meetup-join/... or /meet/...)',
  );
