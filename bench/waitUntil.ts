/** Polls `ready` every `intervalMs` until it answers true; a throw from `ready` ends the wait at once. */
export async function waitUntil(
  what: string,
  timeoutMs: number,
  ready: () => Promise<boolean>,
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
