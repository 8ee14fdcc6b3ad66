/**
 * Whether a request's `Host` header names this machine. The local host mints admin tokens at /dev,
 * so a page on another site must not reach it through DNS rebinding (its own name, re-pointed at
 * 127.0.0.1): such a request still carries that name in `Host`. Loopback names always pass
 * (`localhost`, `*.localhost`, `127.x.x.x`, `[::1]`), and so do the names given in `allowedHosts`
 * (a container's or tunnel's host name, say); the port is not compared.
 */
const HOST_HEADER = /^(?<hostname>\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i;
const IPV4_LOOPBACK = /^127(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function normalizeHostname(hostname: string): string {
  // `localhost.` is the same name as `localhost`.
  return hostname.toLowerCase().replace(/\.$/, '');
}

function isLoopbackName(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    IPV4_LOOPBACK.test(hostname) ||
    hostname === '[::1]'
  );
}

/** The names a setting such as `LOCAL_ALLOWED_HOSTS` lists: comma-separated, any case. */
export function parseAllowedHosts(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((name) => normalizeHostname(name.trim()))
    .filter((name) => name !== '');
}

export function isAllowedHost(hostHeader: string | undefined, allowedHosts: readonly string[]): boolean {
  const hostname = hostHeader === undefined ? undefined : HOST_HEADER.exec(hostHeader)?.groups?.hostname;
  if (hostname === undefined) return false;
  const name = normalizeHostname(hostname);
  return isLoopbackName(name) || allowedHosts.includes(name);
}
