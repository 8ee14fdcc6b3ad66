/** The ACS emulator's control and validation endpoints, for a service running in another process. */
export function emulatorControl(emulatorUrl: string) {
  const post = (path: string, body: unknown) =>
    fetch(new URL(path, emulatorUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  return {
    async validate(token: string) {
      const response = await post(':validateToken', { token });
      return (await response.json()) as {
        valid: boolean;
        reason?: string;
        communicationUserId?: string;
        scopes?: string[];
        expiresOn?: string;
      };
    },
    async injectFaults(fault: {
      count: number;
      status?: number;
      retryAfterSeconds?: number;
      delayMs?: number;
      operation?: string;
    }) {
      const response = await post('__emulator/faults', fault);
      if (!response.ok) throw new Error(`fault injection failed: ${response.status}`);
    },
    async identities() {
      const response = await fetch(new URL('__emulator/identities', emulatorUrl));
      return ((await response.json()) as { identities: Array<{ id: string; deleted: boolean }> }).identities;
    },
  };
}
