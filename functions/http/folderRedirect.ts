import type { HttpRequest } from '@azure/functions';
import { Reply } from './reply';

/**
 * A page that loads its files relative to itself must be seen at its folder, with the slash: the redirect
 * there for a request without it (and no file named), else undefined.
 */
export function folderRedirect(request: HttpRequest, file: string | undefined): Reply<never> | undefined {
  const { pathname } = new URL(request.url);
  if (file || pathname.endsWith('/')) return undefined;
  return new Reply({ status: 308, headers: { location: `${pathname}/` } });
}
