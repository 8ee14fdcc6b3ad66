import type { IncomingMessage } from 'node:http';

function parse(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * The URL the client asked for, as the function sees it (`request.url`): the Host header's origin,
 * else the host's own. Built by concatenation rather than `new URL(path, base)` so a path starting
 * with `//` stays a path and is not read as another host.
 */
export function requestUrl(req: IncomingMessage, fallbackOrigin: string): URL {
  const target = req.url ?? '/';
  const fallback = new URL('/', fallbackOrigin);
  if (!target.startsWith('/')) return parse(target) ?? fallback;
  const host = req.headers.host;
  return (
    (host ? parse(`http://${host}${target}`) : undefined) ?? parse(`${fallback.origin}${target}`) ?? fallback
  );
}
